"""Every status move of a notification is written to its status history and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from caribclear.accounts.choices import Agency, Role
from caribclear.core.models import AuditEvent, StatusChange
from caribclear.core.pipeline import InvalidTransition, status_history

from .. import services
from ..choices import Decision, Status
from ..pipeline import NOTIFICATION_STATUS
from .factories import screen
from .operator_fixtures import crew_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _moves(notification: Any) -> list[tuple[str, str, Any, str]]:
    return [(c.from_status, c.to_status, c.actor, c.note) for c in status_history(notification)]


def test_filing_deciding_and_amending_write_one_history_row_per_move(crew, officer, make_user, antigua):
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=True
    )
    assert _moves(notification) == [(Status.DRAFT, Status.SUBMITTED, crew.operator, "")]
    # An amendment keeps the status: no move, no row.
    services.notification_amend(
        actor=crew.operator, notification=notification, data={"last_port": "Deshaies"}
    )
    assert len(_moves(notification)) == 1

    screen(notification)  # the amended version, as filing's job does after commit
    services.clearance_decide(actor=officer, notification=notification, decision=Decision.CLEARED)
    immigration = make_user(role=Role.OFFICER, administration=antigua, agency=Agency.IMMIGRATION)
    services.clearance_decide(
        actor=immigration, notification=notification, decision=Decision.REFERRED, remarks="Passport check."
    )
    assert _moves(notification)[1:] == [
        (Status.SUBMITTED, Status.IN_PROGRESS, officer, "customs: cleared"),
        (Status.IN_PROGRESS, Status.REFERRED, immigration, "immigration: referred"),
    ]
    # Deciding again to the same overall status is no move.
    services.clearance_decide(
        actor=immigration, notification=notification, decision=Decision.REFERRED, remarks="Still to check."
    )
    assert len(_moves(notification)) == 3

    events = AuditEvent.objects.filter(action="status.change", object_id=str(notification.pk)).order_by("id")
    assert [(e.data["from"], e.data["to"], e.actor_id) for e in events] == [
        (Status.DRAFT, Status.SUBMITTED, crew.operator.pk),
        (Status.SUBMITTED, Status.IN_PROGRESS, officer.pk),
        (Status.IN_PROGRESS, Status.REFERRED, immigration.pk),
    ]
    assert {c.record_type for c in StatusChange.objects.all()} == {"clearance.notification"}


def test_cancelling_records_the_reason(crew):
    notification = services.notification_create(
        actor=crew.operator, data=crew.data(), people=crew.people(), submit=True
    )
    services.notification_cancel(actor=crew.operator, notification=notification, reason=" Storm ahead. ")
    assert _moves(notification)[-1] == (Status.SUBMITTED, Status.CANCELLED, crew.operator, "Storm ahead.")


def test_an_invalid_move_raises_and_writes_nothing(crew):
    notification = services.notification_create(actor=crew.operator, data=crew.data(), people=crew.people())
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        NOTIFICATION_STATUS.move(notification, Status.CLEARED, actor=crew.operator)
    notification.refresh_from_db()
    assert notification.status == Status.DRAFT
    assert not StatusChange.objects.exists()
    assert AuditEvent.objects.count() == before
