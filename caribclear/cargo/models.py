"""Advance cargo manifests (ACIS): filers, filings with every version, consignments (master and house),
their parties, goods items and containers, the itinerary, referrals and examination results.

A manifest is filed once for a whole voyage or flight; each consignment is registered with its own MRN and
is one :class:`~caribclear.core.models.Declaration` of the administration of its port of discharge, so
screening and risk see it as they see a yacht notification (``cargo/declaration.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel

from .choices import (
    ExaminationResult,
    FilerKind,
    Level,
    ManifestStatus,
    Mode,
    PartyRole,
    ReferralKind,
    ReferralStatus,
    Status,
)


class Filer(TimeStampedModel):
    """An organisation's cargo profile: a carrier, shipping agent or freight forwarder that files manifests.
    Who it is (name, identifiers, administrations it files to) and its users belong to the
    `accounts.Organisation` it is the profile of; what is cargo's own is here (its kind, its webhook)."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cargo_filer",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FilerKind.choices, default=FilerKind.CARRIER)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("filer")
        verbose_name_plural = _("filers")

    def __str__(self) -> str:
        return self.name

    # The organisation's identity, read where a filer was read before (pages, answers, exports).
    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def trader_id(self) -> str:
        return self.organisation.trader_id

    @property
    def carrier_code(self) -> str:
        return self.organisation.carrier_code

    @property
    def country(self) -> str:
        return self.organisation.country


class FilingDeadline(models.Model):
    """How many hours before loading an administration wants a mode's manifest (negative: after)."""

    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    hours_before_loading = models.IntegerField(_("hours before loading"))

    class Meta:
        ordering = ["administration", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "mode"], name="cargo_one_deadline_per_mode")
        ]
        verbose_name = _("filing deadline")
        verbose_name_plural = _("filing deadlines")

    def __str__(self) -> str:
        return f"{self.administration_id} {self.mode} {self.hours_before_loading}h"


class Manifest(TimeStampedModel):
    """One filing of a voyage or flight, by a filer; ``lrn`` is the filer's reference, ``mrn`` ours."""

    filer = models.ForeignKey(Filer, on_delete=models.PROTECT, related_name="manifests")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    lrn = models.CharField(_("filer's reference (LRN)"), max_length=70)
    mrn = models.CharField(_("movement reference (MRN)"), max_length=18, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ManifestStatus.choices, default=ManifestStatus.FILED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    format = models.CharField(_("format"), max_length=10)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    vessel_name = models.CharField(_("vessel or aircraft"), max_length=120, blank=True)
    imo = models.CharField(_("IMO number"), max_length=10, blank=True)
    call_sign = models.CharField(_("call sign"), max_length=20, blank=True)
    flag = models.CharField(_("flag"), max_length=2, blank=True)
    carrier_code = models.CharField(_("carrier code"), max_length=10, blank=True)
    carrier_name = models.CharField(_("carrier"), max_length=200, blank=True)
    voyage = models.CharField(_("voyage or flight number"), max_length=40, blank=True)
    conveyance_date = models.DateTimeField(_("date of the voyage or flight"), null=True, blank=True)
    loading_at = models.DateTimeField(
        _("loading (departure from the port of loading)"), null=True, blank=True
    )
    filed_at = models.DateTimeField(_("filed"))
    invalidated_at = models.DateTimeField(_("invalidated"), null=True, blank=True)
    invalidation_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        # An LRN is unique per filer among filings in force; an invalidated filing's LRN may be filed again.
        constraints = [
            models.UniqueConstraint(
                fields=["filer", "lrn"],
                condition=~models.Q(status="invalidated"),
                name="cargo_lrn_unique_per_filer",
            )
        ]
        verbose_name = _("manifest")
        verbose_name_plural = _("manifests")

    def __str__(self) -> str:
        return self.mrn


class ManifestVersion(models.Model):
    """What was filed, each time: the file as read (snapshot) and what changed since the version before."""

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    filed_at = models.DateTimeField(_("filed"))
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(_("format"), max_length=10)
    sha256 = models.CharField(max_length=64)
    snapshot = models.JSONField(_("as filed"))
    changes = models.JSONField(_("changes since the version before"), default=list)
    warnings = models.JSONField(_("warnings"), default=list)

    class Meta:
        ordering = ["manifest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["manifest", "number"], name="cargo_one_manifest_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.manifest_id} v{self.number}"


class PortCall(models.Model):
    """The itinerary: UN/LOCODE ports with expected arrival and departure, and whose port it is."""

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="port_calls")
    sequence = models.PositiveSmallIntegerField()
    locode = models.CharField(_("port (UN/LOCODE)"), max_length=5)
    function = models.CharField(_("function"), max_length=20, blank=True)
    administration = models.ForeignKey(
        "accounts.Administration", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arrival = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    departure = models.DateTimeField(_("expected departure"), null=True, blank=True)

    class Meta:
        ordering = ["manifest", "sequence"]
        indexes = [models.Index(fields=["administration", "arrival"], name="cargo_call_admin_arrival")]

    def __str__(self) -> str:
        return f"{self.locode} ({self.manifest_id})"


class Consignment(TimeStampedModel):
    """A bill of lading or air waybill (master, or house under a master), registered with its own MRN."""

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="consignments")
    master = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="houses")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.MASTER)
    bill_number = models.CharField(_("bill of lading or air waybill"), max_length=70)
    # A house bill names its master bill: in the same filing, or (a forwarder's filing apart from the
    # carrier's, ICS2's multiple filing) in the carrier's filing, linked when both are registered.
    master_bill = models.CharField(_("master bill"), max_length=70, blank=True)
    mrn = models.CharField(_("movement reference (MRN)"), max_length=18, unique=True)
    declaration = models.OneToOneField(
        "core.Declaration", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FILED)
    version = models.PositiveIntegerField(_("version"), default=1)
    document_code = models.CharField(max_length=6, blank=True)
    place_of_loading = models.CharField(_("place of loading"), max_length=5, blank=True)
    place_of_discharge = models.CharField(_("place of discharge"), max_length=5, blank=True)
    place_of_delivery = models.CharField(_("place of delivery"), max_length=35, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    transhipments = models.JSONField(_("transhipment ports"), default=list, blank=True)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration of discharge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transhipment_administrations = models.ManyToManyField(
        "accounts.Administration", related_name="+", blank=True
    )
    total_packages = models.PositiveIntegerField(_("packages"), null=True, blank=True)
    gross_mass_kg = models.DecimalField(_("gross mass (kg)"), max_digits=14, decimal_places=3, null=True)
    late = models.BooleanField(_("filed late"), default=False)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["manifest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["manifest", "level", "bill_number"], name="cargo_bill_unique_per_manifest"
            )
        ]
        indexes = [
            models.Index(fields=["administration", "status"], name="cargo_cons_admin_status"),
            models.Index(
                fields=["master_bill"],
                condition=models.Q(level="house", master__isnull=True),
                name="cargo_cons_unlinked_house",
            ),
        ]
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")

    def __str__(self) -> str:
        return f"{self.bill_number} ({self.mrn})"


