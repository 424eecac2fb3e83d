"""Filing, amending and cancelling lists; screening and answers; the command line; retention and unmasking."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.core.models import AuditEvent, Declaration
from caribclear.screening.choices import Disposition
from caribclear.screening.models import Hit
from caribclear.screening.services import hit_dispose, lookout_create

from .. import protection, services
from ..choices import Answer, Function, ListStatus, Outcome
from ..choices import Role as TravellerRole
from ..models import Carrier, RetentionPolicy, Traveller, TravelList, UnmaskRequest
from .factories import ANA, IVAN, JOHN, Pax, paxlst

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "edifact"


def carrier_user(carrier: Carrier) -> User:
    """The carrier's one user (its organisation's administrator)."""
    return carrier.organisation.members.get().user


@pytest.fixture
def bb_supervisor(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=barbados, email="sup@bb.example")


@pytest.fixture
def bb_officer(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")


@pytest.fixture
def lookout_on_ivan(bb_supervisor: User) -> None:
    lookout_create(
        actor=bb_supervisor,
        kind="Person",
        name="Ivan Petrov",
        reason="Wanted for questioning (cocaine on BW484, 2025)",
        birth_date="1980-02-15",
        document_numbers="750012345",
    )


_capture: list[Any] = []


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Filing sends the declaration's event after commit: run it (screening, then assessment)."""
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


def file(carrier: Carrier, data: bytes, **kwargs: Any) -> services.ImportOutcome:
    with _capture[0](execute=True):
        outcome = services.passenger_list_import(actor=None, data=data, carrier=carrier, **kwargs)
    assert outcome.ok, outcome.to_json()
    return outcome


def test_a_list_is_filed_to_the_administration_of_arrival_and_screened(
    ports: None, carrier: Carrier, lookout_on_ivan: None, barbados: Administration
) -> None:
    outcome = file(carrier, paxlst([ANA, JOHN, IVAN]))
    (filing,) = outcome.filings
    travel_list = TravelList.objects.get()
    assert travel_list.arrival_port is not None and travel_list.arrival_port.locode == "BBBGI"
    assert travel_list.administration == barbados
    assert (
        travel_list.departure_administration is not None and travel_list.departure_administration.code == "TT"
    )
    assert travel_list.status == ListStatus.FILED and travel_list.version == 1
    assert filing.version.passengers == 3 and filing.version.added == 3
    assert travel_list.declaration_id is not None
    declaration = Declaration.objects.get(pk=travel_list.declaration_id)
    assert declaration.kind == "passengers.list" and declaration.administration == barbados
    ivan = Traveller.objects.get(surname="PETROV")
    (hit,) = Hit.objects.filter(declaration=declaration)
    assert (
        hit.subject_key == f"traveller:{ivan.pk}"
        and "750012345" in json.dumps(hit.evidence) + hit.explanation
    )
    answers = {
        a.traveller.surname: a for a in services.passenger_list_answer(actor=None, travel_list=travel_list)
    }
    assert answers["PETROV"].answer == Answer.CONTACT and answers["PETROV"].reasons == ("WL",)
    assert answers["SMITH"].answer == Answer.OK_TO_BOARD


