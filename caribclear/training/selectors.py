"""Reads of the training app, restricted first to what the reader may see (else: not found).

Who sees what is decided by the rules in `training/visibility.py`, read here through the visibility
layer (`visible`, `get_visible_or_404`):
- The secretariat's staff see every training record of the region (and nothing operational).
- A tutor sees the participants of the intakes they tutor.
- A member's administrator sees their own administration's officials.
- An official sees their own record.
- The catalogue and the intakes are seen by every official, tutor and secretariat staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from caribclear.accounts.choices import OFFICIAL_ROLES
from caribclear.accounts.models import Administration, User
from caribclear.core.visibility import get_visible_or_404, visible

from .choices import EnrolmentStatus, Outcome
from .models import Course, Credential, CredentialRequirement, Enrolment, Evaluation, Intake, Programme
from .visibility import VERIFY, may_use_training

__all__ = ["may_use_training"]


def programmes(*, user: User) -> QuerySet[Programme]:
    return visible(user, Programme).prefetch_related("programme_courses__course")


def courses(*, user: User) -> QuerySet[Course]:
    return visible(user, Course).prefetch_related("modules", "prerequisites")


def intakes_for(*, user: User) -> QuerySet[Intake]:
    """Course runs are no secret among the platform's officials, tutors and the secretariat."""
    return (
        visible(user, Intake)
        .select_related("course")
        .annotate(confirmed=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.CONFIRMED)))
    )


def intake_for(*, user: User, code: str) -> Intake:
    return get_visible_or_404(user, intakes_for(user=user), code=code)


def enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    return visible(user, Enrolment).select_related("intake__course", "official", "administration")


def enrolment_for(*, user: User, pk: int) -> Enrolment:
    return get_visible_or_404(user, enrolments_for(user=user), pk=pk)


def nominable_officials(*, user: User, intake: Intake) -> QuerySet[User]:
    """The officials an administrator may still nominate for an intake."""
    if not user.is_administrator or user.administration_id is None:
        return User.objects.none()
    return (
        User.objects.filter(administration_id=user.administration_id, role__in=OFFICIAL_ROLES, is_active=True)
        .exclude(enrolments__intake=intake)
        .order_by("last_name", "first_name")
    )


def officials_of(*, user: User) -> QuerySet[User]:
    """An administrator's officials (for their training records)."""
    if not user.is_administrator or user.administration_id is None:
        return User.objects.none()
    return User.objects.filter(administration_id=user.administration_id, role__in=OFFICIAL_ROLES).order_by(
        "last_name", "first_name"
    )


def tutor_candidates() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .exclude(role="operator")
        .select_related("administration")
        .order_by("last_name", "first_name")
    )


def external_tutors(*, user: User) -> QuerySet[User]:
    """The external tutors' accounts, with how many intakes each tutors (the secretariat only)."""
    if not user.is_secretariat:
        raise Http404
    return (
        User.objects.filter(role="tutor")
        .annotate(intake_count=Count("tutored_intakes", distinct=True))
        .order_by("last_name", "first_name", "email")
    )


def official_for_record(*, user: User, official_id: int) -> User:
    """Whose career record the reader may open: their own; an administrator their officials'; the
    secretariat anyone's."""
    qs = User.objects.select_related("administration").filter(pk=official_id, role__in=OFFICIAL_ROLES)
    if not may_use_training(user):
        raise Http404
    if not user.is_secretariat and user.pk != official_id:
        if not user.is_administrator or user.administration_id is None:
            raise Http404
        qs = qs.filter(administration_id=user.administration_id)
    official = qs.first()
    if official is None:
        raise Http404
    return official


def career_record(*, user: User, official: User) -> dict[str, Any]:
    """An official's training, as far as `user` may see it (all of it for those `official_for_record`
    lets open the record)."""
    enrolments = list(
        visible(user, Enrolment)
        .select_related("intake__course")
        .filter(official=official)
        .exclude(status__in=[EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN])
        .order_by("-intake__starts_on")
    )
    credentials = list(visible(user, Credential).filter(holder=official).order_by("-issued_on"))
    hours = sum(e.intake.course.hours for e in enrolments if e.outcome == Outcome.PASSED)
    return {"enrolments": enrolments, "credentials": credentials, "hours": hours}


def credentials_for(*, user: User) -> QuerySet[Credential]:
    return visible(user, Credential).select_related("holder", "course", "programme", "administration")


