"""The rule that completes a programme, alone (property-based) and through recorded results."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caribclear.training import services
from caribclear.training.choices import CredentialKind
from caribclear.training.completion import CourseResult, ProgrammeRule, programme_complete
from caribclear.training.models import Credential

CODES = [f"C{i}" for i in range(8)]

rules = st.builds(
    lambda credits, core, required, minimum: ProgrammeRule(
        required_credits=Decimal(required),
        minimum_grade=Decimal(minimum),
        credits={code: Decimal(c) for code, c in zip(CODES, credits, strict=True)},
        core=frozenset(core),
    ),
    st.lists(st.integers(1, 6), min_size=len(CODES), max_size=len(CODES)),
    st.sets(st.sampled_from(CODES), max_size=4),
    st.integers(0, 30),
    st.integers(0, 100),
)
results = st.builds(
    CourseResult,
    course=st.sampled_from([*CODES, "OTHER"]),
    grade=st.decimals(0, 100, places=1),
    passed=st.booleans(),
)


# The machine running the suite may be busy: generation speed is not what these tests are about.
RELAXED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(rules, st.lists(results, max_size=12), results)
def test_adding_a_passed_course_never_uncompletes_a_programme(rule, taken, extra):
    if programme_complete(rule, taken):
        passed = CourseResult(course=extra.course, grade=extra.grade, passed=True)
        assert programme_complete(rule, [*taken, passed])


@RELAXED
@given(rules, st.lists(results, max_size=12))
def test_a_complete_programme_has_every_core_course_and_the_credits(rule, taken):
    if programme_complete(rule, taken):
        counted = {
            r.course for r in taken if r.passed and r.course in rule.credits and r.grade >= rule.minimum_grade
        }
        assert rule.core <= counted
        assert sum(rule.credits[c] for c in counted) >= rule.required_credits


def test_the_programme_certificate_follows_the_last_course_that_completes_it(
    programme, courses, make_intake, enrol, antigua_officer, tutor
):
    intro, terms, _integrity = courses
    # An elective passed first: credits, but not the core course.
    services.result_record(
        actor=tutor,
        enrolment=enrol(make_intake(terms), antigua_officer),
        grade=Decimal(80),
        days_attended=None,
    )
    assert not Credential.objects.filter(holder=antigua_officer, kind=CredentialKind.PROGRAMME).exists()
    # The core course failed: still not complete.
    services.result_record(
        actor=tutor,
        enrolment=enrol(make_intake(intro), antigua_officer),
        grade=Decimal(40),
        days_attended=None,
    )
    assert not Credential.objects.filter(holder=antigua_officer, kind=CredentialKind.PROGRAMME).exists()
    # Retaken and passed: 6 credits with the core course, the certificate is issued.
    services.result_record(
        actor=tutor,
        enrolment=enrol(make_intake(intro), antigua_officer),
        grade=Decimal(65),
        days_attended=None,
    )
    programme_credential = Credential.objects.get(holder=antigua_officer, kind=CredentialKind.PROGRAMME)
    assert programme_credential.title == "Certificate in Customs Management"
    assert Credential.objects.filter(holder=antigua_officer, kind=CredentialKind.COURSE).count() == 2


def test_attendance_below_four_fifths_of_the_in_person_days_fails_the_course(
    courses, make_intake, enrol, antigua_officer, tutor
):
    enrolment = enrol(make_intake(courses[2], in_person_days=5), antigua_officer)
    enrolment = services.result_record(actor=tutor, enrolment=enrolment, grade=Decimal(90), days_attended=3)
    assert enrolment.outcome == "failed"
    enrolment = services.result_record(actor=tutor, enrolment=enrolment, grade=Decimal(90), days_attended=4)
    assert enrolment.outcome == "passed"
