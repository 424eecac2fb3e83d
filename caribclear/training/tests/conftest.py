"""Fixtures of the training tests: the secretariat's staff, a small programme, an intake with tutors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration
from caribclear.training import services
from caribclear.training.choices import IntakeStatus, Level, Mode


@pytest.fixture
def secretariat(db: Any) -> Administration:
    return Administration.organisations.get(kind="secretariat")


@pytest.fixture
def staff(make_user, secretariat):
    return make_user(
        role=Role.SECRETARIAT, administration=secretariat, agency="", email="programme@cclec.example"
    )


@pytest.fixture
def tutor(make_user):
    return make_user(
        role=Role.TUTOR, agency="", email="tutor@university.example", first_name="Tess", last_name="Tutor"
    )


@pytest.fixture
def courses(staff):
    intro = services.course_create(
        actor=staff, code="CCM101", title="Introduction to Caribbean Customs", credits=Decimal(3), hours=45
    )
    terms = services.course_create(
        actor=staff, code="CCM102", title="International Trade Terms", credits=Decimal(3), hours=45
    )
    integrity = services.course_create(
        actor=staff, code="CCM103", title="Governance and Integrity", credits=Decimal(3), hours=45
    )
    return intro, terms, integrity


@pytest.fixture
def programme(staff, courses):
    intro, terms, integrity = courses
    return services.programme_create(
        actor=staff,
        code="CCMP-C",
        title="Certificate in Customs Management",
        level=Level.CERTIFICATE,
        required_credits=Decimal(6),
        minimum_grade=Decimal(50),
        core=[intro],
        electives=[terms, integrity],
    )


@pytest.fixture
def make_intake(staff, tutor):
    counter = iter(range(1, 1000))

    def make(course, *, status=IntakeStatus.RUNNING, seats=2, in_person_days=0, tutors=None):
        intake = services.intake_open(
            actor=staff,
            course=course,
            code=f"{course.code}-{next(counter)}",
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 11, 30),
            mode=Mode.BLENDED if in_person_days else Mode.ONLINE,
            venue="Castries" if in_person_days else "",
            in_person_days=in_person_days,
            seats_per_member=seats,
            tutors=tutors if tutors is not None else [tutor],
        )
        if status == IntakeStatus.RUNNING:
            intake = services.intake_set_status(actor=staff, intake=intake, status=IntakeStatus.RUNNING)
        return intake

    return make


@pytest.fixture
def antigua_officer(make_user, antigua):
    return make_user(
        role=Role.OFFICER,
        administration=antigua,
        agency=Agency.CUSTOMS,
        email="kendra@ag.example",
        first_name="Kendra",
        last_name="Joseph",
        staff_number="AG-0042",
        language="es",
    )


@pytest.fixture
def enrol(staff, administrator):
    """Nominate (as Antigua's administrator) and confirm (as the secretariat) an official on an intake."""

    def enrol_(intake, official, *, running=True):
        if intake.status != IntakeStatus.OPEN:
            intake.status = IntakeStatus.OPEN
            intake.save()
        enrolment = services.enrolment_nominate(actor=administrator, intake=intake, official=official)
        enrolment = services.enrolment_confirm(actor=staff, enrolment=enrolment)
        if running:
            intake.status = IntakeStatus.RUNNING
            intake.save()
        return enrolment

    return enrol_
