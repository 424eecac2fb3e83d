"""CCMP training records: programmes, courses, intakes, enrolments and results, credentials."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.choices import OFFICIAL_ROLES
from caribclear.accounts.models import Administration
from caribclear.core.models import TimeStampedModel

from .choices import CredentialKind, EnrolmentStatus, IntakeStatus, Level, Mode, Outcome

GRADE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Course(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    credits = models.DecimalField(_("credits"), max_digits=5, decimal_places=1, default=Decimal(3))
    hours = models.PositiveIntegerField(_("hours of study"), default=45)
    learning_outcomes = models.TextField(_("learning outcomes"), blank=True, help_text=_("One per line."))
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=Decimal(50), validators=GRADE_VALIDATORS
    )
    delivering_partner = models.CharField(_("delivering partner"), max_length=200, blank=True)
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True, related_name="required_for"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    hours = models.PositiveIntegerField(_("hours"), default=0)

    class Meta:
        ordering = ["course", "number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="module_number_per_course")]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Programme(TimeStampedModel):
    """A programme and the rule that completes it: enough credits from its courses, every core course
    passed, each at the programme's minimum grade or better."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.CERTIFICATE)
    description = models.TextField(_("description"), blank=True)
    delivering_partner = models.CharField(_("delivering partner"), max_length=200, blank=True)
    required_credits = models.DecimalField(
        _("credits required"), max_digits=5, decimal_places=1, default=Decimal(0)
    )
    minimum_grade = models.DecimalField(
        _("minimum grade in each course (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=GRADE_VALIDATORS,
    )
    courses: models.ManyToManyField[Course, ProgrammeCourse] = models.ManyToManyField(
        Course, through="ProgrammeCourse", related_name="programmes"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProgrammeCourse(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="programme_courses")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    is_core = models.BooleanField(_("core course"), default=True)

    class Meta:
        ordering = ["-is_core", "course__code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "course"], name="course_once_per_programme")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.course_id}"


class Intake(TimeStampedModel):
    """One run of a course: dates, mode, venue, tutors and seats per member."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="intakes"
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    in_person_days = models.PositiveSmallIntegerField(_("in-person days"), default=0)
    seats_per_member = models.PositiveSmallIntegerField(_("seats per member"), default=2)
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("tutors"), blank=True, related_name="tutored_intakes"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.CheckConstraint(
                name="intake_ends_after_start", condition=Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.course.title}"


class Enrolment(TimeStampedModel):
    """An official's place on an intake, from nomination to result."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="enrolments")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.NOMINATED
    )
    days_attended = models.PositiveSmallIntegerField(_("days attended"), null=True, blank=True)
    grade = models.DecimalField(
        _("final grade (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=GRADE_VALIDATORS,
    )
    outcome = models.CharField(_("result"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    platform_completed_on = models.DateField(
        _("completed in the learning platform on"),
        null=True,
        blank=True,
        help_text=_("From the learning platform's course completion report."),
    )
    result_source = models.CharField(_("entered from"), max_length=40, blank=True)

    class Meta:
        ordering = ["intake", "official__last_name", "official__first_name"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["intake", "official"], name="official_once_per_intake")
        ]

    def __str__(self) -> str:
        return f"{self.official} — {self.intake.code}"


class AssessmentGrade(models.Model):
    """One grade item (an assignment, a quiz) of an enrolment, as the learning platform reports it."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments")
    item = models.CharField(_("assessment"), max_length=200)
    grade = models.DecimalField(_("grade"), max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["enrolment", "item"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "item"], name="grade_item_once")]

    def __str__(self) -> str:
        return f"{self.item}: {self.grade}"


class Evaluation(TimeStampedModel):
    """A participant's evaluation of the course they took (one per enrolment)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="evaluation")
    outcomes_achieved = models.PositiveSmallIntegerField(
        _("learning outcomes achieved"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), blank=True)

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.rating}"


class Credential(TimeStampedModel):
    """A certificate of a completed course or programme, printed (PDF) and signed (Open Badges 3.0)."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=CredentialKind.choices)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("credential"), max_length=250)
    holder_name = models.CharField(_("holder"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    token = models.CharField(max_length=64, unique=True, default=new_token)
    status_index = models.PositiveIntegerField(unique=True)
    signed_jwt = models.TextField(blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.CheckConstraint(
                name="credential_is_for_a_course_or_programme",
                condition=Q(kind=CredentialKind.COURSE, course__isnull=False, programme__isnull=True)
                | Q(kind=CredentialKind.PROGRAMME, programme__isnull=False, course__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["holder", "course"],
                condition=Q(revoked_at__isnull=True, course__isnull=False),
                name="one_valid_course_credential",
            ),
            models.UniqueConstraint(
                fields=["holder", "programme"],
                condition=Q(revoked_at__isnull=True, programme__isnull=False),
                name="one_valid_programme_credential",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.holder_name}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CredentialRequirement(TimeStampedModel):
    """An administration's rule: officials in a role must hold a credential (a course or a programme)."""

    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=[(r.value, r.label) for r in OFFICIAL_ROLES])
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["administration", "role"]
        verbose_name = _("credential requirement")
        verbose_name_plural = _("credential requirements")
        constraints = [
            models.CheckConstraint(
                name="requirement_names_one_credential",
                condition=Q(course__isnull=False, programme__isnull=True)
                | Q(course__isnull=True, programme__isnull=False),
            )
        ]
