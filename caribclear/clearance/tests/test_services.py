from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.clearance.tests.factories import declaration_of
from caribclear.core.declarations import declaration_amended, declaration_cancelled, declaration_filed
from caribclear.core.models import AuditEvent
from caribclear.reference.models import Port
from caribclear.vessels.models import TravelDocument, Weapon

from .. import services
from ..choices import Decision, Kind, PersonRole, Status
from ..models import Notification, NotificationVersion
from ..pipeline import NOTIFICATION_STATUS, InvalidTransition
from ..services import Aboard
from .factories import person_make, screen, vessel_make
from .operator_fixtures import crew_fixture, later  # noqa: F401

pytestmark = pytest.mark.django_db


def _submitted(crew, **overrides):
    return screen(
        services.notification_create(
            actor=crew.operator, data=crew.data(**overrides), people=crew.people(), submit=True
        )
    )  # as filing's job does after commit: officers decide on screened ones


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Drafts and submission ------------------------------------------------------------------------------


def test_a_draft_gets_a_reference_and_needs_only_the_basics(crew):
    draft = services.notification_create(
        actor=crew.operator,
        data={"vessel": crew.vessel, "kind": Kind.ARRIVAL, "port": crew.port, "expected_at": later(1)},
    )
    assert draft.status == Status.DRAFT
    assert draft.administration.code == "AG"
    assert len(draft.reference) == 9 and draft.reference[4] == "-"
    assert draft.version == 0 and not draft.versions.exists()
    assert AuditEvent.objects.filter(action="notification.create", object_id=str(draft.pk)).exists()


@contextmanager
def receiving(signal: Signal, receiver: Any) -> Iterator[None]:
    signal.connect(receiver, dispatch_uid=f"test-{id(receiver)}")
    try:
        yield
    finally:
        signal.disconnect(dispatch_uid=f"test-{id(receiver)}")


def test_submitting_files_version_one_and_sends_declaration_filed_after_commit(
    crew, django_capture_on_commit_callbacks
):
    seen: list[tuple[int, str]] = []

    def filed(*, declaration_id: int, kind: str, **kwargs: Any) -> None:
        seen.append((declaration_id, kind))

    with receiving(declaration_filed, filed):
        draft = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
        assert draft.declaration_id is None  # a draft is not yet a declaration
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            notification = services.notification_submit(actor=crew.operator, notification=draft)
            assert seen == []  # nothing runs before the commit
    assert len(callbacks) >= 1
    declaration = notification.declaration
    assert declaration is not None
    assert seen == [(declaration.pk, "clearance.notification")]
    assert (declaration.reference, declaration.version) == (notification.reference, 1)
    assert declaration.administration_id == notification.administration_id
    assert notification.status == Status.SUBMITTED
    assert notification.submitted_at is not None
    version = notification.versions.get()
    assert version.number == 1 and notification.version == 1
    assert version.changes == []
    assert {p["name"] for p in version.snapshot["people"]} == {"SKIPPER, Ana", "MATE, Ben"}
    assert version.snapshot["port"] == {"locode": "AGSJO", "name": "St. John's"}
    assert AuditEvent.objects.filter(action="notification.submit", object_id=str(notification.pk)).exists()


def test_a_failing_receiver_is_logged_and_does_not_undo_the_filing(
    crew, django_capture_on_commit_callbacks, caplog
):
    after: list[int] = []

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("screening is down")

    def later_receiver(*, declaration_id: int, **kwargs: Any) -> None:
        after.append(declaration_id)

    with (
        receiving(declaration_filed, broken),
        receiving(declaration_filed, later_receiver),
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = _submitted(crew)
    notification.refresh_from_db()
    assert notification.status == Status.SUBMITTED and notification.version == 1
    assert after == [notification.declaration_id]  # the receivers after the broken one still ran
    assert "screening is down" in caplog.text and str(notification.declaration_id) in caplog.text


def test_cancelling_sends_declaration_cancelled(crew, django_capture_on_commit_callbacks):
    notification = _submitted(crew)
    seen: list[int] = []

    def cancelled(*, declaration_id: int, **kwargs: Any) -> None:
        seen.append(declaration_id)

    with receiving(declaration_cancelled, cancelled), django_capture_on_commit_callbacks(execute=True):
        services.notification_cancel(actor=crew.operator, notification=notification, reason="Plans changed")
    assert seen == [notification.declaration_id]


def test_submitting_twice_is_refused(crew):
    notification = _submitted(crew)
    with pytest.raises(ValidationError):
        services.notification_submit(actor=crew.operator, notification=notification)


def test_create_with_submit_keeps_nothing_when_it_cannot_be_submitted(crew):
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(actor=crew.operator, data=crew.data(), people=[], submit=True)
    assert "people" in _errors(excinfo)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("none", "Add at least one person on board."),
        ("no_master", "Say who is the master (captain)."),
        ("two_masters", "Only one person on board can be the master."),
    ],
)
def test_people_on_board_need_exactly_one_master(crew, people, message):
    master, mate = crew.people()
    chosen = {
        "none": [],
        "no_master": [Aboard(person=master.person, document=master.document, role=PersonRole.CREW), mate],
        "two_masters": [master, Aboard(person=mate.person, document=mate.document, role=PersonRole.MASTER)],
    }[people]
    draft_people = chosen if people != "two_masters" else []
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=draft_people)
    if people == "two_masters":
        with pytest.raises(ValidationError) as excinfo:
            services.notification_update(actor=crew.operator, notification=draft, data={}, people=chosen)
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.notification_submit(actor=crew.operator, notification=draft)
    assert message in _errors(excinfo)["people"][0]


