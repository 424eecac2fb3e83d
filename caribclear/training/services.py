"""Writes of the training app: each `<entity>_<verb>(*, actor, ...)`, atomic and audited."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.choices import OFFICIAL_ROLES, Role
from caribclear.accounts.models import Administration, User
from caribclear.core.audit import audit_record

from .choices import (
    ENROLMENT_STATUS,
    INTAKE_STATUS,
    CredentialKind,
    EnrolmentStatus,
    IntakeStatus,
    Outcome,
)
from .completion import CourseResult, ProgrammeRule, programme_complete
from .credentials import credential_jwt, free_status_index
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

# Share of an intake's in-person days a participant must attend to pass.
ATTENDANCE_REQUIRED = Decimal("0.8")


def _require_secretariat(actor: User) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied


def _is_tutor(actor: User, intake: Intake) -> bool:
    return intake.tutors.filter(pk=actor.pk).exists()


# --- Catalogue -------------------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor: User,
    code: str,
    title: str,
    credits: Decimal,
    hours: int,
    description: str = "",
    learning_outcomes: Sequence[str] = (),
    pass_mark: Decimal = Decimal(50),
    delivering_partner: str = "",
    prerequisites: Iterable[Course] = (),
    modules: Sequence[tuple[str, int]] = (),
) -> Course:
    _require_secretariat(actor)
    course = Course(
        code=code.strip().upper(),
        title=title.strip(),
        credits=credits,
        hours=hours,
        description=description,
        learning_outcomes="\n".join(learning_outcomes),
        pass_mark=pass_mark,
        delivering_partner=delivering_partner,
    )
    course.full_clean()
    course.save()
    course.prerequisites.set(list(prerequisites))
    for number, (module_title, module_hours) in enumerate(modules, start=1):
        Module.objects.create(course=course, number=number, title=module_title, hours=module_hours)
    audit_record(actor=actor, action="training.course.create", obj=course, summary=str(course))
    return course


@transaction.atomic
def programme_create(
    *,
    actor: User,
    code: str,
    title: str,
    level: str,
    required_credits: Decimal,
    minimum_grade: Decimal,
    core: Iterable[Course],
    electives: Iterable[Course] = (),
    description: str = "",
    delivering_partner: str = "",
) -> Programme:
    _require_secretariat(actor)
    programme = Programme(
        code=code.strip().upper(),
        title=title.strip(),
        level=level,
        required_credits=required_credits,
        minimum_grade=minimum_grade,
        description=description,
        delivering_partner=delivering_partner,
    )
    programme.full_clean()
    programme.save()
    for course in core:
        ProgrammeCourse.objects.create(programme=programme, course=course, is_core=True)
    for course in electives:
        ProgrammeCourse.objects.create(programme=programme, course=course, is_core=False)
    audit_record(actor=actor, action="training.programme.create", obj=programme, summary=str(programme))
    return programme


# --- Intakes and nominations -----------------------------------------------------------------------


@transaction.atomic
def intake_open(
    *,
    actor: User,
    course: Course,
    code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    mode: str,
    venue: str = "",
    in_person_days: int = 0,
    seats_per_member: int = 2,
    tutors: Iterable[User] = (),
) -> Intake:
    """The secretariat opens a run of a course for nominations."""
    _require_secretariat(actor)
    tutors = list(tutors)
    if any(t.is_operator or not t.is_active for t in tutors):
        raise ValidationError(
            {"tutors": _("A tutor must be an active official, secretariat staff or tutor.")}
        )
    if Intake.objects.filter(code__iexact=code.strip()).exists():
        raise ValidationError({"code": _("Another intake has this code.")})
    intake = Intake(
        course=course,
        code=code.strip().upper(),
        starts_on=starts_on,
        ends_on=ends_on,
        mode=mode,
        venue=venue,
        in_person_days=in_person_days,
        seats_per_member=seats_per_member,
        status=IntakeStatus.OPEN,
        opened_by=actor,
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The intake cannot end before it starts.")})
    intake.full_clean()
    intake.save()
    intake.tutors.set(tutors)
    audit_record(actor=actor, action="training.intake.open", obj=intake, summary=str(intake))
    return intake


@transaction.atomic
def intake_set_status(*, actor: User, intake: Intake, status: str) -> Intake:
    _require_secretariat(actor)
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if INTAKE_STATUS.move(intake, status, actor=actor):
        intake.save(update_fields=["status", "updated_at"])
    return intake


@transaction.atomic
def intake_set_tutors(*, actor: User, intake: Intake, tutors: Iterable[User]) -> Intake:
    """The secretariat names the tutors of an intake (who record its results)."""
    _require_secretariat(actor)
    tutors = list(tutors)
    if any(t.is_operator or not t.is_active for t in tutors):
        raise ValidationError(
            {"tutors": _("A tutor must be an active official, secretariat staff or tutor.")}
        )
    before = sorted(intake.tutors.values_list("email", flat=True))
    intake.tutors.set(tutors)
    after = sorted(t.email for t in tutors)
    if before != after:
        audit_record(
            actor=actor,
            action="training.intake.tutors",
            obj=intake,
            summary=intake.code,
            data={"before": before, "after": after},
        )
    return intake


@transaction.atomic
def enrolment_nominate(*, actor: User, intake: Intake, official: User) -> Enrolment:
    """A member's administrator nominates one of their own officials for an open intake."""
    if not actor.is_administrator or actor.administration_id is None:
        raise PermissionDenied
    if (
        official.administration_id != actor.administration_id
        or official.role not in OFFICIAL_ROLES
        or not official.is_active
    ):
        raise ValidationError({"official": _("Choose an active official of your administration.")})
    if intake.status != IntakeStatus.OPEN:
        raise ValidationError(_("This intake is not open for nominations."))
    if Enrolment.objects.filter(intake=intake, official=official).exists():
        raise ValidationError({"official": _("This official is already nominated for this intake.")})
    missing = [
        course
        for course in intake.course.prerequisites.all()
        if not Enrolment.objects.filter(
            official=official, intake__course=course, outcome=Outcome.PASSED
        ).exists()
    ]
    if missing:
        raise ValidationError(
            {
                "official": _("This official has not yet passed the prerequisite %(courses)s.")
                % {"courses": ", ".join(c.code for c in missing)}
            }
        )
    enrolment = Enrolment.objects.create(
        intake=intake, official=official, administration_id=actor.administration_id, nominated_by=actor
    )
    audit_record(
        actor=actor,
        action="training.enrolment.nominate",
        obj=enrolment,
        summary=f"user {official.pk} for {intake.code}",  # no e-mail addresses in the trail
    )
    return enrolment