def test_resending_changing_and_cancelling_keep_one_list_and_one_row_per_person(
    ports: None, carrier: Carrier
) -> None:
    file(carrier, paxlst([ANA, JOHN]))
    file(carrier, paxlst([ANA, JOHN]))  # the same list again
    assert TravelList.objects.count() == 1 and Traveller.objects.count() == 2
    travel_list = TravelList.objects.get()
    assert travel_list.version == 2 and travel_list.status == ListStatus.AMENDED
    # A change of passenger data: John's document renewed, Ivan added; Ana untouched.
    renewed = Pax(JOHN.surname, JOHN.given, JOHN.born, nationality="GBR", document="509999999", gender="M")
    outcome = file(carrier, paxlst([renewed, IVAN], document_id="CP"))
    assert outcome.filings[0].version.function == Function.CHANGE
    assert (outcome.filings[0].version.added, outcome.filings[0].version.changed) == (1, 1)
    john = Traveller.objects.get(surname="SMITH")
    assert [d.number for d in john.documents.all()] == ["509999999"]
    # A cancelled reservation takes Ivan off; he is kept, marked removed.
    file(carrier, paxlst([IVAN], document_id="XR"))
    ivan = Traveller.objects.get(surname="PETROV")
    assert ivan.removed_in == 4 and Traveller.objects.count() == 3
    # A resent full list without Ana takes her off; a closed-flight list with her brings her back.
    file(carrier, paxlst([renewed]))
    assert Traveller.objects.get(surname="GARCIA MARQUEZ").removed_in == 5
    file(carrier, paxlst([ANA, renewed], document_id="CLOB"))
    travel_list.refresh_from_db()
    assert (
        travel_list.status == ListStatus.CLOSED
        and Traveller.objects.get(surname="GARCIA MARQUEZ").removed_in is None
    )
    # A cancellation of the list (message function 1).
    file(carrier, paxlst([], function="1"))
    travel_list.refresh_from_db()
    assert travel_list.status == ListStatus.CANCELLED
    assert list(travel_list.versions.values_list("function", flat=True)) == [
        "original",
        "original",
        "change",
        "remove",
        "original",
        "close",
        "cancel",
    ]
    with pytest.raises(AssertionError):
        file(carrier, paxlst([ANA]))  # a cancelled list is final


def test_a_list_to_no_member_port_is_rejected_with_a_reason(ports: None, carrier: Carrier) -> None:
    outcome = services.passenger_list_import(
        actor=None, data=paxlst([ANA], departure="VIE", arrival="FRA"), carrier=carrier
    )
    assert not outcome.ok and TravelList.objects.count() == 0
    assert "member administration" in outcome.errors[0]["message"]
    assert outcome.errors[0]["where"]["segment"] == "UNH"


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("paxlst_*")))
def test_the_command_reads_every_shared_paxlst_file(name: str) -> None:
    out = io.StringIO()
    call_command("import_passenger_list", str(FIXTURES / name), "--check", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] and report["checked_only"] and report["counts"]["messages"] >= 1
    assert {"carrier", "number", "departure_port", "arrival_port", "passengers", "crew"} <= set(
        report["flights"][0]
    )
    assert TravelList.objects.count() == 0


def test_the_command_stores_and_exits_1_when_rejected(ports: None, tmp_path: Path) -> None:
    good = tmp_path / "bw484.edi"
    good.write_bytes(paxlst([ANA, JOHN]))
    out = io.StringIO()
    call_command("import_passenger_list", str(good), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["stored"][0]["administration"] == "BB" and report["stored"][0]["passengers"] == 2
    assert Carrier.objects.get().code == "BW"  # the carrier named by the file
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_passenger_list",
            str(FIXTURES / "paxlst_d05b_typeb_envelope_a.txt"),
            "--json",
            stdout=io.StringIO(),
        )
    assert exited.value.code == 1
    bad = tmp_path / "bad.edi"
    bad.write_bytes(b"this is not an interchange")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_passenger_list", str(bad), "--json", stdout=out)
    assert json.loads(out.getvalue())["errors"]


def test_interactive_answers_follow_hits_and_dispositions(
    ports: None, carrier: Carrier, lookout_on_ivan: None, bb_officer: User
) -> None:
    from caribclear.passengers.readers import read_passenger_list

    # A loaded test machine may take longer than the default 800 ms: this test is about the answers.
    assert bb_officer.administration is not None
    RetentionPolicy.objects.create(administration=bb_officer.administration, answer_within_ms=10_000)
    parsed = read_passenger_list(paxlst([IVAN])).lists[0]
    operator = carrier_user(carrier)
    with _capture[0](execute=True):  # the hit is recorded after the answer, by the queue
        _travel_list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed)
    assert answer.answer == Answer.CONTACT and not answer.defaulted
    hit = Hit.objects.get()
    hit_dispose(actor=bb_officer, hit=hit, disposition=Disposition.TRUE_MATCH, note="Same passport")
    _list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed)
    assert answer.answer == Answer.NOT_TO_BOARD
    parsed_ana = read_passenger_list(paxlst([ANA])).lists[0]
    _list, (answer,) = services.boarding_check(actor=operator, carrier=carrier, parsed=parsed_ana)
    assert answer.answer == Answer.OK_TO_BOARD
    assert TravelList.objects.count() == 1 and Traveller.objects.count() == 2


