from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("Enter a time zone of the IANA database, e.g. America/Antigua."))


class PortQuerySet(models.QuerySet["Port"]):
    def ports_of_entry(self) -> PortQuerySet:
        return self.filter(is_port_of_entry=True, administration__isnull=False)


class Port(models.Model):
    """A location from UN/LOCODE. Ports of entry are those where a member administration clears craft."""

    locode = models.CharField(_("UN/LOCODE"), max_length=5, unique=True)
    country = CountryField(_("country"))
    name = models.CharField(_("name"), max_length=120)
    name_ascii = models.CharField(_("name without diacritics"), max_length=120, db_index=True)
    subdivision = models.CharField(_("subdivision"), max_length=3, blank=True)
    function = models.CharField(
        _("function"), max_length=8, blank=True, help_text=_("UN/LOCODE function classifier, e.g. 1 = port.")
    )
    status = models.CharField(_("status"), max_length=2, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "IANA name, e.g. America/Antigua. Filled from the country (and the subdivision where a country "
            "has several zones) when the port is loaded; change it where a port keeps another clock."
        ),
    )
    is_port_of_entry = models.BooleanField(_("yacht port of entry"), default=False, db_index=True)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("clearing administration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ports",
    )

    objects = PortQuerySet.as_manager()

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("port")
        verbose_name_plural = _("ports")

    def __str__(self) -> str:
        return f"{self.name} ({self.locode})"

    @property
    def is_seaport(self) -> bool:
        return self.function[:1] == "1"


class HsCode(models.Model):
    """A heading or subheading of the Harmonized System (WCO), loaded by ``manage.py load_hs_codes``."""

    code = models.CharField(_("HS code"), max_length=6, unique=True)
    description = models.CharField(_("description"), max_length=600)
    level = models.PositiveSmallIntegerField(_("digits"))
    section = models.CharField(_("section"), max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"
