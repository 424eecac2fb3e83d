"""Risk criteria (with every version kept), random selection, and each declaration's lane and reasons."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel

from .choices import Disposition, Lane


class Criterion(TimeStampedModel):
    """A selectivity criterion of one administration. What it says lives in its versions."""

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        _("applies to"),
        max_length=64,
        help_text=_("The kind of declaration whose facts the conditions test."),
    )
    current_version = models.ForeignKey(
        "CriterionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["administration", "kind"], name="risk_criterion_admin_kind")]
        verbose_name = _("risk criterion")
        verbose_name_plural = _("risk criteria")

    def __str__(self) -> str:
        return self.current_version.name if self.current_version else str(self.pk)


class CriterionVersion(models.Model):
    """What a criterion said from one edit to the next. Versions are never changed or deleted."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    documentation = models.TextField(
        _("what the officer should do"),
        help_text=_("Shown to the officer when the criterion fires: why it matters and what to check."),
    )
    conditions = models.JSONField(_("conditions"), default=list)
    lane = models.CharField(_("lane"), max_length=10, choices=Lane.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["criterion", "-number"]
        verbose_name = _("criterion version")
        verbose_name_plural = _("criterion versions")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "number"], name="unique_criterion_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def in_force(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.is_active
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class RandomSelection(TimeStampedModel):
    """A guaranteed share of one lane's notifications sent to a stricter lane, drawn from a seeded sequence.

    Notifications that end in ``from_lane`` are numbered in order; in every block of ``BLOCK`` numbers exactly
    ``rate`` per cent are selected, at positions drawn from ``seed`` and the block number. The rate holds
    exactly over every full block, the positions cannot be guessed without the seed, and any draw can be
    reproduced from the seed and the sequence number stored on the assessment.
    """

    BLOCK = 1000

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_lane = models.CharField(_("notifications in lane"), max_length=10, choices=Lane.choices)
    to_lane = models.CharField(_("are sent to lane"), max_length=10, choices=Lane.choices)
    rate = models.DecimalField(
        _("share (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    seed = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(_("notifications numbered so far"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["administration", "from_lane"]
        verbose_name = _("random selection")
        verbose_name_plural = _("random selections")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "from_lane"], name="one_random_selection_per_lane"
            )
        ]

    def __str__(self) -> str:
        return f"{self.administration_id} {self.from_lane}->{self.to_lane} {self.rate}%"


class Assessment(TimeStampedModel):
    """A declaration's lane: from the criteria that fired, random selection and an officer's override."""

    declaration = models.OneToOneField(
        "core.Declaration", on_delete=models.CASCADE, related_name="risk_assessment"
    )
    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    criteria_lane = models.CharField(_("lane from the criteria"), max_length=10, choices=Lane.choices)
    score = models.PositiveIntegerField(_("total weight"), default=0)
    random_selection = models.ForeignKey(
        RandomSelection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    random_from_lane = models.CharField(max_length=10, choices=Lane.choices, blank=True)
    random_sequence = models.PositiveIntegerField(null=True, blank=True)
    random_selected = models.BooleanField(_("selected at random"), default=False)
    lane = models.CharField(_("lane"), max_length=10, choices=Lane.choices)
    override_lane = models.CharField(
        _("lane set by an officer"), max_length=10, choices=Lane.choices, blank=True
    )
    override_reason = models.TextField(_("reason"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)
    declaration_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["administration", "created_at"])]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.final_lane}"

    @property
    def final_lane(self) -> str:
        return self.override_lane or self.lane


class Firing(models.Model):
    """A criterion that fired on a declaration, with the reason in words and the officer's verdict."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="firings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="firings")
    version = models.ForeignKey(CriterionVersion, on_delete=models.PROTECT, related_name="firings")
    lane = models.CharField(_("lane"), max_length=10, choices=Lane.choices)
    weight = models.PositiveSmallIntegerField(_("weight"))
    detail = models.TextField(_("why"))
    is_current = models.BooleanField(default=True)
    first_fired_at = models.DateTimeField(_("first fired"), auto_now_add=True)
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, default=Disposition.PENDING
    )
    disposition_note = models.TextField(_("note"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-weight", "pk"]
        verbose_name = _("criterion fired")
        verbose_name_plural = _("criteria fired")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="one_firing_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id} on {self.assessment_id}"


class LaneOverride(models.Model):
    """Every change of lane by an officer, with the reason (the assessment keeps the latest)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="overrides")
    from_lane = models.CharField(max_length=10, choices=Lane.choices)
    to_lane = models.CharField(max_length=10, choices=Lane.choices)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("lane override")
        verbose_name_plural = _("lane overrides")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.from_lane}->{self.to_lane}"