def test_a_check_in_screens_the_traveller_asked_about_not_the_whole_flight(
    ports: None, carrier: Carrier, lookout_on_ivan: None, bb_officer: User
) -> None:
    from caribclear.passengers.readers import read_passenger_list
    from caribclear.risk.models import Assessment
    from caribclear.screening.models import ScreeningRun

    assert bb_officer.administration is not None
    RetentionPolicy.objects.create(administration=bb_officer.administration, answer_within_ms=10_000)
    operator = carrier_user(carrier)
    others = [Pax(f"TRAVELLER{i}", "SAM", f"1990010{i}", document=f"T{i}") for i in range(1, 6)]
    for pax in [IVAN, *others]:
        with _capture[0](execute=True):
            services.boarding_check(
                actor=operator, carrier=carrier, parsed=read_passenger_list(paxlst([pax])).lists[0]
            )
    travel_list = TravelList.objects.get()
    assert travel_list.declaration is not None
    runs = list(ScreeningRun.objects.filter(declaration=travel_list.declaration).order_by("pk"))
    # One traveller screened per check-in, never the flight again.
    assert [r.subject_count for r in runs] == [1] * 6
    # Ivan's hit, found when he checked in, is still current after the others were screened.
    assert Hit.objects.get(is_current=True).subject_key == Traveller.objects.get(surname="PETROV").subject_key
    # The flight's lane is assessed again (in the background) with the hit on it.
    assessment = Assessment.objects.get(declaration=travel_list.declaration)
    assert assessment.declaration_version == travel_list.version and assessment.open_hits == 1


