"""Who may see training records: the rules, registered with the visibility layer.

Readers of training are the platform's signed-in people other than operators: members' officials, the
regional secretariat's staff and the external tutors.

- The regional catalogue (programmes, their courses and modules) and the course runs (intakes) are no
  secret among them, by design: every official of every member sees them, so the secretariat can call
  for nominations. Operators and anonymous visitors see none of it.
- A person's training (enrolments with their results and grades, credentials) is seen by:
  the official themself; the administrator of the administration that nominated them (enrolments) or
  that they belonged to when the credential was issued (credentials); the secretariat's staff (the whole
  region); and, for enrolments and grades only, the tutors of the intake. Nobody else: another
  administration's officials get "not found".
- An evaluation of a course is seen by the participant who gave it, the intake's tutors and the
  secretariat (not by the participant's administration).
- A member's credential requirements are its administrator's.
- "verify": a credential's public verification page (the QR code's link) shows it to anyone holding the
  token; selectors look it up by token only.

An administration reading as a whole (background work) sees the catalogue and its own people's records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caribclear.core.visibility import (
    VIEW,
    administration_id,
    is_administration,
    is_operator,
    is_signed_in,
    register,
)

from .models import (
    AssessmentGrade,
    Course,
    Credential,
    CredentialRequirement,
    Enrolment,
    Evaluation,
    Intake,
    Module,
    Programme,
    ProgrammeCourse,
)

VERIFY = "verify"


def may_use_training(reader: Any) -> bool:
    """Signed in and not an operator (officials, secretariat staff, tutors); or an administration."""
    return is_administration(reader) or (is_signed_in(reader) and not is_operator(reader))


def _is_secretariat(reader: Any) -> bool:
    return not is_administration(reader) and bool(getattr(reader, "is_secretariat", False))


def _administers(reader: Any) -> int | None:
    """The administration whose officials' training the reader oversees (an administrator's, or an
    administration's own); None for anyone else."""
    if is_administration(reader) or getattr(reader, "is_administrator", False):
        return administration_id(reader)
    return None


def _tutored_intakes(reader: Any) -> QuerySet[Any]:
    return Intake.tutors.through.objects.filter(user_id=reader.pk).values("intake_id")


@register(Programme)
@register(ProgrammeCourse)
@register(Course)
@register(Module)
@register(Intake)
def regional_catalogue(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """Public by design to every official, tutor and secretariat staff of the region."""
    return qs if may_use_training(reader) else qs.none()


def enrolments_q(reader: Any) -> Q | None:
    """The enrolments the reader may see (None: all of them; Q(pk__in=[]): none)."""
    if not may_use_training(reader):
        return Q(pk__in=[])
    if _is_secretariat(reader):
        return None
    condition = Q(pk__in=[])
    if not is_administration(reader):
        condition = Q(official_id=reader.pk) | Q(intake_id__in=_tutored_intakes(reader))
    own = _administers(reader)
    if own is not None:
        condition |= Q(administration_id=own)
    return condition


@register(Enrolment)
def enrolments(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    condition = enrolments_q(reader)
    return qs if condition is None else qs.filter(condition)


@register(AssessmentGrade)
def assessment_grades(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    condition = enrolments_q(reader)
    if condition is None:
        return qs
    return qs.filter(enrolment_id__in=Enrolment._default_manager.filter(condition).values("pk"))


@register(Evaluation)
def evaluations(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not may_use_training(reader) or is_administration(reader):
        return qs.none()
    if _is_secretariat(reader):
        return qs
    return qs.filter(
        Q(enrolment__official_id=reader.pk) | Q(enrolment__intake_id__in=_tutored_intakes(reader))
    )


@register(Credential, actions=(VIEW, VERIFY))
def credentials(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if action == VERIFY:
        # The public verification page: whoever holds the token (looked up by token only).
        return qs
    if not may_use_training(reader):
        return qs.none()
    if _is_secretariat(reader):
        return qs
    condition = Q(pk__in=[]) if is_administration(reader) else Q(holder_id=reader.pk)
    own = _administers(reader)
    if own is not None:
        condition |= Q(administration_id=own)
    return qs.filter(condition)


@register(CredentialRequirement)
def requirements(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    own = _administers(reader)
    return qs.filter(administration_id=own) if own is not None and may_use_training(reader) else qs.none()