def _set_enrolment_status(actor: User, enrolment: Enrolment, status: str) -> None:
    if ENROLMENT_STATUS.move(enrolment, status, actor=actor):
        enrolment.save(update_fields=["status", "updated_at"])


def _seats_taken(enrolment: Enrolment) -> int:
    return Enrolment.objects.filter(
        intake_id=enrolment.intake_id,
        administration_id=enrolment.administration_id,
        status=EnrolmentStatus.CONFIRMED,
    ).count()


@transaction.atomic
def enrolment_confirm(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """The secretariat confirms a nomination; past the member's seats it goes on the waiting list."""
    _require_secretariat(actor)
    # The intake's row is locked first, so two confirmations for one member cannot both take the last seat.
    Intake.objects.select_for_update().get(pk=enrolment.intake_id)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("intake", "official").get(pk=enrolment.pk)
    )
    if enrolment.intake.status not in (IntakeStatus.OPEN, IntakeStatus.RUNNING):
        raise ValidationError(_("Nominations can be confirmed only while the intake is open or running."))
    full = _seats_taken(enrolment) >= enrolment.intake.seats_per_member
    if full and enrolment.status == EnrolmentStatus.WAITLISTED:
        raise ValidationError(_("Every seat of this administration is taken; the nomination stays waiting."))
    _set_enrolment_status(actor, enrolment, EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.CONFIRMED)
    return enrolment