def test_people_and_documents_must_be_the_operators_own(crew, make_user):
    stranger = make_user(role=Role.OPERATOR)
    their_person, their_document = person_make(account=stranger)
    master = crew.people()[0]
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(
            actor=crew.operator,
            data=crew.data(),
            people=[master, Aboard(person=their_person, document=their_document, role=PersonRole.CREW)],
        )
    assert "Choose people from your own list." in _errors(excinfo)["people"][0]
    # A document of somebody else, for one's own person.
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(
            actor=crew.operator,
            data=crew.data(),
            people=[Aboard(person=master.person, document=crew.mate[1], role=PersonRole.MASTER)],
        )
    assert "travel document" in _errors(excinfo)["people"][0]


def test_someone_elses_vessel_is_refused(crew, make_user):
    stranger = make_user(role=Role.OPERATOR)
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(
            actor=crew.operator, data=crew.data(vessel=vessel_make(account=stranger)), people=crew.people()
        )
    assert "vessel" in _errors(excinfo)


def test_the_port_must_be_a_members_port_of_entry(crew):
    not_of_entry = Port.objects.create(locode="GBZZZ", country="GB", name="Nowhere", name_ascii="Nowhere")
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(
            actor=crew.operator, data=crew.data(port=not_of_entry), people=crew.people()
        )
    assert _errors(excinfo)["port"] == ["Choose a port of entry of a member administration."]


@pytest.mark.parametrize("days", [-30, 400])
def test_the_expected_date_must_be_plausible(crew, days):
    with pytest.raises(ValidationError) as excinfo:
        services.notification_create(
            actor=crew.operator, data=crew.data(expected_at=later(days)), people=crew.people()
        )
    assert "expected_at" in _errors(excinfo)


def test_a_late_filing_of_yesterdays_arrival_is_accepted(crew):
    assert _submitted(crew, expected_at=later(-1)).status == Status.SUBMITTED


def test_the_declaration_must_be_answered(crew):
    data = crew.data()
    for name in services.DECLARATION_QUESTIONS:
        del data[name]
    draft = services.notification_create(actor=crew.operator, data=data, people=crew.people())
    assert not draft.declaration_answered
    with pytest.raises(ValidationError) as excinfo:
        services.notification_submit(actor=crew.operator, notification=draft)
    assert "declaration" in _errors(excinfo)


def test_firearms_must_match_the_weapons_recorded_for_the_vessel(crew):
    with pytest.raises(ValidationError) as excinfo:
        _submitted(crew, declares_firearms=True)
    assert "none are recorded" in _errors(excinfo)["declares_firearms"][0]

    Weapon.objects.create(vessel=crew.vessel, kind="firearm", make="Mossberg", serial_number="X1")
    with pytest.raises(ValidationError) as excinfo:
        _submitted(crew, declares_firearms=False)
    assert "answer yes" in _errors(excinfo)["declares_firearms"][0]

    notification = _submitted(crew, declares_firearms=True)
    assert notification.versions.get().snapshot["weapons"][0]["serial_number"] == "X1"


