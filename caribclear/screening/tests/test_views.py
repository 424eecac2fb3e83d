"""Officials' pages for watchlists and lookouts: uploads with diffs, lookout forms, sharing as 404s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.declarations import declaration_filed, send_on_commit
from caribclear.core.models import AuditEvent
from caribclear.screening.choices import Sharing, SourceFormat
from caribclear.screening.models import Hit, Lookout, Watchlist
from caribclear.screening.services import lookout_create, watchlist_create, watchlist_import

from .helpers import WATCHLISTS, traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="chief@ag.example")


@pytest.fixture
def bb_officer(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")


def csv_upload(text: str, name: str = "lookouts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_supervisor_uploads_a_list_then_a_new_version_and_sees_the_diff(
    supervisor: User, bb_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(supervisor)
    response = client.post(
        reverse("screening:watchlist_create"),
        {
            "name": "Antigua watch",
            "source_format": "csv",
            "sharing": "own",
            "threshold": "0.85",
            "file": csv_upload("id,name,birth_date\nA-1,Peter Gomez,1960\nA-2,Ruth Ames,1972\n"),
        },
    )
    assert response.status_code == 302
    watchlist = Watchlist.objects.get(name="Antigua watch")
    assert watchlist.current_version is not None
    assert watchlist.owner == supervisor.administration and watchlist.current_version.entity_count == 2

    detail = reverse("screening:watchlist", args=[watchlist.pk])
    response = client.post(
        detail, {"file": csv_upload("id,name,birth_date\nA-1,Peter Gomez,1961\nA-3,Joe Bloggs,1980\n")}
    )
    assert response.status_code == 302
    version = Watchlist.objects.get(pk=watchlist.pk).current_version
    assert version is not None
    page = client.get(response["Location"]).content.decode()
    assert "Added (1)" in page and "Joe Bloggs" in page
    assert "Changed (1)" in page and "Peter Gomez" in page
    assert "Removed (1)" in page and "Ruth Ames" in page
    assert version.imported_by == supervisor
    searched = client.post(detail, {"action": "search", "q": "bloggs"})
    assert searched.status_code == 302 and "bloggs" not in searched["Location"].lower()
    found = client.get(searched["Location"]).content.decode()
    assert "Joe Bloggs" in found and "Peter Gomez" not in found
    # A name in a link is not read (it would be in every server log): the whole list shows.
    assert "Peter Gomez" in client.get(detail, {"q": "bloggs"}).content.decode()

    # Kept to Antigua: Barbados cannot see the list nor its versions.
    bb = client_for(bb_officer)
    assert bb.get(detail).status_code == 404
    assert bb.get(reverse("screening:version", args=[version.pk])).status_code == 404
    assert "Antigua watch" not in bb.get(reverse("screening:watchlists")).content.decode()


def test_a_bad_file_is_refused_and_the_form_keeps_what_was_typed(
    supervisor: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(supervisor).post(
        reverse("screening:watchlist_create"),
        {
            "name": "Broken",
            "source_format": "un",
            "sharing": "all",
            "threshold": "0.8",
            "file": csv_upload("not xml"),
        },
    )
    assert response.status_code == 400
    assert 'value="Broken"' in response.content.decode()
    assert not Watchlist.objects.filter(name="Broken").exists()


def test_ofac_upload_takes_the_three_files(supervisor: User, client_for: Callable[[User], Client]) -> None:
    files = {
        key: SimpleUploadedFile(f"ofac_{kind}.csv", (WATCHLISTS / f"ofac_{kind}.csv").read_bytes())
        for key, kind in (("file", "sdn"), ("alt_file", "alt"), ("add_file", "add"))
    }
    response = client_for(supervisor).post(
        reverse("screening:watchlist_create"),
        {"name": "OFAC copy", "source_format": "ofac", "sharing": "all", "threshold": "0.8", **files},
    )
    assert response.status_code == 302
    watchlist = Watchlist.objects.get(name="OFAC copy")
    assert watchlist.current_version is not None and watchlist.current_version.entity_count > 8000
    assert "THE CHESS PLAYER" in watchlist.entries.get(entity_id="ofac-4107").data["names"]


def test_plain_officers_cannot_import(officer: User, client_for: Callable[[User], Client]) -> None:
    assert client_for(officer).get(reverse("screening:watchlist_create")).status_code == 404


def test_officer_creates_a_lookout_shared_with_named_members(
    officer: User,
    bb_officer: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    jamaica = Administration.objects.get(code="JM")
    jm_officer = make_user(role=Role.OFFICER, administration=jamaica)
    client = client_for(officer)
    data = {
        "kind": "Person",
        "name": "Desmond KEANE",
        "aliases": "Des Keane\nD. Keane",
        "birth_date": "1975-13",
        "reason": "Suspected of smuggling firearms",
        "valid_from": "2026-01-01",
        "sharing": "named",
    }
    response = client.post(reverse("screening:lookout_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "YYYY-MM-DD" in html and "Name at least one member administration" in html
    assert 'value="Desmond KEANE"' in html

    response = client.post(
        reverse("screening:lookout_create"), data | {"birth_date": "1975", "shared_with": [jamaica.pk]}
    )
    assert response.status_code == 302
    lookout = Lookout.objects.get()
    assert lookout.alias_list == ["Des Keane", "D. Keane"] and lookout.created_by == officer
    assert AuditEvent.objects.filter(action="lookout.create", object_id=str(lookout.pk)).exists()

    page = reverse("screening:lookout", args=[lookout.reference])
    assert client_for(jm_officer).get(page).status_code == 200
    assert client_for(bb_officer).get(page).status_code == 404
    assert "Desmond" not in client_for(bb_officer).get(reverse("screening:lookouts")).content.decode()
    # Only the owner changes it.
    assert (
        client_for(jm_officer).get(reverse("screening:lookout_edit", args=[lookout.reference])).status_code
        == 404
    )

    response = client.post(page, {"reason": "Arrested in March"})
    assert response.status_code == 302
    assert Lookout.objects.get().withdrawn_at is not None


def test_a_lookout_with_an_impossible_imo_number_is_refused_beside_the_field(
    officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(officer)
    data = {
        "kind": "Vessel",
        "name": "Night Heron",
        "imo_number": "IMO 9187620",
        "mmsi": "319000123",
        "reason": "Reported drug run",
        "valid_from": "2026-01-01",
        "sharing": "all",
    }
    response = client.post(reverse("screening:lookout_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["imo_number"] and "check digit" in form.errors["imo_number"][0]
    html = response.content.decode()
    assert 'id="id_imo_number_error"' in html
    for typed in ("Night Heron", "IMO 9187620", "319000123"):
        assert f'value="{typed}"' in html
    assert ">\nReported drug run</textarea>" in html
    assert not Lookout.objects.exists()

    response = client.post(reverse("screening:lookout_create"), data | {"imo_number": "IMO 9187629"})
    assert response.status_code == 302
    assert Lookout.objects.get().imo_number == "9187629"


def test_lookout_service_for_other_apps(officer: User, barbados: Administration) -> None:
    lookout = lookout_create(
        actor=officer,
        kind="Vessel",
        name="Sea Shadow",
        imo_number="IMO 9187629",
        flag="PA",
        reason="Intel alert: reported drug run",
        sharing=Sharing.OWN,
        source="intel alert K7PM-4QXB",
    )
    assert lookout.imo_number == "9187629" and lookout.watchlist.source_format == SourceFormat.LOOKOUTS
    assert lookout.watchlist.owner == officer.administration


def test_watchlist_list_shows_regional_lists_to_everyone(
    officer: User, bb_officer: User, client_for: Callable[[User], Client], barbados: Administration
) -> None:
    watchlist_create(actor=None, name="UN consolidated", source_format=SourceFormat.UN, owner=None)
    watchlist_create(
        actor=None,
        name="Barbados private",
        source_format=SourceFormat.CSV,
        owner=barbados,
        sharing=Sharing.OWN,
    )
    html = client_for(officer).get(reverse("screening:watchlists")).content.decode()
    assert "UN consolidated" in html and "Barbados private" not in html
    assert "Barbados private" in client_for(bb_officer).get(reverse("screening:watchlists")).content.decode()


def test_anonymous_users_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("screening:lookouts"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_owner_changes_sharing_and_the_other_administration_is_screened_again(
    ports: None,
    operator: User,
    supervisor: User,
    bb_officer: User,
    barbados: Administration,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:

    watchlist = watchlist_create(
        actor=supervisor,
        name="Antigua watch",
        source_format=SourceFormat.CSV,
        owner=supervisor.administration,
        sharing=Sharing.ALL,
    )
    listfile = tmp_path / "list.csv"
    listfile.write_text("id,name,birth_date\nA-1,Trevor OSEI,1966-06-06\n", encoding="utf-8")
    watchlist_import(actor=supervisor, watchlist=watchlist, path=listfile)
    person = traveller(account=operator, surname="Osei", given_names="Trevor", born=dt.date(1966, 6, 6))
    at_barbados = voyage(account=operator, people=[person], port="BBBGI")
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(declaration_filed, declaration_of(at_barbados))
    hit = Hit.objects.get(declaration=at_barbados.declaration)
    assert hit.is_current

    page = reverse("screening:watchlist_settings", args=[watchlist.pk])
    assert client_for(bb_officer).get(page).status_code == 404
    client = client_for(supervisor)
    response = client.post(page, {"sharing": "named", "threshold": "0.80", "is_active": "on"})
    assert response.status_code == 400 and "Name at least one" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"sharing": "own", "threshold": "0.80", "is_active": "on"})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert not hit.is_current  # Barbados no longer screens against Antigua's list
    assert AuditEvent.objects.filter(action="watchlist.update", object_id=str(watchlist.pk)).exists()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
    b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol2;</FIRST_NAME></INDIVIDUAL>"
    b"</INDIVIDUALS></CONSOLIDATED_LIST>\n"
)


@pytest.mark.parametrize(
    ("source_format", "name", "content", "message"),
    [
        ("un", "un.xml", BILLION_LAUGHS, "declares a document type or entities"),
        ("csv", "list.csv", bytes(range(256)) * 64, "not a text file"),
        ("ftm", "list.json", b"PK\x03\x04" + b"\x00\x9d\x81" * 500, "not a text file"),
        ("un", "un.xml", b"   \n  ", "The file is empty"),
        ("csv", "list.csv", b"id,name\n1," + b"x" * (2 * 1024 * 1024) + b"\n", "cannot be read"),
    ],
)
def test_a_list_file_is_refused_on_its_field_before_any_reader_parses_it(
    source_format: str,
    name: str,
    content: bytes,
    message: str,
    supervisor: User,
    client_for: Callable[[User], Client],
) -> None:
    """Issue 15: watchlist files go through the shared upload guard (`core.uploads`): binary content,
    XML with entity declarations and empty files are refused beside the file field, never a 500."""
    response = client_for(supervisor).post(
        reverse("screening:watchlist_create"),
        {
            "name": "Guarded",
            "source_format": source_format,
            "sharing": "own",
            "threshold": "0.85",
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Watchlist.objects.filter(name="Guarded").exists()


def test_a_list_file_over_its_format_limit_is_refused_while_streaming(
    supervisor: User, client_for: Callable[[User], Client], settings: Any
) -> None:
    settings.CARIBCLEAR_WATCHLIST_MAX_BYTES = {"csv": 1024}
    response = client_for(supervisor).post(
        reverse("screening:watchlist_create"),
        {
            "name": "Too big",
            "source_format": "csv",
            "sharing": "own",
            "threshold": "0.85",
            "file": csv_upload("id,name\n" + "".join(f"A-{i},Person {i}\n" for i in range(200))),
        },
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_a_lookout_search_by_name_is_posted_and_kept_out_of_the_url(
    officer: User, client_for: Callable[[User], Client]
) -> None:
    """Issue 15, finding 9: the name of a wanted person typed into the search never reaches a URL."""
    for name in ("Desmond Carter", "Sea Shadow"):
        lookout_create(
            actor=officer,
            kind="Person" if " " in name else "Vessel",
            name=name,
            reason="Wanted",
            sharing=Sharing.OWN,
        )
    client = client_for(officer)
    page = client.get(reverse("screening:lookouts")).content.decode()
    assert 'method="post"' in page and "Desmond Carter" in page and "Sea Shadow" in page
    posted = client.post(reverse("screening:lookouts"), {"q": "desmond"})
    assert posted.status_code == 302 and "desmond" not in posted["Location"].lower()
    found = client.get(posted["Location"]).content.decode()
    assert "Desmond Carter" in found and "Sea Shadow" not in found and 'value="desmond"' in found
    # A name in a link is not read.
    assert "Sea Shadow" in client.get(reverse("screening:lookouts"), {"q": "desmond"}).content.decode()
    # Nor is it written to the undeletable audit trail: the reference suffices.
    assert not AuditEvent.objects.filter(summary__icontains="Desmond").exists()