def test_a_late_screening_sends_the_default_answer_and_tells_the_officer(
    ports: None, carrier: Carrier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caribclear.passengers.readers import read_passenger_list

    monkeypatch.setattr(services, "_screen_within", lambda administration_id, subjects, seconds: None)
    parsed = read_passenger_list(paxlst([JOHN])).lists[0]
    travel_list, (answer,) = services.boarding_check(
        actor=carrier_user(carrier), carrier=carrier, parsed=parsed
    )
    assert answer.defaulted and answer.answer == Answer.CONTACT and answer.reasons == ("TO",)
    travel_list.refresh_from_db()
    assert travel_list.defaulted_answers == 1
    assert Traveller.objects.get().answer_defaulted


def test_an_expired_document_asks_the_carrier_to_contact_the_authority(ports: None, carrier: Carrier) -> None:
    expired = Pax("OLD", "DOC", "19600101", document="X1", expiry="20200101")
    file(carrier, paxlst([expired]))
    (answer,) = services.passenger_list_answer(actor=None, travel_list=TravelList.objects.get())
    assert answer.answer == Answer.CONTACT and answer.reasons == ("DE",)


# --- Retention and unmasking ----------------------------------------------------------------------------
def _age(travel_list: TravelList, days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    TravelList.objects.filter(pk=travel_list.pk).update(arrival_at=when, departure_at=when, filed_at=when)


def test_masking_after_six_months_keeps_keyed_hashes_and_a_sealed_copy(
    ports: None, carrier: Carrier, lookout_on_ivan: None
) -> None:
    file(carrier, paxlst([ANA, IVAN]))
    travel_list = TravelList.objects.get()
    _age(travel_list, 170)
    assert services.passenger_lists_mask() == {"lists": 0, "travellers": 0}
    _age(travel_list, 190)
    assert services.passenger_lists_mask() == {"lists": 1, "travellers": 2}
    ivan = Traveller.objects.get(nationality="RUS")
    assert ivan.surname == "" and ivan.date_of_birth is None and ivan.masked_at is not None
    assert ivan.documents.get().number == "" and ivan.documents.get().issuing_state == "RUS"
    assert protection.unseal(ivan.sealed)["surname"] == "PETROV"
    found = services.masked_travellers_matching(
        administration_id=travel_list.administration_id,
        surname="Petrov",
        given_names="Ivan",
        born=dt.date(1980, 2, 15),
    )
    assert found == [ivan]
    assert services.masked_travellers_matching(
        administration_id=travel_list.administration_id, document="750012345"
    ) == [ivan]
    hit = Hit.objects.get()
    assert "PETROV" not in hit.subject_label.upper() and hit.evidence == []
    assert AuditEvent.objects.filter(action="passengers.retention_mask").exists()
    assert services.passenger_lists_mask() == {"lists": 0, "travellers": 0}  # done once


def test_unmasking_needs_a_reason_and_a_second_official(
    ports: None,
    carrier: Carrier,
    bb_officer: User,
    bb_supervisor: User,
    make_user: Callable[..., User],
    antigua: Administration,
) -> None:
    file(carrier, paxlst([IVAN]))
    _age(TravelList.objects.get(), 200)
    services.passenger_lists_mask()
    ivan = Traveller.objects.get()
    assert services.unmasked_data(actor=bb_officer, traveller=ivan) is None
    with pytest.raises(ValidationError):
        services.unmask_request_create(actor=bb_officer, traveller=ivan, reason="why")
    request = services.unmask_request_create(
        actor=bb_officer, traveller=ivan, reason="Lookout received today names this passenger"
    )
    with pytest.raises(PermissionDenied):  # an officer is not an approver
        services.unmask_request_decide(
            actor=make_user(role=Role.OFFICER, administration=ivan.travel_list.administration),
            request=request,
            approve=True,
        )
    with pytest.raises(PermissionDenied):  # another administration's supervisor
        services.unmask_request_decide(
            actor=make_user(role=Role.SUPERVISOR, administration=antigua), request=request, approve=True
        )
    services.unmask_request_decide(actor=bb_supervisor, request=request, approve=True, note="ok")
    data = services.unmasked_data(actor=bb_officer, traveller=ivan)
    assert data is not None and data["surname"] == "PETROV" and data["documents"][0]["number"] == "750012345"
    assert services.unmasked_data(actor=bb_supervisor, traveller=ivan) is None  # only for who asked
    assert AuditEvent.objects.filter(action="passengers.read", object_id=str(ivan.pk)).exists()
    assert UnmaskRequest.objects.get().status == "approved"
    # The requester cannot approve their own request.
    second = services.unmask_request_create(
        actor=bb_supervisor, traveller=ivan, reason="Second look for the case file"
    )
    with pytest.raises(ValidationError):
        services.unmask_request_decide(actor=bb_supervisor, request=second, approve=True)


def test_deletion_after_five_years_spares_travellers_linked_to_a_case(
    ports: None, carrier: Carrier, bb_officer: User
) -> None:
    file(carrier, paxlst([ANA, JOHN]))
    file(carrier, paxlst([IVAN], flight="BW486"))
    first, second = TravelList.objects.order_by("pk")
    john = Traveller.objects.get(surname="SMITH")
    services.arrival_check_record(
        actor=bb_officer, traveller=john, outcome=Outcome.FOUND, notes="2 kg in lining"
    )
    for t in (first, second):
        _age(t, 365 * 5 + 10)
    declaration_id = second.declaration_id
    result = services.passenger_lists_purge()
    assert result == {"lists": 1, "travellers": 2, "kept_for_cases": 1}
    assert list(Traveller.objects.values_list("pk", flat=True)) == [john.pk]
    assert not TravelList.objects.filter(pk=second.pk).exists()
    assert declaration_id is not None and not Declaration.objects.filter(pk=declaration_id).exists()
    assert AuditEvent.objects.filter(action="passengers.retention_delete").exists()


def test_masking_is_set_based_and_gives_each_traveller_their_own_seal_and_hashes(
    ports: None, carrier: Carrier, lookout_on_ivan: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two lists in one batch, their travellers written two rows per statement: every row still gets
    # its own seal and hashes, every list's documents and hits are masked, and in a few statements.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "MASK_ROWS_PER_STATEMENT", 2)
    file(carrier, paxlst([ANA, IVAN, JOHN]))
    file(carrier, paxlst([IVAN], flight="BW486"))
    for travel_list in TravelList.objects.all():
        _age(travel_list, 200)
    before = {
        t.pk: (t.surname, t.given_names, t.date_of_birth, t.documents.get().number)
        for t in Traveller.objects.all()
    }
    with CaptureQueriesContext(connection) as queries:
        assert services.passenger_lists_mask() == {"lists": 2, "travellers": 4}
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "WITH"))
    ]
    assert len(writes) == 2 + 1 + 1 + 1  # travellers (4 rows, 2 a statement), documents, hits, lists
    for traveller in Traveller.objects.all():
        surname, given_names, born, number = before[traveller.pk]
        assert born is not None
        assert traveller.surname == "" and traveller.date_of_birth is None and traveller.masked_at is not None
        sealed = protection.unseal(traveller.sealed)
        assert (sealed["surname"], sealed["given_names"], sealed["date_of_birth"]) == (
            surname,
            given_names,
            born.isoformat(),
        )
        assert sealed["documents"][0]["number"] == number and traveller.documents.get().number == ""
        assert traveller.name_hash == protection.name_hash(surname, given_names)
        assert traveller.birth_hash == protection.birth_hash(born)
        assert traveller.document_hash == protection.document_hash(number)
    assert Hit.objects.count() == 2
    assert all("PETROV" not in h.subject_label.upper() and h.evidence == [] for h in Hit.objects.all())
    assert not TravelList.objects.filter(masked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="passengers.retention_mask")
    assert event.data["lists"] == 2 and event.data["travellers"] == 4