def test_currency_above_the_threshold_needs_amount_and_currency(crew):
    with pytest.raises(ValidationError) as excinfo:
        _submitted(crew, declares_currency=True)
    assert set(_errors(excinfo)) == {"currency_amount", "currency_code"}
    with pytest.raises(ValidationError) as excinfo:
        _submitted(crew, declares_currency=True, currency_amount=Decimal("15000"), currency_code="ZZZ")
    assert set(_errors(excinfo)) == {"currency_code"}
    notification = _submitted(
        crew, declares_currency=True, currency_amount=Decimal("15000"), currency_code="usd"
    )
    assert notification.currency_code == "USD"


def test_no_currency_declared_clears_a_stray_amount(crew):
    notification = _submitted(
        crew, declares_currency=False, currency_amount=Decimal("5"), currency_code="USD"
    )
    assert notification.currency_amount is None and notification.currency_code == ""


@pytest.mark.parametrize("question", ["declares_illness", "declares_animals", "declares_goods_for_sale"])
def test_declared_illness_animals_or_goods_need_details(crew, question):
    with pytest.raises(ValidationError) as excinfo:
        _submitted(crew, **{question: True})
    assert "declaration_details" in _errors(excinfo)
    assert (
        _submitted(crew, **{question: True}, declaration_details="A dog, vaccinated.").status
        == Status.SUBMITTED
    )


def test_an_expired_passport_is_flagged_but_not_refused(crew):
    person, document = crew.mate
    document.expiry_date = timezone.localdate() - dt.timedelta(days=10)
    document.save()
    notification = _submitted(crew)
    assert notification.status == Status.SUBMITTED
    assert [row.person for row in services.expired_documents(notification)] == [person]
    event = AuditEvent.objects.get(action="notification.submit", object_id=str(notification.pk))
    assert event.data["expired_documents"] == [document.number]


def test_only_the_owner_may_write(crew, make_user, officer):
    notification = _submitted(crew)
    other = make_user(role=Role.OPERATOR)
    for actor in (other, officer):
        with pytest.raises(PermissionDenied):
            services.notification_cancel(actor=actor, notification=notification)
        with pytest.raises(PermissionDenied):
            services.notification_amend(actor=actor, notification=notification, data={"last_port": "X"})
    with pytest.raises(PermissionDenied):
        services.notification_create(actor=officer, data=crew.data(), people=crew.people())


def test_a_reference_collision_draws_again(crew, monkeypatch):
    first = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    drawn = iter([first.reference, first.reference, "K7PM-4QXB"])
    monkeypatch.setattr(services.notifications, "new_reference", lambda: next(drawn))
    second = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    assert second.reference == "K7PM-4QXB"


# --- Amendments and versions ----------------------------------------------------------------------------


def test_amending_keeps_every_version_with_a_list_of_changes(crew, django_capture_on_commit_callbacks):
    notification = _submitted(crew)
    new_time = later(3)
    seen: list[int] = []

    def amended(*, declaration_id: int, **kwargs: Any) -> None:
        seen.append(declaration_id)

    with receiving(declaration_amended, amended), django_capture_on_commit_callbacks(execute=True):
        notification = services.notification_amend(
            actor=crew.operator,
            notification=notification,
            data={"expected_at": new_time, "last_port": "Deshaies", "last_port_country": "GP"},
            people=[crew.people()[0]],
        )
    assert seen == [notification.declaration_id]
    assert notification.status == Status.SUBMITTED and notification.version == 2
    declaration = declaration_of(notification)
    declaration.refresh_from_db()
    assert declaration.version == 2
    assert list(notification.versions.values_list("number", flat=True)) == [2, 1]
    changes = {c["field"]: c for c in notification.versions.get(number=2).changes}
    assert changes["last_port"] == {"field": "last_port", "old": "Le Marin", "new": "Deshaies"}
    assert changes["last_port_country"]["new"] == "GP"
    assert changes["expected_at"]["new"] == new_time.astimezone(dt.UTC).isoformat()
    assert changes["people"] == {"field": "people", "old": "MATE, Ben (crew)", "new": ""}
    # The first version is kept as it was.
    assert len(notification.versions.get(number=1).snapshot["people"]) == 2
    assert AuditEvent.objects.filter(action="notification.amend", object_id=str(notification.pk)).exists()


def test_an_amendment_that_changes_nothing_files_no_new_version(crew):
    notification = _submitted(crew)
    notification = services.notification_amend(
        actor=crew.operator, notification=notification, data={"last_port": "Le Marin"}
    )
    assert notification.version == 1
    assert NotificationVersion.objects.filter(notification=notification).count() == 1