class Party(models.Model):
    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    identifier = models.CharField(_("identifier"), max_length=40, blank=True)

    class Meta:
        ordering = ["consignment", "id"]
        indexes = [
            models.Index(fields=["role", "name"], name="cargo_party_role_name"),
            # "Consignee seen for the first time" looks the name up without regard to case.
            models.Index(F("role"), Upper("name"), name="cargo_party_role_uname"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class GoodsItem(models.Model):
    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="goods")
    sequence = models.PositiveIntegerField(_("item"))
    hs_code = models.CharField(_("HS code"), max_length=10)
    description = models.CharField(_("description"), max_length=512)
    package_count = models.PositiveIntegerField(_("packages"), null=True, blank=True)
    package_kind = models.CharField(_("kind of packages"), max_length=3, blank=True)
    gross_mass_kg = models.DecimalField(
        _("gross mass (kg)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    un_number = models.CharField(_("UN number"), max_length=4, blank=True)
    value = models.DecimalField(_("declared value"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    containers = models.JSONField(_("containers"), default=list, blank=True)

    class Meta:
        ordering = ["consignment", "sequence"]

    def __str__(self) -> str:
        return f"{self.hs_code} {self.description[:40]}"


class Container(models.Model):
    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="containers")
    number = models.CharField(_("container number"), max_length=17)
    size_type = models.CharField(_("size and type"), max_length=4, blank=True)
    full = models.BooleanField(_("full"), null=True)
    seals = models.JSONField(_("seals"), default=list, blank=True)

    class Meta:
        ordering = ["consignment", "number"]

    def __str__(self) -> str:
        return self.number


class Referral(TimeStampedModel):
    """An officer's referral of a consignment: a request for information (with a deadline and the filer's
    answer), do not load, or hold for inspection on arrival."""

    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=20, choices=ReferralKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    question = models.TextField(_("what the officer asks or says"))
    deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("the filer's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.kind} {self.consignment_id}"


class Examination(TimeStampedModel):
    """What an officer found when examining a consignment."""

    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="examinations")
    result = models.CharField(_("result"), max_length=10, choices=ExaminationResult.choices)
    findings = models.TextField(_("what was found or done"), blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("examination")
        verbose_name_plural = _("examinations")

    def __str__(self) -> str:
        return f"{self.consignment_id} {self.result}"
