"""What a partner agency may receive under its agreement, and how intelligence came in from outside."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The categories of record an agreement covers: seizures by commodity, alerts by what they watch for.
    A partner's TAXII collections hold only records of its categories."""

    SEIZURE_DRUGS = "seizure:drugs", _("Seizures of drugs")
    SEIZURE_FIREARMS = "seizure:firearms", _("Seizures of firearms and ammunition")
    SEIZURE_CURRENCY = "seizure:currency", _("Seizures of currency")
    SEIZURE_TOBACCO = "seizure:tobacco", _("Seizures of tobacco")
    SEIZURE_ALCOHOL = "seizure:alcohol", _("Seizures of alcohol")
    SEIZURE_FUEL = "seizure:fuel", _("Seizures of fuel")
    SEIZURE_WILDLIFE = "seizure:wildlife", _("Seizures of wildlife (CITES)")
    SEIZURE_COUNTERFEIT = "seizure:counterfeit", _("Seizures of counterfeit goods")
    SEIZURE_OTHER = "seizure:other", _("Seizures of other goods")
    ALERT_PERSON = "alert:person", _("Alerts on persons")
    ALERT_VESSEL = "alert:vessel", _("Alerts on vessels")
    ALERT_COMPANY = "alert:company", _("Alerts on companies")
    ALERT_PATTERN = "alert:pattern", _("Alerts on patterns")


class Received(models.TextChoices):
    """How a STIX object reached the platform."""

    UPLOAD = "upload", _("Uploaded bundle")
    TAXII = "taxii", _("TAXII subscription")


class TaxiiAuth(models.TextChoices):
    """How a subscription signs in to a partner's TAXII server."""

    TOKEN = "token", _("API token (sent as a Bearer token)")
    BASIC = "basic", _("User name and password (HTTP Basic)")