def test_deletion_removes_everything_of_the_deleted_travellers_and_keeps_lists_with_a_case(
    ports: None, carrier: Carrier, bb_officer: User, bb_supervisor: User, lookout_on_ivan: None
) -> None:
    from caribclear.risk.models import Assessment
    from caribclear.screening.models import ScreeningRun

    from ..models import ArrivalCheck, TravellerDocument, TravelListVersion

    file(carrier, paxlst([ANA, IVAN]))  # Ivan's hit is confirmed: this list is kept with him alone
    file(carrier, paxlst([JOHN], flight="BW486"))  # John has a case reference: kept too
    first, second = TravelList.objects.order_by("pk")
    ana, ivan = Traveller.objects.get(surname="GARCIA MARQUEZ"), Traveller.objects.get(surname="PETROV")
    hit_dispose(
        actor=bb_officer, hit=Hit.objects.get(), disposition=Disposition.TRUE_MATCH, note="Confirmed by ID"
    )
    services.arrival_check_record(actor=bb_officer, traveller=ana, outcome=Outcome.NOTHING)
    john = Traveller.objects.get(surname="SMITH")
    services.arrival_check_record(
        actor=bb_officer, traveller=john, outcome=Outcome.NOTHING, case_reference="SZ-2031-7"
    )
    for t in (first, second):
        _age(t, 365 * 5 + 10)
    services.passenger_lists_mask()
    request = services.unmask_request_create(
        actor=bb_officer, traveller=Traveller.objects.get(pk=ana.pk), reason="Lookout received names her"
    )
    services.unmask_request_decide(actor=bb_supervisor, request=request, approve=True)
    dry = services.passenger_lists_purge(dry_run=True)
    assert dry == {"lists": 0, "travellers": 1, "kept_for_cases": 2}
    assert services.passenger_lists_purge() == dry  # every list kept: none to delete in the batch
    assert set(Traveller.objects.values_list("pk", flat=True)) == {ivan.pk, john.pk}
    assert not TravellerDocument.objects.filter(traveller_id=ana.pk).exists()
    assert not ArrivalCheck.objects.filter(traveller_id=ana.pk).exists()
    assert not UnmaskRequest.objects.exists()
    assert ArrivalCheck.objects.filter(traveller_id=john.pk).exists()
    assert TravelListVersion.objects.filter(travel_list=first).exists()
    # A list with no case left is deleted with its versions, declaration, runs, hits and assessment.
    Traveller.objects.filter(pk=john.pk).update(case_reference="")
    declaration_id = second.declaration_id
    assert declaration_id is not None
    assert services.passenger_lists_purge() == {"lists": 1, "travellers": 1, "kept_for_cases": 1}
    assert not TravelList.objects.filter(pk=second.pk).exists()
    assert not TravelListVersion.objects.filter(travel_list_id=second.pk).exists()
    assert not Declaration.objects.filter(pk=declaration_id).exists()
    assert not ScreeningRun.objects.filter(declaration_id=declaration_id).exists()
    assert not Assessment.objects.filter(declaration_id=declaration_id).exists()
    assert list(Traveller.objects.values_list("pk", flat=True)) == [ivan.pk]
    assert Hit.objects.get().disposition == Disposition.TRUE_MATCH


