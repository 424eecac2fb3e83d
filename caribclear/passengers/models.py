"""Advance passenger information: carriers, their passenger and crew lists (with versions), the travellers
and their documents, boarding answers, what was found at arrival, retention and unmasking."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel

from .choices import (
    Answer,
    CarrierKind,
    DefaultAnswer,
    Function,
    ListKind,
    ListStatus,
    Mode,
    Outcome,
    Role,
    Transport,
    UnmaskStatus,
)


class Carrier(TimeStampedModel):
    """An organisation's passenger profile: an airline, cruise line, ferry or charter operator that files
    lists. Its name, its code (as it sends it in its lists) and its users (operator accounts, with their
    API tokens) belong to the `accounts.Organisation` it is the profile of; its kind is passengers' own."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="passenger_carrier",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CarrierKind.choices)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def code(self) -> str:
        """The airline designator (BW) or the operator's short code, as it sends it in its lists."""
        return self.organisation.carrier_code


class TravelList(TimeStampedModel):
    """One flight or voyage's passenger (or crew) list: one current list, its filings kept as versions."""

    reference = models.CharField(_("reference"), max_length=9, unique=True)
    carrier = models.ForeignKey(
        Carrier, verbose_name=_("carrier"), on_delete=models.PROTECT, related_name="lists"
    )
    kind = models.CharField(_("list"), max_length=12, choices=ListKind.choices, default=ListKind.PASSENGERS)
    transport = models.CharField(
        _("transport"), max_length=4, choices=Transport.choices, default=Transport.AIR
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.BATCH)
    match_key = models.CharField(max_length=120, help_text="carrier, number, departure day and ports")
    number = models.CharField(_("flight or voyage"), max_length=20)
    vessel_name = models.CharField(_("ship"), max_length=100, blank=True)
    vessel_id = models.CharField(_("ship's IMO number or call sign"), max_length=20, blank=True)
    departure_port_code = models.CharField(_("departure port (as sent)"), max_length=5)
    departure_port = models.ForeignKey(
        "reference.Port", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    arrival_port_code = models.CharField(_("arrival port (as sent)"), max_length=5)
    arrival_port = models.ForeignKey(
        "reference.Port", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True, db_index=True)
    legs = models.JSONField(_("legs"), default=list, blank=True)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration of arrival"),
        on_delete=models.PROTECT,
        related_name="passenger_lists",
    )
    departure_administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration of departure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departing_passenger_lists",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.FILED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    declaration = models.OneToOneField(
        "core.Declaration", null=True, blank=True, on_delete=models.SET_NULL, related_name="passenger_list"
    )
    filed_at = models.DateTimeField(_("filed"))
    masked_at = models.DateTimeField(_("personal data masked"), null=True, blank=True, db_index=True)
    defaulted_answers = models.PositiveIntegerField(
        _("default answers sent"),
        default=0,
        help_text=_("Boarding answers sent by default because screening did not finish in time."),
    )

    class Meta:
        ordering = ["arrival_at", "pk"]
        verbose_name = _("passenger or crew list")
        verbose_name_plural = _("passenger and crew lists")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "kind", "match_key"], name="passengers_one_list_per_flight"
            )
        ]
        indexes = [models.Index(fields=["administration", "arrival_at"], name="passengers_arrivals")]

    def __str__(self) -> str:
        return f"{self.reference} {self.number} {self.departure_port_code}-{self.arrival_port_code}"

    @property
    def is_masked(self) -> bool:
        return self.masked_at is not None


