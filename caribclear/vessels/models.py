from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from caribclear.core.models import TimeStampedModel

from .choices import DocumentType, PersonCategory, Sex, VesselType, WeaponKind
from .identifiers import validate_imo_number

mmsi_validator = RegexValidator(r"^\d{9}$", _("An MMSI has exactly nine digits."))


class Vessel(TimeStampedModel):
    """A pleasure craft registered once by its operator account and used on every notification."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="vessels"
    )
    name = models.CharField(_("vessel name"), max_length=100)
    vessel_type = models.CharField(_("type"), max_length=20, choices=VesselType.choices)
    flag = CountryField(_("flag state"))
    registration_number = models.CharField(_("registration number"), max_length=40)
    port_of_registry = models.CharField(_("port of registry"), max_length=100)
    call_sign = models.CharField(_("call sign"), max_length=12, blank=True)
    mmsi = models.CharField(_("MMSI"), max_length=9, blank=True, validators=[mmsi_validator])
    # Optional: many pleasure craft have none. Stored as the seven digits, without the "IMO" prefix.
    imo_number = models.CharField(_("IMO number"), max_length=7, blank=True, validators=[validate_imo_number])
    hull_id = models.CharField(_("hull identification number"), max_length=20, blank=True)
    length_m = models.DecimalField(
        _("length overall (m)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(1)]
    )
    gross_tonnage = models.DecimalField(
        _("gross tonnage"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    hull_colour = models.CharField(_("hull colour"), max_length=40, blank=True)
    masts = models.PositiveSmallIntegerField(_("number of masts"), default=0)
    engine = models.CharField(_("engine (make, power)"), max_length=100, blank=True)
    owner_name = models.CharField(_("owner's name"), max_length=150)
    owner_address = models.CharField(_("owner's address"), max_length=300, blank=True)
    owner_email = models.EmailField(_("owner's e-mail"), blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=40, blank=True)
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_("Captain or agent to call about this vessel."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vessel")
        verbose_name_plural = _("vessels")
        indexes = [
            models.Index(fields=["registration_number"]),
            models.Index(fields=["mmsi"]),
            models.Index(fields=["imo_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.flag} {self.registration_number})"


class Person(TimeStampedModel):
    """A crew member or passenger on the operator's list, picked onto notifications."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="people"
    )
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    place_of_birth = models.CharField(_("place of birth"), max_length=100, blank=True)
    nationality = CountryField(_("nationality"))
    category = models.CharField(
        _("crew or passenger"), max_length=10, choices=PersonCategory.choices, default=PersonCategory.CREW
    )
    rank = models.CharField(
        _("rank or rating"), max_length=60, blank=True, help_text=_("For crew, e.g. Master, Mate, Deckhand.")
    )
    port_of_embarkation = models.CharField(_("port of embarkation"), max_length=100, blank=True)
    port_of_disembarkation = models.CharField(_("port of disembarkation"), max_length=100, blank=True)
    in_transit = models.BooleanField(_("transit passenger"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["surname", "given_names"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["surname", "date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.surname.upper()}, {self.given_names}".strip(", ")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()


class TravelDocument(TimeStampedModel):
    """A passport or other travel document of a person (ICAO 9303)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.CharField(
        _("document type"), max_length=1, choices=DocumentType.choices, default=DocumentType.PASSPORT
    )
    number = models.CharField(_("document number"), max_length=20)
    issuing_state = CountryField(_("issuing state"))
    expiry_date = models.DateField(_("expiry date"))
    mrz = models.TextField(_("machine-readable zone"), blank=True, help_text=_("As entered, when entered."))

    class Meta:
        ordering = ["-expiry_date"]
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "issuing_state", "number"], name="unique_document_per_person"
            )
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.issuing_state} {self.number}"

    @property
    def is_expired(self) -> bool:
        return self.expiry_date < timezone.localdate()


class Weapon(TimeStampedModel):
    """A firearm, ammunition or other weapon carried on board a vessel."""

    vessel = models.ForeignKey(
        Vessel, verbose_name=_("vessel"), on_delete=models.CASCADE, related_name="weapons"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WeaponKind.choices, default=WeaponKind.FIREARM)
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    calibre = models.CharField(_("calibre"), max_length=30, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["kind", "make"]
        verbose_name = _("weapon or ammunition")
        verbose_name_plural = _("weapons and ammunition")

    def __str__(self) -> str:
        parts = [self.get_kind_display(), self.make, self.model, self.calibre]
        return " ".join(p for p in parts if p) + (f" × {self.quantity}" if self.quantity != 1 else "")