def test_the_platforms_retention_command_masks_and_deletes_passenger_data(
    ports: None, carrier: Carrier, bb_supervisor: User
) -> None:
    from caribclear.core.retention import apply_all

    file(carrier, paxlst([ANA, IVAN]))
    file(carrier, paxlst([JOHN], flight="BW486"))
    masked_list, deleted_list = TravelList.objects.order_by("pk")
    _age(masked_list, 200)
    _age(deleted_list, 365 * 5 + 10)
    # The administration's own period (months, on the passengers' page) is the one applied.
    services.retention_policy_set(
        actor=bb_supervisor,
        mask_after_months=7,
        delete_after_years=5,
        default_answer="2Z",
        answer_within_ms=800,
    )
    dry = {o.rule.key: o.count for o in apply_all(dry_run=True)}
    assert dry["passengers.mask"] == 1 and dry["passengers.delete"] == 1  # masked at 7 months: not yet
    assert Traveller.objects.filter(masked_at__isnull=False).count() == 0 and TravelList.objects.count() == 2
    call_command("apply_retention", stdout=io.StringIO())
    assert not TravelList.objects.filter(pk=deleted_list.pk).exists()
    assert Traveller.objects.filter(masked_at__isnull=False).count() == 0  # 200 days < 7 months
    _age(masked_list, 220)
    outcomes = {o.rule.key: o.count for o in apply_all()}
    assert outcomes["passengers.mask"] == 2 and outcomes["passengers.delete"] == 0
    assert set(Traveller.objects.values_list("surname", flat=True)) == {""}
    events = AuditEvent.objects.filter(action="retention.applied")
    assert {e.data["rule"] for e in events} >= {"passengers.mask", "passengers.delete"}
    assert "PETROV" not in str([e.data for e in events])


def test_an_administration_sets_its_own_retention(
    ports: None, carrier: Carrier, bb_supervisor: User, bb_officer: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.retention_policy_set(
            actor=bb_officer,
            mask_after_months=3,
            delete_after_years=1,
            default_answer="2Z",
            answer_within_ms=500,
        )
    with pytest.raises(ValidationError) as error:
        services.retention_policy_set(
            actor=bb_supervisor,
            mask_after_months=30,
            delete_after_years=2,
            default_answer="1Z",
            answer_within_ms=5,
        )
    assert set(error.value.message_dict) == {"delete_after_years", "default_answer", "answer_within_ms"}
    services.retention_policy_set(
        actor=bb_supervisor,
        mask_after_months=3,
        delete_after_years=1,
        default_answer="0Z",
        answer_within_ms=500,
    )
    file(carrier, paxlst([ANA]))
    _age(TravelList.objects.get(), 100)
    assert services.passenger_lists_mask()["lists"] == 1


def test_a_crew_member_on_a_passenger_list_is_a_fact(ports: None, carrier: Carrier) -> None:
    from caribclear.core.declarations import kind_of

    file(carrier, paxlst([ANA, Pax("JONES", "MARY", "19850101", crew=True, document="C1")]))
    travel_list = TravelList.objects.get()
    kind = kind_of("passengers.list")
    assert travel_list.declaration_id is not None
    record = kind.load([travel_list.declaration_id])[travel_list.declaration_id]
    facts = kind.facts(record)
    assert facts["crew_on_passenger_list"] == [True]
    assert facts["route"] == ["POS-BGI"] and facts["nationality"] == ["TT"]
    assert facts["travelling_alone"] == [True]
    assert Traveller.objects.get(surname="JONES").role == TravellerRole.CREW
    subjects = kind.subjects(record)
    assert {s.key for s in subjects} == {f"traveller:{t.pk}" for t in Traveller.objects.all()}
