"""Risk criteria (with every version kept), random selection, and each declaration's lane and reasons."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel

from .choices import Disposition, Lane, worst_lane


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


class ExpectedRate(TimeStampedModel):
    """The share of an administration's declarations of one kind expected to end in a lane (ASYCUDA's
    expected rate): set by a supervisor, compared on the dashboard with the share that really did, so a
    criterion that fires far too often or a lane nobody reaches is seen. Random selection (the minimum
    share sent on at random) is :class:`RandomSelection`."""

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("declarations"), max_length=64)
    lane = models.CharField(_("lane"), max_length=10, choices=Lane.choices)
    rate = models.DecimalField(
        _("expected share (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["administration", "kind", "lane"]
        verbose_name = _("expected rate")
        verbose_name_plural = _("expected rates")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "kind", "lane"], name="one_expected_rate_per_kind_and_lane"
            )
        ]

    def __str__(self) -> str:
        return f"{self.administration_id} {self.kind} {self.lane} {self.rate}%"


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
    # What the watchlist hits (at or above their list's threshold) require, by the administration's
    # hit rule of each list (HitRule): the least lane they allow ("" for none) and how many still wait
    # for an official's review. Kept up to date by screening, by each review and by a change of rule.
    hits_lane = models.CharField(
        _("lane from watchlist hits"), max_length=10, choices=Lane.choices, blank=True
    )
    open_hits = models.PositiveIntegerField(_("hits not yet reviewed"), default=0)

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["administration", "created_at"])]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.final_lane}"

    @property
    def final_lane(self) -> str:
        """The officer's lane or the criteria's, never below what the watchlist hits require."""
        chosen = self.override_lane or self.lane
        return worst_lane([chosen, self.hits_lane]) if self.hits_lane else chosen


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


class HitRule(TimeStampedModel):
    """An administration's rule for the hits of one watchlist: the lane a hit not yet reviewed puts a
    declaration in (at least), and the lane a confirmed (true) match puts it in. Without a row the defaults
    of :func:`caribclear.risk.hits.default_rule` apply (red for sanctions lists, yellow for lookouts)."""

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    watchlist = models.ForeignKey(
        "screening.Watchlist", verbose_name=_("list"), on_delete=models.CASCADE, related_name="+"
    )
    unreviewed_lane = models.CharField(
        _("lane while a hit is not reviewed"), max_length=10, choices=Lane.choices
    )
    true_match_lane = models.CharField(_("lane of a true match"), max_length=10, choices=Lane.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["administration", "watchlist"]
        verbose_name = _("hit rule")
        verbose_name_plural = _("hit rules")
        constraints = [
            models.UniqueConstraint(fields=["administration", "watchlist"], name="one_hit_rule_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.administration_id} {self.watchlist_id}: {self.unreviewed_lane}/{self.true_match_lane}"


class Referral(models.Model):
    """A declaration referred to a supervisor because an official confirmed a watchlist hit as a true
    match. While it is open no agency may clear the declaration; a supervisor closes it with a note."""

    declaration = models.ForeignKey(
        "core.Declaration", on_delete=models.CASCADE, related_name="risk_referrals"
    )
    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    hit = models.ForeignKey(
        "screening.Hit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("why"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(_("referred"), auto_now_add=True)
    resolution = models.TextField(_("supervisor's decision"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("referral to a supervisor")
        verbose_name_plural = _("referrals to a supervisor")
        indexes = [models.Index(fields=["administration", "resolved_at"], name="risk_referral_admin_open")]

    def __str__(self) -> str:
        return f"{self.declaration_id} referred {self.referred_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
