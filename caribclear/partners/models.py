"""What partner sharing keeps beside intel's records (intel's own tables are not changed)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Received, TaxiiAuth


class CenMark(models.Model):
    """The owner's decision that a seizure's non-personal part goes to the WCO's Customs Enforcement
    Network (as nCEN does: the full record stays national, only the non-personal part leaves)."""

    seizure = models.OneToOneField("intel.Seizure", on_delete=models.CASCADE, related_name="cen_mark")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked for CEN"), default=timezone.now)

    class Meta:
        verbose_name = _("CEN mark")
        verbose_name_plural = _("CEN marks")

    def __str__(self) -> str:
        return f"CEN: {self.seizure_id}"


class PartnerAgreement(models.Model):
    """The terms under which a partner agency (an organisation of kind "partner") receives intelligence:
    the legal basis (treaty article, memorandum of understanding), its dates, and the categories of record
    it may receive. Kept by the secretariat. Without an agreement in force the agency receives nothing."""

    organisation = models.OneToOneField(
        "accounts.Administration",
        verbose_name=_("partner agency"),
        on_delete=models.CASCADE,
        related_name="partner_agreement",
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_(
            "The treaty article, memorandum of understanding or law under which the agency receives."
        ),
    )
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    categories = models.JSONField(_("categories it may receive"), default=list)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("partner agreement")
        verbose_name_plural = _("partner agreements")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.legal_basis}"

    def in_force_on(self, day: Any) -> bool:
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)

    def commodities(self) -> list[str]:
        return [c.split(":", 1)[1] for c in self.categories if c.startswith("seizure:")]

    def alert_subjects(self) -> list[str]:
        return [c.split(":", 1)[1] for c in self.categories if c.startswith("alert:")]


class ReceivedObject(models.Model):
    """A STIX object taken in from outside (a partner's bundle) and the intel alert it became, with its
    source and TLP, so analysts see where it came from."""

    administration = models.ForeignKey(
        "accounts.Administration", verbose_name=_("received by"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stix_id = models.CharField(_("STIX id"), max_length=100)
    stix_modified = models.DateTimeField(_("version"))
    tlp = models.CharField(_("TLP label"), max_length=12)
    alert = models.OneToOneField("intel.Alert", on_delete=models.CASCADE, related_name="received_as")
    received_via = models.CharField(_("received through"), max_length=10, choices=Received.choices)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("received STIX object")
        verbose_name_plural = _("received STIX objects")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "stix_id"], name="received_once_per_administration"
            )
        ]

    def __str__(self) -> str:
        return self.stix_id


class StixCache(models.Model):
    """A record's STIX objects as served, kept so a pull concatenates stored JSON instead of building
    them again: one row per (record, whether the personal parts are shown, language of the labels), valid
    while the record's `updated_at` is the one stored (every change of content or handling moves it, so a
    changed record is built again on its next read). Who may see the record at all is never cached: each
    pull asks intel's visibility rule first, so a withdrawn release is gone from the next pull."""

    record_type = models.CharField(max_length=10)
    record_id = models.BigIntegerField()
    personal = models.BooleanField()
    language = models.CharField(max_length=10)
    record_updated_at = models.DateTimeField()
    # The objects as compact JSON, one a line, and their ids in the same order, one a line.
    stix_json = models.TextField()
    ids = models.TextField()
    markings = models.JSONField(default=list)  # the TLP definitions the objects refer to
    fields = models.JSONField(default=list)  # what the access log names as shown
    personal_shown = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("STIX cache entry")
        verbose_name_plural = _("STIX cache")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "personal", "language"], name="stix_cache_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}"


class StixIdIndex(models.Model):
    """Which record a served STIX id comes from, for TAXII's one-object endpoint (one lookup instead of
    going through every record). Ids shared by many records (an owner's identity, a port's location) name
    the owner's code or the port's UN/LOCODE instead of a record. Filled whenever a record's objects are
    built; `record_updated_at` is the version of the record the row was made from."""

    stix_id = models.CharField(max_length=100, unique=True)
    record_type = models.CharField(max_length=10)
    record_id = models.BigIntegerField(null=True)
    owner = models.CharField(max_length=10, blank=True)
    port = models.CharField(max_length=10, blank=True)
    main = models.BooleanField(default=False)  # the record's incident or indicator
    record_updated_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("served STIX id")
        verbose_name_plural = _("served STIX ids")
        indexes = [models.Index(fields=["record_type", "record_id"], name="stix_id_record")]

    def __str__(self) -> str:
        return self.stix_id


class TaxiiSubscription(models.Model):
    """An administration's subscription to a collection of a partner's TAXII 2.1 server: polled in the
    background, each poll asking for what was added since the last one (`added_after`), and taking the
    indicators in as an uploaded bundle is (`services.bundle_take_in`). The credentials are kept encrypted
    (`secrets.seal`); they are never shown again."""

    administration = models.ForeignKey(
        "accounts.Administration", verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("partner agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_root = models.URLField(_("API root address"), max_length=500)
    collection_id = models.CharField(_("collection id"), max_length=100)
    auth = models.CharField(_("signing in"), max_length=10, choices=TaxiiAuth.choices)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    sealed_secret = models.BinaryField(editable=False)
    unmarked_tlp = models.CharField(_("TLP label for unmarked objects"), max_length=12)
    source_reliability = models.CharField(_("source evaluation"), max_length=1)
    interval_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    added_after = models.DateTimeField(_("added after"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_count = models.PositiveIntegerField(_("alerts made at the last poll"), default=0)
    last_error = models.TextField(_("error at the last poll"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["source__name", "pk"]
        verbose_name = _("TAXII subscription")
        verbose_name_plural = _("TAXII subscriptions")

    def __str__(self) -> str:
        return f"{self.source_id}: {self.collection_id}"
