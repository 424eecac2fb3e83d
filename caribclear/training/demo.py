"""Demo data of the training app: the CCMP Certificate with its courses, the regional management course,
one finished intake with results and credentials, and one intake open for nominations."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from collections.abc import Callable
from decimal import Decimal

from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.models import User

from . import services
from .choices import IntakeStatus, Level, Mode
from .models import Programme

PARTNER = "Partner university (CCMP)"
STAFF_EMAIL = "programme@cclec.demo"
TUTOR_EMAIL = "tutor@university.demo"

COURSES = [
    ("CCM101", "Introduction to Caribbean Customs", ["Describe the customs administrations of the region"]),
    ("CCM102", "Managing in the Customs Environment", ["Plan and lead a customs work unit"]),
    ("CCM103", "International Trade Terms", ["Apply the Incoterms rules to a transaction"]),
    ("CCM104", "Governance and Integrity", ["Apply the Revised Arusha Declaration's integrity principles"]),
    ("CCM105", "Introduction to Government and the Legislative Process", ["Explain how customs law is made"]),
]


def seed_training_demo(
    *, officials: list[User], totp_key: Callable[[str], bytes], password: str, write: Callable[[str], None]
) -> None:
    if Programme.objects.filter(code="CCMP-C").exists():
        return
    # Each administration's own numbers for its officials, which the Moodle imports match by.
    for number, official in enumerate(officials, start=1):
        if not official.staff_number and official.administration is not None:
            official.staff_number = f"{official.administration.code}-{number:04d}"
            official.save(update_fields=["staff_number"])
    staff = services.secretariat_staff_create(email=STAFF_EMAIL, first_name="Marcia", last_name="Edwards")
    tutor = services.tutor_account_create(
        actor=staff, email=TUTOR_EMAIL, first_name="Curtis", last_name="Alleyne"
    )
    for account in (staff, tutor):
        account.set_password(password)
        account.save(update_fields=["password"])
        TOTPDevice.objects.create(
            user=account, name="Demo authenticator", confirmed=True, key=totp_key(account.email).hex()
        )
    courses = [
        services.course_create(
            actor=staff,
            code=code,
            title=title,
            credits=Decimal(3),
            hours=45,
            learning_outcomes=outcomes,
            delivering_partner=PARTNER,
            modules=[("Readings and forum", 15), ("Case study", 15), ("Assessment", 15)],
        )
        for code, title, outcomes in COURSES
    ]
    services.programme_create(
        actor=staff,
        code="CCMP-C",
        title="Certificate in Customs Management",
        level=Level.CERTIFICATE,
        required_credits=Decimal(15),
        minimum_grade=Decimal(50),
        core=courses[:3],
        electives=courses[3:],
        delivering_partner=PARTNER,
    )
    leadership = services.course_create(
        actor=staff,
        code="MMOL",
        title="Middle Management and Operational Leadership",
        credits=Decimal(0),
        hours=60,
        learning_outcomes=["Lead operational teams against the EU customs management competencies"],
        delivering_partner="CCLEC Secretariat",
    )
    by_email = {o.email: o for o in officials}
    administrator = by_email["admin@antigua.demo"]
    finished = services.intake_open(
        actor=staff,
        course=courses[0],
        code="CCM101-2026-1",
        starts_on=dt.date(2026, 2, 2),
        ends_on=dt.date(2026, 4, 24),
        mode=Mode.ONLINE,
        seats_per_member=3,
        tutors=[tutor],
    )
    grades = {"customs@antigua.demo": Decimal("78"), "immigration@antigua.demo": Decimal("64.5")}
    enrolments = []
    for email in grades:
        enrolment = services.enrolment_nominate(
            actor=administrator, intake=finished, official=by_email[email]
        )
        enrolments.append(services.enrolment_confirm(actor=staff, enrolment=enrolment))
    services.intake_set_status(actor=staff, intake=finished, status=IntakeStatus.RUNNING)
    for enrolment in enrolments:
        services.result_record(
            actor=tutor, enrolment=enrolment, grade=grades[enrolment.official.email], days_attended=None
        )
    services.intake_set_status(actor=staff, intake=finished, status=IntakeStatus.FINISHED)
    services.intake_open(
        actor=staff,
        course=leadership,
        code="MMOL-2027-1",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 12),
        mode=Mode.IN_PERSON,
        venue="Castries, Saint Lucia",
        in_person_days=10,
        seats_per_member=1,
        tutors=[tutor],
    )
    for label, email in (("secretariat staff", STAFF_EMAIL), ("external tutor", TUTOR_EMAIL)):
        key = b32encode(totp_key(email)).decode().rstrip("=")
        write(f"  {label:<26}{email:<28} authenticator key {key}")
