"""Training's rules in the visibility layer: who sees a person's training, and the catalogue."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser

from caribclear.accounts.choices import Agency, Role
from caribclear.core.visibility import visible
from caribclear.training import services
from caribclear.training.models import Course, Credential, Enrolment, Evaluation, Intake, Programme
from caribclear.training.visibility import VERIFY


def test_a_persons_training_is_seen_by_them_their_administrator_the_secretariat_and_tutors(
    make_user, barbados, staff, tutor, courses, make_intake, enrol, officer, administrator, operator
):
    intake = make_intake(courses[0])
    enrolment = enrol(intake, officer)
    services.result_record(actor=tutor, enrolment=enrolment, grade=Decimal(80), days_attended=None)
    services.evaluation_submit(
        actor=officer, enrolment=enrolment, outcomes_achieved=4, rating=5, comments="Useful"
    )
    credential = Credential.objects.get(holder=officer)
    colleague = make_user(role=Role.OFFICER, administration=officer.administration, agency=Agency.CUSTOMS)
    barbados_administrator = make_user(
        role=Role.ADMINISTRATOR, administration=barbados, agency=Agency.CUSTOMS
    )

    def sees(reader, model, record, action="view"):
        return visible(reader, model, action).filter(pk=record.pk).exists()

    for reader in (officer, administrator, staff):
        assert sees(reader, Enrolment, enrolment) and sees(reader, Credential, credential)
    # The tutor sees the participant of their intake, not the credential the result earned.
    assert sees(tutor, Enrolment, enrolment) and not sees(tutor, Credential, credential)
    for reader in (colleague, barbados_administrator, operator, AnonymousUser()):
        assert not sees(reader, Enrolment, enrolment) and not sees(reader, Credential, credential)
    # The evaluation: the participant, the tutor and the secretariat; not their administration.
    evaluation = Evaluation.objects.get(enrolment=enrolment)
    assert [sees(r, Evaluation, evaluation) for r in (officer, tutor, staff, administrator)] == [
        True,
        True,
        True,
        False,
    ]
    # Anyone holding the verification link sees the credential there.
    assert sees(AnonymousUser(), Credential, credential, VERIFY)


def test_the_catalogue_is_the_regions_and_no_operators(
    make_user, barbados, staff, tutor, programme, make_intake, operator
):
    intake = make_intake(programme.courses.first())
    barbados_officer = make_user(role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS)
    for reader in (barbados_officer, staff, tutor):
        assert visible(reader, Intake).filter(pk=intake.pk).exists()
        assert visible(reader, Programme).filter(pk=programme.pk).exists()
        assert visible(reader, Course).count() == 3
    for reader in (operator, AnonymousUser()):
        assert not visible(reader, Intake).exists() and not visible(reader, Programme).exists()