def test_an_amendment_is_validated_like_a_submission(crew):
    notification = _submitted(crew)
    with pytest.raises(ValidationError) as excinfo:
        services.notification_amend(actor=crew.operator, notification=notification, data={}, people=[])
    assert "people" in _errors(excinfo)
    notification.refresh_from_db()
    assert notification.people_on_board.count() == 2 and notification.version == 1


def test_no_amendment_once_an_agency_has_decided(crew, officer):
    notification = _submitted(crew)
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    with pytest.raises(ValidationError) as excinfo:
        services.notification_amend(actor=crew.operator, notification=notification, data={"last_port": "X"})
    assert "already decided" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        services.notification_cancel(actor=crew.operator, notification=notification)


def test_a_draft_is_updated_not_amended(crew):
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    with pytest.raises(ValidationError):
        services.notification_amend(actor=crew.operator, notification=draft, data={"last_port": "X"})
    draft = services.notification_update(
        actor=crew.operator, notification=draft, data={"last_port": "Rodney Bay"}
    )
    assert draft.last_port == "Rodney Bay" and draft.status == Status.DRAFT
    submitted = _submitted(crew)
    with pytest.raises(ValidationError):
        services.notification_update(actor=crew.operator, notification=submitted, data={"last_port": "X"})


# --- Cancelling and the pipeline -------------------------------------------------------------------------


def test_cancelling_a_draft_or_a_submitted_notification(crew):
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    submitted = _submitted(crew)
    for notification in (draft, submitted):
        cancelled = services.notification_cancel(
            actor=crew.operator, notification=notification, reason="Plans changed"
        )
        assert cancelled.status == Status.CANCELLED
    event = AuditEvent.objects.filter(action="notification.cancel", object_id=str(submitted.pk)).get()
    assert event.data == {"reason": "Plans changed"}


def test_a_cancelled_notification_goes_nowhere(crew):
    notification = services.notification_cancel(actor=crew.operator, notification=_submitted(crew))
    with pytest.raises(ValidationError):
        services.notification_cancel(actor=crew.operator, notification=notification)
    with pytest.raises(ValidationError):
        services.notification_amend(actor=crew.operator, notification=notification, data={"last_port": "X"})
    with pytest.raises(InvalidTransition):
        NOTIFICATION_STATUS.move(notification, Status.SUBMITTED, actor=crew.operator)


def test_a_draft_cannot_jump_to_cleared(crew):
    draft = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    with pytest.raises(InvalidTransition):
        NOTIFICATION_STATUS.move(draft, Status.CLEARED, actor=crew.operator)


# --- A short stay filed as one visit ------------------------------------------------------------------------


def test_a_visit_files_the_arrival_and_departure_together(crew):
    departs_at = later(4)
    arrival, departure = services.visit_file(
        actor=crew.operator, data=crew.data(expected_at=later(1)), people=crew.people(), departs_at=departs_at
    )
    assert (arrival.kind, departure.kind) == (Kind.ARRIVAL, Kind.DEPARTURE)
    assert arrival.paired_with == departure and departure.paired_with == arrival
    assert arrival.status == departure.status == Status.SUBMITTED
    assert departure.port == arrival.port and departure.expected_at == departs_at
    assert departure.people_on_board.count() == 2
    assert departure.next_port == "Bridgetown"


def test_a_visit_must_leave_after_it_arrives(crew):
    with pytest.raises(ValidationError) as excinfo:
        services.visit_file(
            actor=crew.operator,
            data=crew.data(expected_at=later(3)),
            people=crew.people(),
            departs_at=later(2),
        )
    assert "departs_at" in _errors(excinfo)
    with pytest.raises(ValidationError):
        services.visit_file(
            actor=crew.operator,
            data=crew.data(expected_at=later(1)),
            people=crew.people(),
            departs_at=later(60),
        )
    assert not Notification.objects.exists()


def test_cancelling_a_visits_arrival_cancels_its_departure_but_not_the_reverse(crew):
    arrival, departure = services.visit_file(
        actor=crew.operator, data=crew.data(expected_at=later(1)), people=crew.people(), departs_at=later(2)
    )
    services.notification_cancel(actor=crew.operator, notification=departure)
    arrival.refresh_from_db()
    assert arrival.status == Status.SUBMITTED

    arrival2, departure2 = services.visit_file(
        actor=crew.operator, data=crew.data(expected_at=later(1)), people=crew.people(), departs_at=later(2)
    )
    services.notification_cancel(actor=crew.operator, notification=arrival2)
    departure2.refresh_from_db()
    assert departure2.status == Status.CANCELLED


