from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caribclear.training import services
from caribclear.training.choices import EnrolmentStatus, IntakeStatus


def test_past_the_members_seats_a_nomination_waits_and_takes_a_freed_seat(
    courses, make_intake, make_user, antigua, administrator, staff
):
    intake = make_intake(courses[0], status=IntakeStatus.OPEN, seats=1)
    first, second = (make_user(role="officer", administration=antigua) for _ in range(2))
    a = services.enrolment_nominate(actor=administrator, intake=intake, official=first)
    b = services.enrolment_nominate(actor=administrator, intake=intake, official=second)
    assert services.enrolment_confirm(actor=staff, enrolment=a).status == EnrolmentStatus.CONFIRMED
    assert services.enrolment_confirm(actor=staff, enrolment=b).status == EnrolmentStatus.WAITLISTED
    services.enrolment_withdraw(actor=administrator, enrolment=a)
    b.refresh_from_db()
    assert b.status == EnrolmentStatus.CONFIRMED


def test_an_administrator_nominates_only_their_own_officials_for_an_open_intake(
    courses, make_intake, make_user, barbados, administrator, antigua_officer
):
    closed = make_intake(courses[0])  # running: nominations closed
    with pytest.raises(ValidationError):
        services.enrolment_nominate(actor=administrator, intake=closed, official=antigua_officer)
    intake = make_intake(courses[1], status=IntakeStatus.OPEN)
    with pytest.raises(ValidationError):
        services.enrolment_nominate(
            actor=administrator, intake=intake, official=make_user(role="officer", administration=barbados)
        )
    with pytest.raises(PermissionDenied):
        services.enrolment_nominate(actor=antigua_officer, intake=intake, official=antigua_officer)


def test_an_intake_follows_its_pipeline(courses, make_intake, staff):
    intake = make_intake(courses[0], status=IntakeStatus.OPEN)
    with pytest.raises(ValidationError):
        services.intake_set_status(actor=staff, intake=intake, status=IntakeStatus.FINISHED)
    services.intake_set_status(actor=staff, intake=intake, status=IntakeStatus.RUNNING)
    assert (
        services.intake_set_status(actor=staff, intake=intake, status=IntakeStatus.FINISHED).status
        == "finished"
    )
