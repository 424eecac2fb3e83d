"""Intelligence records (seizures, alerts and lookouts, requests for information), operations, the
second-official approvals of dissemination changes, and the access log.

Every record shares the dissemination controls of `DisseminatedRecord`; what a user may see of them is
decided in one place, `caribclear.intel.access`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from caribclear.core.models import ChainedModel, ChainedQuerySet, TimeStampedModel

from .choices import (
    AlertSubject,
    ChangeStatus,
    Commodity,
    ConcealmentMethod,
    Conveyance,
    DetectionMethod,
    HandlingCode,
    InformationGrade,
    ReadVia,
    RecordType,
    RfiStatus,
    SourceReliability,
    Tlp,
    Unit,
)


class Operation(TimeStampedModel):
    """A closed group of administrations working together for a limited time (e.g. on small arms)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("aim and scope"), blank=True)
    lead = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("lead administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        "accounts.Administration",
        verbose_name=_("participating administrations"),
        related_name="intel_operations",
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="operation_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DisseminatedRecord(TimeStampedModel):
    """The handling label, grading and release of one intelligence record."""

    record_type: ClassVar[str] = ""
    objects: ClassVar[models.Manager[Any]]

    reference = models.CharField(_("reference"), max_length=9, unique=True)
    owner = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("owning administration"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    tlp = models.CharField(_("TLP label"), max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    source_reliability = models.CharField(
        _("source evaluation"),
        max_length=1,
        choices=SourceReliability.choices,
        default=SourceReliability.UNTESTED,
    )
    information_grade = models.CharField(
        _("intelligence assessment"),
        max_length=1,
        choices=InformationGrade.choices,
        default=InformationGrade.C,
    )
    handling_code = models.CharField(
        _("handling code"), max_length=1, choices=HandlingCode.choices, default=HandlingCode.P
    )
    handling_conditions = models.CharField(_("handling conditions"), max_length=500, blank=True)
    release_to_all = models.BooleanField(
        _("released to all member administrations"),
        default=False,
        help_text=_("For TLP:AMBER. TLP:GREEN and TLP:CLEAR are always shared with every member."),
    )
    released_to = models.ManyToManyField(
        "accounts.Administration", verbose_name=_("released to"), blank=True, related_name="+"
    )
    personal_released_to = models.ManyToManyField(
        "accounts.Administration",
        verbose_name=_("personal data released to"),
        blank=True,
        related_name="+",
        help_text=_("Administrations that may see the personal fields; needs a legal basis."),
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("named recipients (TLP:RED)"), blank=True, related_name="+"
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("The treaty, agreement or law under which personal data may be shared."),
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    personal_fields = models.JSONField(_("personal fields"), default=list, blank=True)
    operation = models.ForeignKey(
        Operation,
        verbose_name=_("operation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Text for searching: `search_text` holds only non-personal fields, `personal_text` the personal ones,
    # so a search can never reveal a personal detail the reader may not see. The vectors are filled on
    # PostgreSQL (GIN-indexed); SQLite searches the text columns.
    search_text = models.TextField(blank=True, editable=False)
    personal_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    personal_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.reference


class Seizure(DisseminatedRecord):
    record_type = RecordType.SEIZURE

    occurred_on = models.DateField(_("date of seizure"))
    port = models.ForeignKey(
        "reference.Port", verbose_name=_("place (port)"), on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    detection_method = models.CharField(_("detection method"), max_length=20, choices=DetectionMethod.choices)
    concealment_method = models.CharField(
        _("concealment method"), max_length=20, choices=ConcealmentMethod.choices
    )
    commodity = models.CharField(_("commodity"), max_length=20, choices=Commodity.choices)
    description = models.CharField(
        _("what was seized"), max_length=200, help_text=_("For example: cocaine, 9 mm pistols. No names.")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    estimated_value_usd = models.DecimalField(
        _("estimated value (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    route_origin = CountryField(_("route: origin"), blank=True)
    route_transit = CountryField(_("route: transit"), blank=True)
    route_destination = CountryField(_("route: destination"), blank=True)
    conveyance = models.CharField(_("conveyance"), max_length=12, choices=Conveyance.choices)
    conveyance_identity = models.CharField(
        _("conveyance identity"),
        max_length=150,
        blank=True,
        help_text=_("Vessel name and registration, flight number or container number."),
    )
    vessel = models.ForeignKey(
        "vessels.Vessel",
        verbose_name=_("registered vessel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    narrative = models.TextField(_("narrative"), blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        indexes = [
            models.Index(fields=["occurred_on"], name="intel_seizure_date"),
            models.Index(fields=["owner", "occurred_on"], name="intel_seizure_owner_date"),
            models.Index(fields=["commodity", "occurred_on"], name="intel_seizure_commodity_date"),
            models.Index(fields=["tlp", "occurred_on"], name="intel_seizure_tlp_date"),
            models.Index(fields=["vessel"], name="intel_seizure_vessel"),
            models.Index(fields=["operation"], name="intel_seizure_operation"),
            # TAXII's order of "date added" (partners.taxii): pages and `added_after` are range reads.
            models.Index(fields=["updated_at", "id"], name="intel_seizure_added"),
        ]


class SeizurePerson(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="persons")
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    document_number = models.CharField(_("travel document number"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=60, blank=True, help_text=_("e.g. master, courier, owner"))

    class Meta:
        ordering = ["surname", "given_names"]
        verbose_name = _("linked person")
        verbose_name_plural = _("linked persons")

    def __str__(self) -> str:
        return f"{self.surname.upper()}, {self.given_names}".strip(", ")


class SeizureCompany(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(_("company name"), max_length=200)
    country = CountryField(_("country"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("linked company")
        verbose_name_plural = _("linked companies")

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: SeizureAttachment, filename: str) -> str:
    return f"intel/seizures/{instance.seizure.reference}/{filename}"


class SeizureAttachment(TimeStampedModel):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo or document")
        verbose_name_plural = _("photos and documents")

    def __str__(self) -> str:
        return self.caption or self.file.name or ""


class Alert(DisseminatedRecord):
    """A person, vessel, company or pattern to watch for, valid between two dates (a lookout)."""

    record_type = RecordType.ALERT

    subject_kind = models.CharField(_("what to watch for"), max_length=10, choices=AlertSubject.choices)
    title = models.CharField(_("title"), max_length=200, help_text=_("Shared with every reader. No names."))
    commodity = models.CharField(_("commodity"), max_length=20, choices=Commodity.choices, blank=True)
    surname = models.CharField(_("surname or company/vessel name"), max_length=150, blank=True)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality or flag"), blank=True)
    identifiers = models.CharField(
        _("identifiers"),
        max_length=300,
        blank=True,
        help_text=_("Document numbers, registration, MMSI or IMO, separated by semicolons."),
    )
    pattern = models.TextField(_("pattern or indicators"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    action_requested = models.CharField(_("action requested"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("alert or lookout")
        verbose_name_plural = _("alerts and lookouts")
        indexes = [
            models.Index(fields=["valid_from", "valid_until"], name="intel_alert_validity"),
            # TAXII's order of "date added" (partners.taxii): pages and `added_after` are range reads.
            models.Index(fields=["updated_at", "id"], name="intel_alert_added"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="alert_validity_dates"
            )
        ]


class InformationRequest(DisseminatedRecord):
    """A request for information from one administration to others, with answers and a deadline."""

    record_type = RecordType.RFI

    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(_("question"))
    deadline = models.DateField(_("answer needed by"))
    status = models.CharField(_("status"), max_length=10, choices=RfiStatus.choices, default=RfiStatus.OPEN)
    seizure = models.ForeignKey(
        Seizure,
        verbose_name=_("about seizure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")


class InformationAnswer(TimeStampedModel):
    """An answer from one addressed administration; seen by the asking and the answering administration."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="answers")
    administration = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.request_id} {self.administration_id}"


class DisseminationChange(TimeStampedModel):
    """A requested change of label, release or personal-data release of one record.

    Narrowing changes apply at once; widening ones wait for a second official of the owning administration.
    """

    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    owner = models.ForeignKey("accounts.Administration", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    before = models.JSONField(default=dict)
    proposed = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dissemination change")
        verbose_name_plural = _("dissemination changes")
        indexes = [models.Index(fields=["owner", "status"], name="intel_change_owner_status")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} {self.status}"


class AccessLogQuerySet(ChainedQuerySet):
    label = "The access log"


class AccessLog(ChainedModel):
    """One read of one record: who, when, which fields were shown, from which request. Append-only and
    hash-chained like the audit trail (`core.chain`, triggers in `core.db_triggers`)."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    record_type = models.CharField(_("record type"), max_length=10, choices=RecordType.choices)
    record_id = models.BigIntegerField()
    via = models.CharField(_("read through"), max_length=10, choices=ReadVia.choices)
    personal_shown = models.BooleanField(_("personal fields shown"), default=False)
    fields = models.JSONField(_("fields shown"), default=list)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"  # even Django's internal manager refuses to delete
        ordering = ["-at", "-id"]
        verbose_name = _("record read")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["record_type", "record_id", "at"], name="intel_access_record")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.record_type}:{self.record_id}"