def credential_for(*, user: User, token: str) -> Credential:
    return get_visible_or_404(user, credentials_for(user=user), token=token)


def credential_by_token(user: Any, token: str) -> Credential | None:
    """The public verification page: anyone with the QR code's link."""
    return visible(user, Credential, VERIFY).select_related("holder").filter(token=token).first()


def requirements_for(*, user: User) -> list[dict[str, Any]]:
    """An administrator's requirements, each with who in that role holds the credential and who not."""
    if not user.is_administrator or user.administration_id is None:
        return []
    rows = []
    requirements = visible(user, CredentialRequirement).select_related("course", "programme")
    for requirement in requirements:
        officials = list(
            User.objects.filter(
                administration_id=user.administration_id, role=requirement.role, is_active=True
            )
        )
        held = visible(user, Credential).filter(holder__in=officials, revoked_at__isnull=True)
        held = (
            held.filter(course=requirement.course)
            if requirement.course
            else held.filter(programme=requirement.programme)
        )
        holders = set(held.values_list("holder_id", flat=True))
        rows.append(
            {
                "requirement": requirement,
                "meet": [o for o in officials if o.pk in holders],
                "missing": [o for o in officials if o.pk not in holders],
            }
        )
    return rows


def evaluation_summary(*, user: User, intake: Intake) -> dict[str, Any]:
    evaluations = list(visible(user, Evaluation).filter(enrolment__intake=intake))
    count = len(evaluations)
    return {
        "count": count,
        "rating": round(sum(e.rating for e in evaluations) / count, 1) if count else None,
        "outcomes": round(sum(e.outcomes_achieved for e in evaluations) / count, 1) if count else None,
        "comments": [e.comments for e in evaluations if e.comments],
    }


def regional_figures(*, user: User) -> list[dict[str, Any]]:
    """Per member and year: officials trained (a result recorded), certified (a credential), pass rate,
    and their evaluations of the courses (how many, average rating and learning outcomes achieved, of 5)."""
    if not user.is_secretariat:
        raise Http404
    members = {a.pk: a for a in Administration.objects.all()}
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    enrolments = (
        visible(user, Enrolment)
        .filter(status=EnrolmentStatus.CONFIRMED)
        .values_list("administration_id", "intake__ends_on", "outcome", "official_id")
    )
    for admin_id, ends_on, outcome, official_id in enrolments:
        if admin_id not in members:
            continue
        row = rows.setdefault(
            (admin_id, ends_on.year),
            {
                "administration": members[admin_id],
                "year": ends_on.year,
                "participants": 0,
                "passed": 0,
                "failed": 0,
                "trained": set(),
                "certified": set(),
                "ratings": [],
                "outcomes": [],
            },
        )
        row["participants"] += 1
        if outcome == Outcome.PASSED:
            row["passed"] += 1
            row["trained"].add(official_id)
        elif outcome == Outcome.FAILED:
            row["failed"] += 1
            row["trained"].add(official_id)
    credentials = visible(user, Credential).filter(revoked_at__isnull=True)
    for admin_id, issued_on, holder_id in credentials.values_list(
        "administration_id", "issued_on", "holder_id"
    ):
        key = (admin_id, issued_on.year)
        if key in rows:
            rows[key]["certified"].add(holder_id)
    evaluations = visible(user, Evaluation).values_list(
        "enrolment__administration_id", "enrolment__intake__ends_on", "rating", "outcomes_achieved"
    )
    for admin_id, ends_on, rating, outcomes in evaluations:
        key = (admin_id, ends_on.year)
        if key in rows:
            rows[key]["ratings"].append(rating)
            rows[key]["outcomes"].append(outcomes)
    result = []
    for row in sorted(rows.values(), key=lambda r: (r["year"], r["administration"].name)):
        decided = row["passed"] + row["failed"]
        ratings, outcomes = row.pop("ratings"), row.pop("outcomes")
        result.append(
            {
                **row,
                "evaluations": len(ratings),
                "rating": round(sum(ratings) / len(ratings), 1) if ratings else None,
                "outcomes_achieved": round(sum(outcomes) / len(outcomes), 1) if outcomes else None,
                "trained": len(row["trained"]),
                "certified": len(row["certified"]),
                "completion_rate": round(100 * decided / row["participants"]) if row["participants"] else 0,
                "pass_rate": round(100 * row["passed"] / decided) if decided else None,
            }
        )
    return result
