"""Watchlists, their imported versions and entries, regional lookouts, and the hits of screening.

Who may screen against a list is data: a list (or a lookout) carries its owner administration (none for a
regional or global list such as OFAC or the UN list), a sharing mode and the members it is released to.
One function decides it: :func:`caribclear.screening.selectors.watchlists_usable_by`.

Intelligence alerts (``caribclear.intel``) are screened as one more source: each administration has an
"Intelligence alerts" list of its own (format ``intel``, never shared) under which their hits are recorded;
which alerts it holds is decided by the intel app's sharing rules, read through
:func:`caribclear.screening.selectors.intel_lookouts` (the intel app registers itself as the source,
see :mod:`caribclear.screening.alerts`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from caribclear.core.models import TimeStampedModel

from .choices import (
    ENTERED_FORMATS,
    Disposition,
    Gender,
    LookoutKind,
    ScreeningReason,
    Sharing,
    SourceFormat,
    SubjectKind,
)


class Watchlist(TimeStampedModel):
    """A named list screened against: an imported file (OFAC, UN...) or an administration's lookouts."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    source_format = models.CharField(_("format"), max_length=10, choices=SourceFormat.choices)
    owner = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("owner administration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watchlists",
        help_text=_("Empty for a regional or global list."),
    )
    sharing = models.CharField(_("who may screen against it"), max_length=10, choices=Sharing.choices)
    shared_with = models.ManyToManyField(
        "accounts.Administration",
        verbose_name=_("shared with"),
        blank=True,
        related_name="watchlists_shared_with",
    )
    threshold = models.DecimalField(
        _("alert threshold"),
        max_digits=3,
        decimal_places=2,
        default=0.80,
        validators=[MinValueValidator(0.5), MaxValueValidator(1)],
        help_text=_("Matches scoring at least this (between 0.50 and 1.00) become hits."),
    )
    is_active = models.BooleanField(_("screened"), default=True)
    current_version = models.ForeignKey(
        "WatchlistVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(source_format=SourceFormat.LOOKOUTS),
                name="one_lookout_list_per_administration",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(source_format=SourceFormat.INTEL),
                name="one_intel_alert_list_per_administration",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lookouts(self) -> bool:
        """Entered in CaribClear (lookouts, intelligence alerts), not imported: each item says who uses it."""
        return self.source_format in ENTERED_FORMATS

    @property
    def is_intel(self) -> bool:
        return self.source_format == SourceFormat.INTEL


class WatchlistVersion(models.Model):
    """One import of a list file: what it held and what changed from the version before."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file_name = models.CharField(_("file"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64)
    published = models.CharField(_("published"), max_length=40, blank=True)
    entity_count = models.PositiveIntegerField(_("entries"), default=0)
    skipped_count = models.PositiveIntegerField(_("records not screened"), default=0)
    added_count = models.PositiveIntegerField(_("added"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    removed_count = models.PositiveIntegerField(_("removed"), default=0)
    # {"added": [[entity id, name], ...], "changed": [...], "removed": [...]}
    diff = models.JSONField(_("changes"), default=dict, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["watchlist", "-number"]
        verbose_name = _("watchlist version")
        verbose_name_plural = _("watchlist versions")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "number"], name="unique_watchlist_version")
        ]

    def __str__(self) -> str:
        return f"{self.watchlist} v{self.number}"

    @property
    def has_changes(self) -> bool:
        return bool(self.added_count or self.changed_count or self.removed_count)


class WatchlistEntry(models.Model):
    """One entity of a list as the engine sees it, with the id the source gives it."""

    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="entries")
    entity_id = models.CharField(_("id in the source"), max_length=100)
    schema = models.CharField(_("kind"), max_length=20)
    caption = models.CharField(_("name"), max_length=300)
    search_name = models.TextField(_("normalised names"), db_index=False)
    data = models.JSONField(_("entity"))
    content_hash = models.CharField(max_length=64)
    added_in = models.ForeignKey(
        WatchlistVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("added in")
    )
    changed_in = models.ForeignKey(
        WatchlistVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("last changed in")
    )

    class Meta:
        ordering = ["watchlist", "caption"]
        verbose_name = _("watchlist entry")
        verbose_name_plural = _("watchlist entries")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "entity_id"], name="unique_entity_per_watchlist")
        ]

    def __str__(self) -> str:
        return f"{self.caption} ({self.entity_id})"


class Lookout(TimeStampedModel):
    """A person, vessel or organisation an administration asks its officers (and others) to look out for."""

    reference = models.CharField(_("reference"), max_length=9, unique=True)
    watchlist = models.ForeignKey(
        Watchlist, verbose_name=_("list"), on_delete=models.PROTECT, related_name="lookouts"
    )
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("owner administration"),
        on_delete=models.PROTECT,
        related_name="lookouts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LookoutKind.choices)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.TextField(_("other names"), blank=True, help_text=_("One per line."))
    birth_date = models.CharField(
        _("date of birth"),
        max_length=10,
        blank=True,
        help_text=_("YYYY-MM-DD, or YYYY-MM or YYYY when only part of it is known."),
    )
    nationalities = CountryField(_("nationalities"), multiple=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    document_numbers = models.TextField(
        _("passport or identity numbers"), blank=True, help_text=_("One per line.")
    )
    flag = CountryField(_("flag"), blank=True)
    imo_number = models.CharField(_("IMO number"), max_length=7, blank=True)
    mmsi = models.CharField(_("MMSI"), max_length=9, blank=True)
    call_sign = models.CharField(_("call sign"), max_length=12, blank=True)
    reason = models.TextField(_("reason"), help_text=_("Shown to the officer when the lookout matches."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sharing = models.CharField(_("shared with"), max_length=10, choices=Sharing.choices, default=Sharing.ALL)
    shared_with = models.ManyToManyField(
        "accounts.Administration",
        verbose_name=_("named administrations"),
        blank=True,
        related_name="lookouts_shared_with",
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("Where the lookout came from (e.g. an intel alert)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lookout")
        verbose_name_plural = _("lookouts")
        indexes = [models.Index(fields=["administration", "valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def entity_id(self) -> str:
        return f"lookout-{self.reference}"

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.document_numbers.splitlines() if line.strip()]


class ScreeningRun(models.Model):
    """One screening of a declaration's people, vessels and companies against every list its
    administration uses."""

    declaration = models.ForeignKey(
        "core.Declaration", on_delete=models.CASCADE, related_name="screening_runs"
    )
    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=ScreeningReason.choices)
    declaration_version = models.PositiveIntegerField(_("declaration version"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    subject_count = models.PositiveIntegerField(_("people and vessels screened"), default=0)
    hit_count = models.PositiveIntegerField(_("hits"), default=0)
    # [[watchlist id, version or lookout revision key], ...]: exactly which lists were used.
    lists = models.JSONField(_("lists used"), default=list)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        indexes = [
            # A declaration's latest run; an administration's runs in a period (hit-rate dashboard).
            models.Index(fields=["declaration", "-started_at"], name="screening_run_decl_started"),
            models.Index(fields=["administration", "started_at"], name="screening_run_admin_started"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id} {self.started_at:%Y-%m-%d %H:%M}"


class Hit(models.Model):
    """A person, vessel or company of a declaration that matched a watchlist entry or a lookout."""

    declaration = models.ForeignKey(
        "core.Declaration", on_delete=models.CASCADE, related_name="screening_hits"
    )
    watchlist = models.ForeignKey(
        Watchlist, verbose_name=_("list"), on_delete=models.PROTECT, related_name="hits"
    )
    entry = models.ForeignKey(
        WatchlistEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="hits"
    )
    lookout = models.ForeignKey(
        Lookout, null=True, blank=True, on_delete=models.SET_NULL, related_name="hits"
    )
    alert_reference = models.CharField(
        _("intelligence alert"),
        max_length=9,
        blank=True,
        db_index=True,
        help_text=_("The reference of the intelligence alert that matched, when it was one."),
    )
    entity_id = models.CharField(_("listed id"), max_length=100)
    entity_caption = models.CharField(_("listed name"), max_length=300)
    subject_kind = models.CharField(_("who or what matched"), max_length=10, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=40)
    subject_label = models.CharField(_("matched"), max_length=300)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4)
    explanation = models.TextField(_("explanation"))
    evidence = models.JSONField(_("evidence"), default=list)
    is_current = models.BooleanField(
        _("still matches"), default=True, help_text=_("False once a later screening no longer finds it.")
    )
    first_seen_at = models.DateTimeField(_("first found"), auto_now_add=True)
    last_run = models.ForeignKey(ScreeningRun, on_delete=models.SET_NULL, null=True, related_name="hits")
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, default=Disposition.PENDING
    )
    disposition_note = models.TextField(_("note"), blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("watchlist hit")
        verbose_name_plural = _("watchlist hits")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "watchlist", "entity_id", "subject_key"], name="one_hit_per_pair"
            )
        ]
        indexes = [models.Index(fields=["watchlist", "first_seen_at"])]

    def __str__(self) -> str:
        return f"{self.subject_label} ~ {self.entity_caption} ({self.score})"

    @property
    def is_lookout(self) -> bool:
        """The hit is on a regional lookout or an intelligence alert (someone asked to watch for it)."""
        return self.lookout_id is not None or bool(self.alert_reference)
