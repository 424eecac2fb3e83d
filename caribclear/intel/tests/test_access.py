"""Who sees what: for every role and a pair of administrations, invisible is 404 and every read is logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.accounts.services import api_token_create

from ..access import redact, visible_records, visible_to_administration
from ..choices import ReadVia, Tlp
from ..models import AccessLog, Seizure
from ..selectors import SeizureFilters, seizure_search
from .factories import seizure_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def seizure(ports: None, analyst: User, barbados: Administration) -> Seizure:
    """AMBER, released to Barbados (non-personal), not to Saint Kitts and Nevis."""
    return seizure_make(actor=analyst, released_to=[barbados])


def reads(user: User, seizure: Seizure, via: str | None = None) -> list[AccessLog]:
    qs = AccessLog.objects.filter(user_id=user.pk, record_type="seizure", record_id=seizure.pk)
    return list(qs.filter(via=via) if via else qs)


def api_client(user: User) -> tuple[Client, dict[str, Any]]:
    _token, raw = api_token_create(user=user, name="test", second_factor=True)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_a_third_administration_cannot_see_an_amber_seizure_anywhere(
    role: str,
    seizure: Seizure,
    make_user: Callable[..., User],
    kitts: Administration,
    client_for: Callable[[User], Client],
) -> None:
    outsider = make_user(role=role, administration=kitts)
    client = client_for(outsider)
    detail = reverse("intel:seizure_detail", args=[seizure.reference])
    assert client.get(detail).status_code == 404
    listing = client.get(reverse("intel:seizure_list"))
    assert seizure.reference not in listing.content.decode()
    found = client.post(reverse("intel:seizure_list"), {"q": "cocaine"}, follow=True)
    assert seizure.reference not in found.content.decode()
    export = client.get(reverse("intel:seizure_list"), {"format": "csv"})
    assert seizure.reference not in export.content.decode()
    assert client.get(reverse("intel:handling", args=["seizure", seizure.reference])).status_code == 404
    api, headers = api_client(outsider)
    assert api.get(f"/api/intel/seizures/{seizure.reference}", **headers).status_code == 404
    body = api.get("/api/intel/seizures", **headers).json()
    assert body["count"] == 0
    dashboard = client.get(reverse("dashboards:home"))
    assert dashboard.context["summary"].total == 0
    assert reads(outsider, seizure) == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_a_released_administration_sees_it_without_personal_fields_and_the_read_is_logged(
    role: str,
    seizure: Seizure,
    make_user: Callable[..., User],
    barbados: Administration,
    client_for: Callable[[User], Client],
) -> None:
    reader = make_user(role=role, administration=barbados)
    page = client_for(reader).get(reverse("intel:seizure_detail", args=[seizure.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "cocaine bricks" in html
    assert "Moreau" not in html and "15AB12345" not in html and "Blue Heron" not in html
    assert "Withheld" in html
    [log] = reads(reader, seizure, ReadVia.DETAIL)
    assert log.personal_shown is False
    assert "persons" not in log.fields and "narrative" not in log.fields and "commodity" in log.fields
    assert log.request_id


def test_the_owner_sees_everything_and_who_read_it(
    seizure: Seizure, analyst: User, bb_officer: User, client_for: Callable[[User], Client]
) -> None:
    client_for(bb_officer).get(reverse("intel:seizure_detail", args=[seizure.reference]))
    page = client_for(analyst).get(reverse("intel:seizure_detail", args=[seizure.reference]))
    html = page.content.decode()
    assert "MOREAU" in html and "15AB12345" in html and "Blue Heron GB123" in html
    assert "officer@bb.example" in html  # the access log shown to the owner
    assert reads(analyst, seizure)[0].personal_shown is True


def test_the_access_log_is_not_shown_to_other_administrations(
    seizure: Seizure, bb_officer: User, client_for: Callable[[User], Client]
) -> None:
    html = (
        client_for(bb_officer).get(reverse("intel:seizure_detail", args=[seizure.reference])).content.decode()
    )
    assert 'id="access-log"' not in html


def test_list_search_and_export_log_each_record_shown(
    seizure: Seizure, bb_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(bb_officer)
    assert seizure.reference in client.get(reverse("intel:seizure_list")).content.decode()
    found = client.post(reverse("intel:seizure_list"), {"q": "cocaine"}, follow=True)
    assert seizure.reference in found.content.decode()
    csv_text = client.get(reverse("intel:seizure_list"), {"format": "csv"}).content.decode()
    assert seizure.reference in csv_text and "Moreau" not in csv_text
    pdf = client.get(reverse("intel:seizure_list"), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    vias = sorted(log.via for log in reads(bb_officer, seizure))
    assert vias == sorted([ReadVia.LIST, ReadVia.SEARCH, ReadVia.EXPORT, ReadVia.EXPORT])


def test_operators_see_no_intelligence(
    seizure: Seizure, operator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(operator)
    assert client.get(reverse("intel:seizure_list")).status_code == 404
    assert client.get(reverse("intel:seizure_detail", args=[seizure.reference])).status_code == 404
    assert client.get(reverse("dashboards:home")).status_code == 404
    api, headers = api_client(operator)
    assert api.get(f"/api/intel/seizures/{seizure.reference}", **headers).status_code == 404
    assert not visible_records(operator, Seizure.objects.all()).exists()


def test_search_by_person_never_matches_withheld_personal_data(
    seizure: Seizure, analyst: User, bb_officer: User
) -> None:
    assert not seizure_search(user=bb_officer, filters=SeizureFilters(person="Moreau")).exists()
    assert not seizure_search(user=bb_officer, filters=SeizureFilters(q="Moreau")).exists()
    assert not seizure_search(user=bb_officer, filters=SeizureFilters(vessel="Blue Heron")).exists()
    assert seizure_search(user=analyst, filters=SeizureFilters(person="Moreau")).get() == seizure
    assert seizure_search(user=analyst, filters=SeizureFilters(q="Moreau")).get() == seizure


def test_a_seized_vessel_is_found_by_its_imo_number_where_its_identity_may_be_seen(
    ports: None, analyst: User, operator: User, barbados: Administration, bb_officer: User
) -> None:
    from caribclear.clearance.tests.factories import vessel_make

    vessel = vessel_make(account=operator, name="Lady Ines", imo_number="9074729")
    seizure = seizure_make(actor=analyst, vessel=vessel, released_to=[barbados])
    for typed in ("9074729", "IMO 9074729", "imo9074729"):
        assert seizure_search(user=analyst, filters=SeizureFilters(vessel=typed)).get() == seizure, typed
    assert seizure_search(user=analyst, filters=SeizureFilters(q="IMO 9074729")).get() == seizure
    assert seizure_search(user=analyst, filters=SeizureFilters(q="9074729")).get() == seizure
    assert not seizure_search(user=analyst, filters=SeizureFilters(vessel="9187629")).exists()
    assert not seizure_search(user=analyst, filters=SeizureFilters(vessel="IMO")).exists()
    # Barbados sees the seizure but not the conveyance's identity: the IMO number finds nothing there.
    assert seizure_search(user=bb_officer, filters=SeizureFilters(q="cocaine")).get() == seizure
    assert not seizure_search(user=bb_officer, filters=SeizureFilters(vessel="9074729")).exists()
    assert not seizure_search(user=bb_officer, filters=SeizureFilters(q="9074729")).exists()


def test_personal_fields_released_with_a_legal_basis(
    ports: None, analyst: User, barbados: Administration, bb_officer: User, kn_officer: User
) -> None:
    seizure = seizure_make(
        actor=analyst,
        released_to=[barbados],
        personal_released_to=[barbados],
        legal_basis="CCLEC MoU 1989, art. 4",
    )
    record = visible_records(bb_officer, Seizure.objects.all()).get()
    view = redact(bb_officer, record)
    assert view.data["persons"][0]["surname"] == "Moreau" and view.withheld == []
    assert seizure_search(user=bb_officer, filters=SeizureFilters(person="moreau")).get() == seizure
    assert not visible_records(kn_officer, Seizure.objects.all()).exists()


def test_fields_not_flagged_personal_are_shown_to_every_reader(
    ports: None, analyst: User, barbados: Administration, bb_officer: User
) -> None:
    seizure_make(actor=analyst, released_to=[barbados], personal_fields=["persons"])
    view = redact(bb_officer, visible_records(bb_officer, Seizure.objects.all()).get())
    assert view.data["narrative"] == "Master Moreau admitted ownership."
    assert "persons" not in view.data and view.withheld == ["persons"]


@pytest.mark.parametrize(
    ("tlp", "release_to_all", "released", "bb_sees", "kn_sees"),
    [
        (Tlp.CLEAR, False, False, True, True),
        (Tlp.GREEN, False, False, True, True),
        (Tlp.AMBER, True, False, True, True),
        (Tlp.AMBER, False, True, True, False),
        (Tlp.AMBER, False, False, False, False),
        (Tlp.AMBER_STRICT, True, False, False, False),
        (Tlp.AMBER_STRICT, False, True, True, False),
    ],
)
def test_tlp_labels(
    tlp: str,
    release_to_all: bool,
    released: bool,
    bb_sees: bool,
    kn_sees: bool,
    ports: None,
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    kn_officer: User,
) -> None:
    seizure_make(
        actor=analyst, tlp=tlp, release_to_all=release_to_all, released_to=[barbados] if released else []
    )
    assert visible_records(bb_officer, Seizure.objects.all()).exists() is bb_sees
    assert visible_records(kn_officer, Seizure.objects.all()).exists() is kn_sees
    assert visible_records(analyst, Seizure.objects.all()).exists()


def test_red_is_for_named_recipients_only(
    ports: None,
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    colleague = make_user(role=Role.OFFICER, administration=barbados)
    seizure = seizure_make(actor=analyst, tlp=Tlp.RED, released_to=[barbados], recipients=[bb_officer])
    assert (
        client_for(bb_officer).get(reverse("intel:seizure_detail", args=[seizure.reference])).status_code
        == 200
    )
    assert (
        client_for(colleague).get(reverse("intel:seizure_detail", args=[seizure.reference])).status_code
        == 404
    )


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR])
def test_red_is_not_for_the_owning_administration_as_a_whole(
    role: str,
    ports: None,
    analyst: User,
    antigua: Administration,
    bb_officer: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    """TLP 2.0: RED is for the named people alone. A colleague of the author who is not named gets the
    same 404 everywhere as an outsider: narrative, persons, attachment, handling page, lists, CSV, API."""
    colleague = make_user(role=role, administration=antigua)
    named_colleague = make_user(role=Role.OFFICER, administration=antigua)
    seizure = seizure_make(actor=analyst, tlp=Tlp.RED, recipients=[bb_officer, named_colleague])
    attachment = seizure.attachments.create(
        file=SimpleUploadedFile("photo.txt", b"evidence"), caption="hold", uploaded_by=analyst
    )
    pages = [
        reverse("intel:seizure_detail", args=[seizure.reference]),
        reverse("intel:seizure_attachment", args=[seizure.reference, attachment.pk]),
        reverse("intel:handling", args=["seizure", seizure.reference]),
    ]
    for reader, status in ((analyst, 200), (named_colleague, 200), (colleague, 404)):
        client = client_for(reader)
        for page in pages:
            assert client.get(page).status_code == status, (reader.email, page)
    # A recipient of another administration reads the record (not its personal parts, not its handling).
    assert client_for(bb_officer).get(pages[0]).status_code == 200
    client = client_for(colleague)
    assert seizure.reference not in client.get(reverse("intel:seizure_list")).content.decode()
    export = client.get(reverse("intel:seizure_list"), {"format": "csv"}).content.decode()
    assert seizure.reference not in export
    api, headers = api_client(colleague)
    assert api.get(f"/api/intel/seizures/{seizure.reference}", **headers).status_code == 404
    assert seizure.reference not in json.dumps(api.get("/api/intel/seizures", **headers).json())
    # Nor does the administration as a whole (screening) read it.
    assert not visible_to_administration(antigua, Seizure.objects.filter(pk=seizure.pk)).exists()


def test_api_reads_are_redacted_and_logged(seizure: Seizure, bb_officer: User) -> None:
    api, headers = api_client(bb_officer)
    body = api.get(f"/api/intel/seizures/{seizure.reference}", **headers).json()
    assert body["data"]["commodity"] == "drugs"
    assert "persons" not in body["data"] and "persons" in body["withheld"]
    listing = api.post(
        "/api/intel/seizures/search", {"q": "cocaine"}, content_type="application/json", **headers
    ).json()
    assert [r["reference"] for r in listing["results"]] == [seizure.reference]
    assert "Moreau" not in json.dumps(listing)
    assert sorted(log.via for log in reads(bb_officer, seizure)) == [ReadVia.API, ReadVia.API]


def test_api_creates_a_seizure_owned_by_the_callers_administration(
    ports: None, analyst: User, barbados: Administration, bb_officer: User
) -> None:
    api, headers = api_client(analyst)
    payload: dict[str, Any] = {
        "occurred_on": "2026-01-05",
        "port": "agsjo",
        "detection_method": "scanner",
        "concealment_method": "luggage",
        "commodity": "firearms",
        "description": "9 mm pistols",
        "quantity": "4",
        "unit": "items",
        "conveyance": "passenger",
        "tlp": "AMBER",
        "released_to": ["BB"],
        "persons": [{"surname": "Silva", "given_names": "Ana"}],
    }
    response = api.post(
        "/api/intel/seizures",
        json.dumps(payload),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **headers,
    )
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    seizure = Seizure.objects.get(reference=reference)
    assert seizure.owner.code == "AG" and list(seizure.released_to.values_list("code", flat=True)) == ["BB"]
    bb_api, bb_headers = api_client(bb_officer)
    seen = bb_api.get(f"/api/intel/seizures/{reference}", **bb_headers).json()
    assert "Silva" not in json.dumps(seen)
    bad = api.post(
        "/api/intel/seizures",
        json.dumps({**payload, "port": "XXXXX"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
        **headers,
    )
    assert bad.status_code == 422


def test_the_access_log_is_append_only(seizure: Seizure, bb_officer: User) -> None:
    from caribclear.core.models import AppendOnlyError

    read_views = visible_records(bb_officer, Seizure.objects.all())
    from ..access import read

    read(bb_officer, list(read_views), via=ReadVia.DETAIL)
    log = AccessLog.objects.get(user_id=bb_officer.pk)
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=log.pk).update(via="list")
    with pytest.raises(AppendOnlyError):
        log.save()


def test_list_page_queries_do_not_grow_with_rows(
    ports: None,
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    for _n in range(8):
        seizure_make(actor=analyst, released_to=[barbados])
    client = client_for(bb_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("intel:seizure_list"))
    assert page.content.decode().count("cocaine bricks") == 8
    assert AccessLog.objects.filter(user_id=bb_officer.pk, via=ReadVia.LIST).count() == 8


def test_alerts_through_pages_and_api(
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    kn_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    from .factories import alert_make

    alert = alert_make(actor=analyst, tlp=Tlp.AMBER)
    assert (
        client_for(bb_officer).get(reverse("intel:alert_detail", args=[alert.reference])).status_code == 404
    )
    alert_b = alert_make(actor=analyst, tlp=Tlp.GREEN, title="Shared alert")
    page = (
        client_for(kn_officer).get(reverse("intel:alert_detail", args=[alert_b.reference])).content.decode()
    )
    assert "Shared alert" in page and "Okafor" not in page
    assert (
        "Okafor"
        in client_for(analyst).get(reverse("intel:alert_detail", args=[alert_b.reference])).content.decode()
    )
    listing = client_for(kn_officer).get(reverse("intel:alert_list")).content.decode()
    assert alert_b.reference in listing and alert.reference not in listing
    api, headers = api_client(kn_officer)
    assert api.get(f"/api/intel/alerts/{alert.reference}", **headers).status_code == 404
    body = api.get(f"/api/intel/alerts/{alert_b.reference}", **headers).json()
    assert body["data"]["title"] == "Shared alert" and "surname" not in body["data"]
    created = api.post(
        "/api/intel/alerts",
        json.dumps(
            {
                "subject_kind": "vessel",
                "title": "Grey catamaran",
                "surname": "Sea Ghost",
                "valid_from": "2026-01-01",
                "valid_until": "2026-12-31",
                "tlp": "GREEN",
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="alert-1",
        **headers,
    )
    assert created.status_code == 201, created.content
    assert AccessLog.objects.filter(user_id=kn_officer.pk, record_type="alert", via=ReadVia.API).count() == 2


def test_search_pages_without_a_count(
    ports: None,
    analyst: User,
    barbados: Administration,
    bb_officer: User,
    client_for: Callable[[User], Client],
) -> None:
    from ..views import PAGE_SIZE

    for _n in range(PAGE_SIZE + 1):
        seizure_make(actor=analyst, released_to=[barbados], persons=[])
    seizure_make(actor=analyst, persons=[])  # not released: never on any page
    client = client_for(bb_officer)
    first = client.get(reverse("intel:seizure_list"))
    assert len(first.context["views"]) == PAGE_SIZE and first.context["page"].has_next
    second = client.get(reverse("intel:seizure_list"), {"page": "2"})
    assert len(second.context["views"]) == 1 and not second.context["page"].has_next
    shown = {v.data["reference"] for v in first.context["views"]} | {
        v.data["reference"] for v in second.context["views"]
    }
    assert shown == set(Seizure.objects.filter(released_to=barbados).values_list("reference", flat=True))
    assert client.get(reverse("intel:seizure_list"), {"page": "x"}).context["page"].number == 1