class TravelListVersion(models.Model):
    """One filing of a list: what it did and what it carried (counts; the people are on the list)."""

    travel_list = models.ForeignKey(TravelList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    function = models.CharField(_("filing"), max_length=12, choices=Function.choices)
    source_format = models.CharField(_("format"), max_length=12)
    message_reference = models.CharField(_("message reference"), max_length=40, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    passengers = models.PositiveIntegerField(_("passengers"), default=0)
    crew = models.PositiveIntegerField(_("crew"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"))

    class Meta:
        ordering = ["travel_list", "number"]
        constraints = [
            models.UniqueConstraint(fields=["travel_list", "number"], name="passengers_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.travel_list_id} v{self.number}"


class Traveller(models.Model):
    """A passenger or crew member on a list. One per person per list: a resent or changed list updates the
    row (matched by document, else by name and date of birth); a removed person is kept, marked removed.

    Masking clears the personal fields, keeps keyed hashes (so a lookout can still find the person) and a
    sealed copy that only an approved unmasking opens."""

    # No index of its own: the unique (travel_list, identity) index below starts with it and serves every
    # lookup by list (one index less to write for each traveller filed and masked).
    travel_list = models.ForeignKey(
        TravelList, on_delete=models.CASCADE, related_name="travellers", db_index=False
    )
    identity = models.CharField(max_length=64, help_text="keyed hash of document or name and birth date")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PASSENGER)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    given_names = models.CharField(_("given names"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=100, blank=True)
    country_of_residence = models.CharField(_("country of residence"), max_length=3, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    reservation_locator = models.CharField(_("reservation"), max_length=20, blank=True)
    seat = models.CharField(_("seat"), max_length=8, blank=True)
    bags = models.PositiveSmallIntegerField(_("bags"), null=True, blank=True)
    in_transit = models.BooleanField(_("in transit"), default=False)
    embarkation = models.CharField(_("boarded at"), max_length=5, blank=True)
    debarkation = models.CharField(_("leaves at"), max_length=5, blank=True)
    crew_function = models.CharField(_("crew function"), max_length=40, blank=True)
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)
    added_in = models.PositiveIntegerField(_("added in version"), default=1)
    changed_in = models.PositiveIntegerField(_("last changed in version"), default=1)
    removed_in = models.PositiveIntegerField(_("removed in version"), null=True, blank=True)
    # Boarding answer (interactive mode, and the acknowledgement of a batch list)
    answer = models.CharField(_("boarding answer"), max_length=2, choices=Answer.choices, blank=True)
    answer_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_defaulted = models.BooleanField(
        _("default answer"), default=False, help_text=_("Sent by default: screening did not finish in time.")
    )
    # Linked to a case: kept beyond the retention period
    case_reference = models.CharField(
        _("case"),
        max_length=40,
        blank=True,
        help_text=_(
            "A seizure, alert or case reference: the traveller's data is then kept beyond retention."
        ),
    )
    # Masking
    masked_at = models.DateTimeField(_("masked"), null=True, blank=True)
    name_hash = models.CharField(max_length=64, blank=True)
    birth_hash = models.CharField(max_length=64, blank=True)
    document_hash = models.CharField(max_length=64, blank=True)
    sealed = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["travel_list", "role", "surname", "given_names", "pk"]
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        constraints = [
            models.UniqueConstraint(fields=["travel_list", "identity"], name="passengers_one_person_per_list")
        ]
        # The hashes are only ever compared whole (a lookout's hash equals a masked traveller's): plain
        # indexes, without the second "LIKE" index PostgreSQL gets for a CharField's ``db_index``. Masking
        # writes a new version of every row and so an entry in every index: these are four, not seven.
        indexes = [
            models.Index(fields=["name_hash"], name="passengers_traveller_name"),
            models.Index(fields=["document_hash"], name="passengers_traveller_document"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.masked_at is not None and not self.surname:
            return str(_("Masked traveller"))
        return f"{self.surname}, {self.given_names}".strip(", ")

    @property
    def is_removed(self) -> bool:
        return self.removed_in is not None

    @property
    def subject_key(self) -> str:
        return f"traveller:{self.pk}"


class TravellerDocument(models.Model):
    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(_("document type"), max_length=3, blank=True)
    number = models.CharField(_("document number"), max_length=30, blank=True)
    issuing_state = models.CharField(_("issuing state"), max_length=3, blank=True)
    expiry = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["traveller", "pk"]
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")

    def __str__(self) -> str:
        return f"{self.type} {self.number}"


class ArrivalCheck(models.Model):
    """Who was met at arrival and what was found."""

    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="arrival_checks")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    met_at = models.DateTimeField(_("met"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    notes = models.TextField(_("what was found"), blank=True)

    class Meta:
        ordering = ["-met_at", "-pk"]
        verbose_name = _("arrival check")
        verbose_name_plural = _("arrival checks")

    def __str__(self) -> str:
        return f"{self.traveller_id} {self.outcome}"


class RetentionPolicy(TimeStampedModel):
    """An administration's retention of passenger data and its interactive default answer."""

    administration = models.OneToOneField(
        "accounts.Administration", on_delete=models.CASCADE, related_name="passenger_policy"
    )
    mask_after_months = models.PositiveSmallIntegerField(
        _("mask personal data after (months)"),
        default=6,
        help_text=_("Names, documents and dates of birth are masked after this many months (EU PNR: 6)."),
    )
    delete_after_years = models.PositiveSmallIntegerField(
        _("delete lists after (years)"),
        default=5,
        help_text=_("Lists are deleted after this many years, unless a traveller is linked to a case."),
    )
    default_answer = models.CharField(
        _("answer when screening is late"),
        max_length=2,
        choices=DefaultAnswer.choices,
        default=DefaultAnswer.CONTACT,
    )
    answer_within_ms = models.PositiveIntegerField(
        _("time allowed for an interactive answer (ms)"), default=800
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("passenger data retention")
        verbose_name_plural = _("passenger data retention")

    def __str__(self) -> str:
        return f"{self.administration_id}: {self.mask_after_months} months / {self.delete_after_years} years"


class UnmaskRequest(models.Model):
    """A request to see one masked traveller's data: a reason, and a second official's approval."""

    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="unmask_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=UnmaskStatus.choices, default=UnmaskStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    valid_until = models.DateTimeField(_("may be read until"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("unmasking request")
        verbose_name_plural = _("unmasking requests")

    def __str__(self) -> str:
        return f"{self.traveller_id} {self.status}"