@transaction.atomic
def enrolment_decline(*, actor: User, enrolment: Enrolment) -> Enrolment:
    _require_secretariat(actor)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("intake", "official").get(pk=enrolment.pk)
    )
    _set_enrolment_status(actor, enrolment, EnrolmentStatus.DECLINED)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """The nominating administration (or the secretariat) withdraws a place; the first on that member's
    waiting list takes the seat it frees."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("intake", "official").get(pk=enrolment.pk)
    )
    if not (
        actor.is_secretariat
        or (actor.is_administrator and actor.administration_id == enrolment.administration_id)
    ):
        raise PermissionDenied
    if enrolment.outcome != Outcome.PENDING:
        raise ValidationError(_("A place with a result cannot be withdrawn."))
    freed = enrolment.status == EnrolmentStatus.CONFIRMED
    _set_enrolment_status(actor, enrolment, EnrolmentStatus.WITHDRAWN)
    if freed:
        waiting = (
            Enrolment.objects.select_for_update()
            .filter(
                intake_id=enrolment.intake_id,
                administration_id=enrolment.administration_id,
                status=EnrolmentStatus.WAITLISTED,
            )
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is not None:
            _set_enrolment_status(actor, waiting, EnrolmentStatus.CONFIRMED)
    return enrolment


# --- Results ---------------------------------------------------------------------------------------


def can_record_results(actor: User, intake: Intake) -> bool:
    return actor.is_secretariat or _is_tutor(actor, intake)


def _outcome(enrolment: Enrolment) -> str:
    """The grade decides when there is one; without one, the learning platform's course completion
    (its criteria met) counts as passed. Either way, too few in-person days fail."""
    intake = enrolment.intake
    if enrolment.grade is None and enrolment.platform_completed_on is None:
        return Outcome.PENDING
    if intake.in_person_days:
        if enrolment.days_attended is None:
            return Outcome.PENDING
        needed = math.ceil(ATTENDANCE_REQUIRED * intake.in_person_days)
        if enrolment.days_attended < needed:
            return Outcome.FAILED
    if enrolment.grade is None:
        return Outcome.PASSED
    return Outcome.PASSED if enrolment.grade >= intake.course.pass_mark else Outcome.FAILED


def _record_result(
    *,
    actor: User,
    enrolment: Enrolment,
    grade: Decimal | None,
    days_attended: int | None,
    source: str,
    items: dict[str, Decimal | None] | None = None,
    completion: tuple[dt.date | None] | None = None,
) -> Enrolment:
    """`completion`, when given, is the platform's completion day (or None: not completed)."""
    intake = enrolment.intake
    if enrolment.status != EnrolmentStatus.CONFIRMED:
        raise ValidationError(_("Results are recorded only for confirmed participants."))
    if intake.status not in (IntakeStatus.RUNNING, IntakeStatus.FINISHED):
        raise ValidationError(_("Results are recorded once the intake is running."))
    if days_attended is not None and days_attended > intake.in_person_days:
        raise ValidationError(
            {"days_attended": _("At most %(days)s in-person days.") % {"days": intake.in_person_days}}
        )
    previous = enrolment.outcome
    enrolment.grade = grade
    enrolment.days_attended = days_attended
    enrolment.result_source = source
    if completion is not None:
        enrolment.platform_completed_on = completion[0]
    enrolment.outcome = _outcome(enrolment)
    if previous == Outcome.PASSED and enrolment.outcome != Outcome.PASSED:
        raise ValidationError(
            _("%(name)s already holds the credential of this course: ask the secretariat to revoke it first.")
            % {"name": enrolment.official.get_full_name()}
        )
    enrolment.completed_on = (
        enrolment.platform_completed_on or enrolment.completed_on or min(timezone.localdate(), intake.ends_on)
        if enrolment.outcome == Outcome.PASSED
        else None
    )
    enrolment.full_clean()
    enrolment.save()
    for item, value in (items or {}).items():
        AssessmentGrade.objects.update_or_create(enrolment=enrolment, item=item, defaults={"grade": value})
    audit_record(
        actor=actor,
        action="training.result.record",
        obj=enrolment,
        summary=f"user {enrolment.official_id} on {intake.code}: {grade} ({enrolment.outcome})",
        data={
            "grade": str(grade) if grade is not None else None,
            "days": days_attended,
            "source": source,
            "platform_completed_on": enrolment.platform_completed_on.isoformat()
            if enrolment.platform_completed_on
            else None,
        },
    )
    if enrolment.outcome == Outcome.PASSED and previous != Outcome.PASSED:
        _award(actor=actor, enrolment=enrolment)
    return enrolment


