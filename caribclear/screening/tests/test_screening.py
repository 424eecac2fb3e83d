"""Screening a notification's people and vessel after it is filed, and again when a list changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.clearance.choices import Status
from caribclear.clearance.declaration import notification_declaration_sync
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.declarations import declaration_filed, send_on_commit
from caribclear.screening.choices import Disposition, ScreeningReason, Sharing, SourceFormat, SubjectKind
from caribclear.screening.models import Hit, ScreeningRun, Watchlist
from caribclear.screening.services import (
    declaration_screen,
    hit_dispose,
    index_cache,
    lookout_create,
    watchlist_create,
    watchlist_import,
)

from .helpers import WATCHLISTS, ofac_copy, traveller, voyage

pytestmark = pytest.mark.django_db


@pytest.fixture
def un_list(db: Any) -> Watchlist:
    watchlist = watchlist_create(
        actor=None, name="UN consolidated", source_format=SourceFormat.UN, owner=None
    )
    watchlist_import(actor=None, watchlist=watchlist, path=WATCHLISTS / "UN_consolidated.xml")
    return watchlist


def file(notification: Notification, capture: Callable[..., Any]) -> None:
    """What the clearance app sends when a notification is submitted or amended."""
    with capture(execute=True):
        send_on_commit(declaration_filed, declaration_of(notification))


def test_listed_person_is_hit_after_submission_and_a_clean_traveller_is_not(
    ports: None, operator: User, un_list: Watchlist, django_capture_on_commit_callbacks: Any
) -> None:
    listed = traveller(
        account=operator,
        surname="Mbarushimana",
        given_names="Callixte",
        born=dt.date(1963, 7, 24),
        nationality="RW",
    )
    clean = traveller(
        account=operator, surname="Whitfield", given_names="Harriet", born=dt.date(1985, 3, 2), sex="F"
    )
    notification = voyage(account=operator, people=[clean, listed])
    file(notification, django_capture_on_commit_callbacks)

    hits = list(Hit.objects.filter(declaration=notification.declaration, is_current=True))
    assert len(hits) == 1
    hit = hits[0]
    assert hit.entity_id == "un-CDi.010" and hit.subject_kind == SubjectKind.PERSON
    assert hit.subject_label == "Callixte Mbarushimana" and hit.watchlist == un_list
    assert hit.score >= un_list.threshold
    assert "CALLIXTE MBARUSHIMANA" in hit.explanation and hit.evidence
    run = ScreeningRun.objects.get(declaration=notification.declaration)
    assert (
        run.subject_count == 4 and run.hit_count == 1
    )  # two people, the vessel and its owner and run.reason == ScreeningReason.FILED
    assert run.lists == [[un_list.pk, "v1"]]


def test_ofac_person_and_passport_found_on_the_full_sdn_list(
    tmp_path: Path, ports: None, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    ofac = watchlist_create(actor=None, name="OFAC", source_format=SourceFormat.OFAC, owner=None)
    watchlist_import(actor=None, watchlist=ofac, path=ofac_copy(tmp_path))
    listed = traveller(
        account=operator,
        surname="RODRIGUEZ OREJUELA",
        given_names="GILBERTO JOSE",
        born=dt.date(1939, 1, 31),
        nationality="CO",
        document_number="T321642",
    )
    notification = voyage(account=operator, people=[listed])
    file(notification, django_capture_on_commit_callbacks)
    hit = Hit.objects.get(declaration=notification.declaration, entity_id="ofac-4107")
    assert hit.score >= 0.9
    assert "T321642" in hit.explanation
    assert hit.entry is not None and hit.entry.watchlist == ofac


def test_screening_again_reuses_the_built_index_and_keeps_dispositions(
    ports: None, operator: User, officer: User, un_list: Watchlist
) -> None:
    listed = traveller(
        account=operator, surname="Mbarushimana", given_names="Callixte", born=dt.date(1963, 7, 24)
    )
    notification = voyage(account=operator, people=[listed])
    index_cache.clear()
    declaration_screen(declaration=declaration_of(notification))
    builds = index_cache.builds
    hit = Hit.objects.get(declaration=notification.declaration)
    hit_dispose(
        actor=officer, hit=hit, disposition=Disposition.FALSE_POSITIVE, note="Different person: checked DOB"
    )
    declaration_screen(declaration=declaration_of(notification), reason=ScreeningReason.MANUAL)
    assert index_cache.builds == builds
    hit.refresh_from_db()
    assert hit.disposition == Disposition.FALSE_POSITIVE and hit.is_current
    assert ScreeningRun.objects.filter(declaration=notification.declaration).count() == 2


def test_drafts_are_not_screened(
    ports: None, operator: User, un_list: Watchlist, django_capture_on_commit_callbacks: Any
) -> None:
    listed = traveller(
        account=operator, surname="Mbarushimana", given_names="Callixte", born=dt.date(1963, 7, 24)
    )
    notification = voyage(account=operator, people=[listed], status=Status.DRAFT)
    assert notification.declaration_id is None  # a draft is not yet a declaration
    # Even a draft with a declaration (say, one filed then reverted by hand) is left alone: its kind says so.
    notification_declaration_sync(notification)
    file(notification, django_capture_on_commit_callbacks)
    assert not ScreeningRun.objects.filter(declaration=notification.declaration).exists()


def test_a_new_list_version_screens_pending_notifications_again(
    tmp_path: Path, ports: None, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    watchlist = watchlist_create(actor=None, name="Local", source_format=SourceFormat.CSV, owner=None)
    first = tmp_path / "v1.csv"
    first.write_text("id,name,birth_date\nL-1,Somebody Else,1950\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_import(actor=None, watchlist=watchlist, path=first)

    person = traveller(account=operator, surname="Quarshie", given_names="Kwame", born=dt.date(1977, 5, 6))
    pending = voyage(account=operator, people=[person])
    past = voyage(account=operator, people=[person], expected_in_days=-3)
    cleared = voyage(account=operator, people=[person], status=Status.CLEARED)
    for notification in (pending, past, cleared):
        file(notification, django_capture_on_commit_callbacks)
    assert not Hit.objects.exists()

    second = tmp_path / "v2.csv"
    second.write_text(
        "id,name,birth_date\nL-1,Somebody Else,1950\nL-2,QUARSHIE Kwame,1977-05-06\n", encoding="utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_import(actor=None, watchlist=watchlist, path=second)
    assert list(Hit.objects.values_list("declaration_id", "entity_id")) == [(pending.declaration_id, "L-2")]
    assert (
        ScreeningRun.objects.filter(
            declaration=pending.declaration, reason=ScreeningReason.LIST_CHANGED
        ).count()
        == 1
    )

    # Removed from the list: the hit stays on record but no longer matches.
    with django_capture_on_commit_callbacks(execute=True):
        watchlist_import(actor=None, watchlist=watchlist, path=first)
    assert not Hit.objects.get(declaration=pending.declaration).is_current


def test_lookouts_are_screened_only_for_administrations_they_are_shared_with(
    ports: None,
    operator: User,
    make_user: Callable[..., User],
    antigua: Administration,
    barbados: Administration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bb_officer = make_user(role=Role.OFFICER, administration=barbados)
    person = traveller(account=operator, surname="Okonjo", given_names="Benedict", born=dt.date(1969, 9, 9))
    at_antigua = voyage(account=operator, people=[person], port="AGSJO")
    at_barbados = voyage(account=operator, people=[person], port="BBBGI")
    for notification in (at_antigua, at_barbados):
        file(notification, django_capture_on_commit_callbacks)

    jamaica = Administration.objects.get(code="JM")
    with django_capture_on_commit_callbacks(execute=True):
        lookout = lookout_create(
            actor=bb_officer,
            kind="Person",
            name="Benedict OKONJO",
            birth_date="1969-09-09",
            reason="Suspected courier",
            sharing=Sharing.NAMED,
            shared_with=[jamaica],
        )
    # Barbados (owner) is re-screened and hit; Antigua is not named, so it is not screened against it.
    assert Hit.objects.filter(declaration=at_barbados.declaration, lookout=lookout, is_current=True).exists()
    assert not Hit.objects.filter(declaration=at_antigua.declaration).exists()
    assert lookout.watchlist.source_format == SourceFormat.LOOKOUTS and lookout.watchlist.owner == barbados

    # Shared with everyone: Antigua's pending notification is screened again and hit.
    from caribclear.screening.services import lookout_update

    with django_capture_on_commit_callbacks(execute=True):
        lookout_update(actor=bb_officer, lookout=lookout, sharing=Sharing.ALL)
    hit = Hit.objects.get(declaration=at_antigua.declaration, lookout=lookout)
    assert hit.is_current and "Suspected courier" not in hit.explanation

    # Back to Barbados only: Antigua's hit no longer applies.
    with django_capture_on_commit_callbacks(execute=True):
        lookout_update(actor=bb_officer, lookout=lookout, sharing=Sharing.OWN)
    hit.refresh_from_db()
    assert not hit.is_current


def test_submitting_through_the_clearance_service_screens_after_commit(
    ports: None, operator: User, un_list: Watchlist, django_capture_on_commit_callbacks: Any
) -> None:
    from caribclear.clearance.services import notification_submit

    listed = traveller(
        account=operator,
        surname="Mbarushimana",
        given_names="Callixte",
        born=dt.date(1963, 7, 24),
        nationality="RW",
    )
    draft = voyage(
        account=operator, people=[listed], status=Status.DRAFT, purpose="cruising", declaration_answered=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification_submit(actor=operator, notification=draft)
    draft.refresh_from_db()
    assert Hit.objects.filter(declaration=draft.declaration, entity_id="un-CDi.010").exists()
    assert declaration_of(draft).risk_assessment.lane == "green"


def test_the_vessel_and_its_owner_are_screened(
    tmp_path: Path, ports: None, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,schema,name,mmsi\n"
        "V-1,Vessel,Night Heron,\n"
        "O-1,Organization,Shadow Reef Holdings Ltd,\n"
        "V-2,Vessel,Completely Different Name,319000123\n",
        encoding="utf-8",
    )
    watchlist = watchlist_create(actor=None, name="Local", source_format=SourceFormat.CSV, owner=None)
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    by_name = voyage(
        account=operator,
        people=[],
        vessel_fields={"name": "NIGHT HERON", "owner_name": "Shadow Reef Holdings Limited"},
    )
    by_mmsi = voyage(account=operator, people=[], vessel_fields={"name": "Sea Breeze", "mmsi": "319000123"})
    for notification in (by_name, by_mmsi):
        file(notification, django_capture_on_commit_callbacks)
    assert set(
        Hit.objects.filter(declaration=by_name.declaration).values_list("subject_kind", "entity_id")
    ) == {
        (SubjectKind.VESSEL, "V-1"),
        (SubjectKind.OWNER, "O-1"),
    }
    hit = Hit.objects.get(declaration=by_mmsi.declaration)
    assert hit.entity_id == "V-2" and "319000123" in hit.explanation


def test_a_vessel_is_hit_by_its_imo_number_whatever_its_name(
    tmp_path: Path, ports: None, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "id,schema,name,imo_number\nV-9,Vessel,Completely Different Name,IMO 9187629\n", encoding="utf-8"
    )
    watchlist = watchlist_create(actor=None, name="Local", source_format=SourceFormat.CSV, owner=None)
    watchlist_import(actor=None, watchlist=watchlist, path=path)
    listed = voyage(account=operator, people=[], vessel_fields={"name": "Lady Ines", "imo_number": "9187629"})
    # Another vessel without an IMO number (most yachts) and one with another IMO number: no hit.
    unlisted = voyage(account=operator, people=[], vessel_fields={"name": "Sea Breeze", "imo_number": ""})
    other = voyage(account=operator, people=[], vessel_fields={"name": "Blue Note", "imo_number": "9074729"})
    for notification in (listed, unlisted, other):
        file(notification, django_capture_on_commit_callbacks)

    hit = Hit.objects.get(declaration=listed.declaration)
    assert (hit.subject_kind, hit.subject_label, hit.entity_id) == (SubjectKind.VESSEL, "Lady Ines", "V-9")
    assert "9187629" in hit.explanation
    assert any(e["kind"] == "identifier" and "imo 9187629" in e["detail"].lower() for e in hit.evidence)
    assert not Hit.objects.filter(declaration__notification__in=[unlisted, other]).exists()


def test_a_yacht_with_the_imo_number_of_a_sanctioned_tanker_is_hit_on_the_ofac_list(
    tmp_path: Path, ports: None, operator: User, django_capture_on_commit_callbacks: Any
) -> None:
    ofac = watchlist_create(actor=None, name="OFAC", source_format=SourceFormat.OFAC, owner=None)
    watchlist_import(actor=None, watchlist=ofac, path=ofac_copy(tmp_path))
    # ARTAVIL, ent_num 15036: "Vessel Registration Identification IMO 9187629" in the SDN remarks.
    notification = voyage(
        account=operator, people=[], vessel_fields={"name": "Sea Breeze", "imo_number": "9187629", "mmsi": ""}
    )
    file(notification, django_capture_on_commit_callbacks)
    hit = Hit.objects.get(declaration=notification.declaration, subject_kind=SubjectKind.VESSEL)
    assert hit.entity_id == "ofac-15036" and "9187629" in hit.explanation


def test_a_lookout_on_an_imo_number_hits_the_vessel_and_an_impossible_number_is_refused(
    ports: None, operator: User, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import ValidationError

    notification = voyage(account=operator, people=[], vessel_fields={"imo_number": "9074729"})
    file(notification, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        lookout_create(
            actor=officer, kind="Vessel", name="Night Heron", imo_number="IMO 9074728", reason="Drug run"
        )
    assert list(caught.value.message_dict) == ["imo_number"]
    assert "check digit" in caught.value.message_dict["imo_number"][0]

    with django_capture_on_commit_callbacks(execute=True):
        lookout = lookout_create(
            actor=officer, kind="Vessel", name="Night Heron", imo_number="imo 9074729", reason="Drug run"
        )
    assert lookout.imo_number == "9074729"
    hit = Hit.objects.get(declaration=notification.declaration, lookout=lookout)
    assert hit.subject_kind == SubjectKind.VESSEL and "9074729" in hit.explanation