# --- Starting from the last voyage ------------------------------------------------------------------------


def test_start_from_last_voyage_copies_people_and_makes_its_port_the_last_port(crew, barbados):
    last = _submitted(crew, is_charter=True)
    newer = TravelDocument.objects.create(
        person=crew.mate[0],
        number="GB9999999",
        issuing_state="GB",
        expiry_date=timezone.localdate() + dt.timedelta(days=5000),
    )
    bridgetown = Port.objects.get(locode="BBBGI")
    draft = services.notification_start_from_last_voyage(
        actor=crew.operator, vessel=crew.vessel, port=bridgetown, expected_at=later(5)
    )
    assert draft.status == Status.DRAFT and draft.kind == Kind.ARRIVAL
    assert draft.administration == barbados
    assert (draft.last_port, str(draft.last_port_country)) == (last.port.name, "AG")
    assert draft.is_charter and draft.purpose == last.purpose
    rows = {row.person_id: row for row in draft.people_on_board.all()}
    assert rows[crew.master[0].pk].role == PersonRole.MASTER
    assert rows[crew.master[0].pk].document == crew.master[1]
    assert rows[crew.mate[0].pk].document == newer
    assert not draft.declaration_answered  # asked again for every voyage
    assert AuditEvent.objects.filter(
        action="notification.start_from_last_voyage", object_id=str(draft.pk)
    ).exists()


def test_start_from_last_voyage_for_the_departure_from_the_same_port(crew):
    last = _submitted(crew)
    draft = services.notification_start_from_last_voyage(
        actor=crew.operator, vessel=crew.vessel, port=last.port, expected_at=later(5), kind=Kind.DEPARTURE
    )
    assert draft.kind == Kind.DEPARTURE
    assert (draft.last_port, draft.next_port) == ("Le Marin", "Bridgetown")


def test_start_from_last_voyage_needs_a_voyage(crew):
    services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())  # a draft only
    with pytest.raises(ValidationError) as excinfo:
        services.notification_start_from_last_voyage(
            actor=crew.operator, vessel=crew.vessel, port=crew.port, expected_at=later(5)
        )
    assert "vessel" in _errors(excinfo)


# --- The officers' decision --------------------------------------------------------------------------------


def test_decisions_of_customs_and_immigration_clear_the_notification(crew, officer, make_user, antigua):
    notification = _submitted(crew)
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    notification.refresh_from_db()
    assert notification.status == Status.IN_PROGRESS
    services.clearance_decide(actor=immigration, notification=notification, decision=Decision.CLEARED)
    notification.refresh_from_db()
    assert notification.status == Status.CLEARED and notification.decided_at is not None


def test_an_officer_of_another_administration_cannot_decide(crew, make_user, barbados):
    notification = _submitted(crew)
    bajan = make_user(role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS)
    with pytest.raises(PermissionDenied):
        services.clearance_decide(actor=bajan, notification=notification, decision=Decision.CLEARED)


def test_an_amendment_keeps_the_vessel_kind_and_administration(crew):
    notification = _submitted(crew)
    other_vessel = vessel_make(account=crew.operator, name="Second Wind")
    bridgetown = Port.objects.get(locode="BBBGI")
    with pytest.raises(ValidationError) as excinfo:
        services.notification_amend(
            actor=crew.operator,
            notification=notification,
            data={"vessel": other_vessel, "kind": Kind.DEPARTURE, "port": bridgetown},
        )
    assert set(_errors(excinfo)) == {"vessel", "kind", "port"}
    # Another port of the same administration is fine.
    english_harbour = Port.objects.create(
        locode="AGEHA",
        country="AG",
        name="English Harbour",
        name_ascii="English Harbour",
        is_port_of_entry=True,
        administration=notification.administration,
    )
    amended = services.notification_amend(
        actor=crew.operator, notification=notification, data={"port": english_harbour}
    )
    assert amended.port == english_harbour and amended.version == 2


def test_submitting_one_draft_of_a_visit_submits_both(crew):
    arrival, departure = services.visit_file(
        actor=crew.operator,
        data=crew.data(expected_at=later(1)),
        people=crew.people(),
        departs_at=later(2),
        submit=False,
    )
    assert arrival.status == departure.status == Status.DRAFT
    services.notification_submit(actor=crew.operator, notification=departure)
    arrival.refresh_from_db()
    departure.refresh_from_db()
    assert arrival.status == departure.status == Status.SUBMITTED
    assert arrival.version == departure.version == 1