@transaction.atomic
def result_record(
    *, actor: User, enrolment: Enrolment, grade: Decimal | None, days_attended: int | None
) -> Enrolment:
    """A tutor of the intake (or the secretariat) records a participant's attendance and final grade."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("intake__course", "official")
        .get(pk=enrolment.pk)
    )
    if not can_record_results(actor, enrolment.intake):
        raise PermissionDenied
    return _record_result(
        actor=actor, enrolment=enrolment, grade=grade, days_attended=days_attended, source="tutor"
    )


@transaction.atomic
def results_import(*, actor: User, intake: Intake, rows: Sequence[Any], source: str) -> list[Enrolment]:
    """Apply matched rows of a learning platform's export (see `moodle.py`): all of them or none. A
    gradebook row sets the grades; a completion report row sets the day the platform says the course
    was completed, and keeps the grades."""
    if not can_record_results(actor, intake):
        raise PermissionDenied
    done = []
    for row in rows:
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("intake__course", "official")
            .get(pk=row.enrolment_id)
        )
        days = row.days_attended if row.days_attended is not None else enrolment.days_attended
        extra: dict[str, Any] = {}
        if getattr(row, "is_completion", False):
            extra["completion"] = (row.completed_on,)
        done.append(
            _record_result(
                actor=actor,
                enrolment=enrolment,
                grade=row.grade if getattr(row, "has_grade", True) else enrolment.grade,
                days_attended=days,
                source=source,
                items=row.items,
                **extra,
            )
        )
    return done


# --- Credentials -----------------------------------------------------------------------------------


def _issue(
    *,
    actor: User,
    holder: User,
    kind: str,
    title: str,
    course: Course | None = None,
    programme: Programme | None = None,
    enrolment: Enrolment | None = None,
    issued_on: dt.date,
) -> Credential:
    assert holder.administration_id is not None
    credential = Credential.objects.create(
        holder=holder,
        administration_id=holder.administration_id,
        kind=kind,
        course=course,
        programme=programme,
        enrolment=enrolment,
        title=title,
        holder_name=holder.get_full_name() or holder.email,
        issued_on=issued_on,
        status_index=free_status_index(),
    )
    credential.signed_jwt = credential_jwt(credential)
    credential.save(update_fields=["signed_jwt"])
    audit_record(
        actor=actor,
        action="training.credential.issue",
        obj=credential,
        summary=f"{title} to user {holder.pk}",
        data={"kind": kind, "status_index": credential.status_index},
    )
    return credential


def _passed_results(official: User) -> list[CourseResult]:
    return [
        CourseResult(course=code, grade=grade, passed=True)
        for code, grade in Enrolment.objects.filter(official=official, outcome=Outcome.PASSED).values_list(
            "intake__course__code", "grade"
        )
        if grade is not None
    ]


def programme_rule(programme: Programme) -> ProgrammeRule:
    links = list(programme.programme_courses.select_related("course"))
    return ProgrammeRule(
        required_credits=programme.required_credits,
        minimum_grade=programme.minimum_grade,
        credits={link.course.code: link.course.credits for link in links},
        core=frozenset(link.course.code for link in links if link.is_core),
    )


def _award(*, actor: User, enrolment: Enrolment) -> None:
    """A passed course earns its credential, and any programme it now completes earns one too."""
    official = enrolment.official
    course = enrolment.intake.course
    issued_on = enrolment.completed_on or timezone.localdate()
    if not Credential.objects.filter(holder=official, course=course, revoked_at__isnull=True).exists():
        _issue(
            actor=actor,
            holder=official,
            kind=CredentialKind.COURSE,
            title=course.title,
            course=course,
            enrolment=enrolment,
            issued_on=issued_on,
        )
    results = _passed_results(official)
    for programme in Programme.objects.filter(programme_courses__course=course).distinct():
        if Credential.objects.filter(holder=official, programme=programme, revoked_at__isnull=True).exists():
            continue
        if programme_complete(programme_rule(programme), results):
            _issue(
                actor=actor,
                holder=official,
                kind=CredentialKind.PROGRAMME,
                title=programme.title,
                programme=programme,
                issued_on=issued_on,
            )


@transaction.atomic
def credential_revoke(*, actor: User, credential: Credential, reason: str) -> Credential:
    """The secretariat revokes a credential: its bit in the status list turns on, its page says revoked."""
    _require_secretariat(actor)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise ValidationError(_("This credential is already revoked."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the credential is revoked.")})
    credential.revoked_at = timezone.now()
    credential.revocation_reason = reason.strip()
    credential.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="training.credential.revoke",
        obj=credential,
        summary=f"{credential.title} of user {credential.holder_id}: {reason.strip()}"[:500],
    )
    return credential


# --- Evaluations and requirements ------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *, actor: User, enrolment: Enrolment, outcomes_achieved: int, rating: int, comments: str = ""
) -> Evaluation:
    """A participant evaluates the course they took, once."""
    enrolment = Enrolment.objects.select_related("intake").get(pk=enrolment.pk)
    if enrolment.official_id != actor.pk or enrolment.status != EnrolmentStatus.CONFIRMED:
        raise PermissionDenied
    if enrolment.intake.status not in (IntakeStatus.RUNNING, IntakeStatus.FINISHED):
        raise ValidationError(_("The course can be evaluated once it is running."))
    if Evaluation.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("You have already evaluated this course."))
    evaluation = Evaluation(
        enrolment=enrolment, outcomes_achieved=outcomes_achieved, rating=rating, comments=comments.strip()
    )
    evaluation.full_clean()
    evaluation.save()
    audit_record(
        actor=actor, action="training.evaluation.submit", obj=evaluation, summary=enrolment.intake.code
    )
    return evaluation


@transaction.atomic
def requirement_create(
    *, actor: User, role: str, course: Course | None = None, programme: Programme | None = None
) -> CredentialRequirement:
    """An administrator states that officials in a role of their administration need a credential."""
    if not actor.is_administrator or actor.administration_id is None:
        raise PermissionDenied
    if (course is None) == (programme is None):
        raise ValidationError(_("Choose either a course or a programme."))
    administration = Administration.objects.get(pk=actor.administration_id)
    requirement = CredentialRequirement(
        administration=administration, role=role, course=course, programme=programme
    )
    requirement.full_clean()
    requirement.save()
    audit_record(actor=actor, action="training.requirement.create", obj=requirement, summary=role)
    return requirement


# --- Accounts the secretariat needs ---------------------------------------------------------------


@transaction.atomic
def secretariat_staff_create(*, email: str, first_name: str, last_name: str, language: str = "en") -> User:
    """Staff of the regional secretariat (from the command line: the secretariat manages no members)."""
    secretariat = Administration.organisations.get(kind="secretariat")
    return _account(
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        role=Role.SECRETARIAT,
        administration=secretariat,
    )


@transaction.atomic
def tutor_account_create(
    *, actor: User | None, email: str, first_name: str, last_name: str, language: str = "en"
) -> User:
    """An external tutor (for example of the partner university), who signs in like an official."""
    if actor is not None:
        _require_secretariat(actor)
    return _account(
        actor=actor,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        role=Role.TUTOR,
        administration=None,
    )


def _account(
    *,
    actor: User | None = None,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    role: str,
    administration: Administration | None,
) -> User:
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        administration=administration,
        language=language,
        email_confirmed_at=timezone.now(),
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password", "username"])
    user.save()
    audit_record(actor=actor, action="training.account.create", obj=user, summary=f"user {user.pk} as {role}")
    return user
