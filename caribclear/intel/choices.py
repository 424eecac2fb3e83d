"""Choices of the intelligence records: TLP 2.0 labels, the 3x5x2 grading, commodities, methods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0 (FIRST), most restrictive first."""

    RED = "RED", _("TLP:RED — named recipients only")
    AMBER_STRICT = "AMBER+STRICT", _("TLP:AMBER+STRICT — the administrations released to, no further")
    AMBER = "AMBER", _("TLP:AMBER — the administrations released to, need to know")
    GREEN = "GREEN", _("TLP:GREEN — all member administrations")
    CLEAR = "CLEAR", _("TLP:CLEAR — no restriction among members")


# Restrictiveness: a higher number is more restrictive. Moving to a lower number is a downgrade.
TLP_RANK: dict[str, int] = {Tlp.CLEAR: 0, Tlp.GREEN: 1, Tlp.AMBER: 2, Tlp.AMBER_STRICT: 3, Tlp.RED: 4}
TLP_TAG: dict[str, str] = {
    Tlp.RED: "tag-red",
    Tlp.AMBER_STRICT: "tag-yellow",
    Tlp.AMBER: "tag-yellow",
    Tlp.GREEN: "tag-green",
    Tlp.CLEAR: "",
}


class SourceReliability(models.TextChoices):
    """UK 3x5x2 source evaluation."""

    RELIABLE = "1", _("1 — reliable")
    UNTESTED = "2", _("2 — untested")
    NOT_RELIABLE = "3", _("3 — not reliable")


class InformationGrade(models.TextChoices):
    """UK 3x5x2 intelligence assessment."""

    A = "A", _("A — known directly to the source")
    B = "B", _("B — known indirectly to the source, corroborated")
    C = "C", _("C — known indirectly to the source")
    D = "D", _("D — not known")
    E = "E", _("E — suspected to be false")


class HandlingCode(models.TextChoices):
    """UK 3x5x2 handling: P lawful sharing permitted, C sharing only under the stated conditions."""

    P = "P", _("P — lawful sharing permitted")
    C = "C", _("C — sharing subject to conditions")


class Commodity(models.TextChoices):
    DRUGS = "drugs", _("Drugs")
    FIREARMS = "firearms", _("Firearms and ammunition")
    CURRENCY = "currency", _("Currency")
    TOBACCO = "tobacco", _("Tobacco")
    ALCOHOL = "alcohol", _("Alcohol")
    FUEL = "fuel", _("Fuel")
    WILDLIFE = "wildlife", _("Wildlife (CITES)")
    COUNTERFEIT = "counterfeit", _("Counterfeit goods")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    KG = "kg", _("kilograms")
    G = "g", _("grams")
    L = "l", _("litres")
    ITEMS = "items", _("items")
    ROUNDS = "rounds", _("rounds")
    STICKS = "sticks", _("sticks (cigarettes)")
    USD = "usd", _("US dollars")


class DetectionMethod(models.TextChoices):
    RISK_PROFILE = "risk_profile", _("Risk profile or targeting")
    INTELLIGENCE = "intelligence", _("Prior intelligence")
    RANDOM = "random", _("Random selection")
    DOG = "dog", _("Detector dog")
    SCANNER = "scanner", _("X-ray or scanner")
    PHYSICAL = "physical", _("Physical examination")
    PATROL = "patrol", _("Patrol or surveillance")
    OTHER = "other", _("Other")


class ConcealmentMethod(models.TextChoices):
    NONE = "none", _("Not concealed")
    LUGGAGE = "luggage", _("Luggage, false bottom")
    BODY = "body", _("On or in the body")
    HULL = "hull", _("Hull, bilge or keel")
    FUEL_TANK = "fuel_tank", _("Fuel or water tank")
    CARGO = "cargo", _("Mixed with legitimate cargo")
    CONTAINER = "container", _("Container structure")
    FALSE_COMPARTMENT = "false_compartment", _("False compartment")
    POSTAL = "postal", _("Postal or courier item")
    OTHER = "other", _("Other")


class Conveyance(models.TextChoices):
    VESSEL = "vessel", _("Vessel")
    AIRCRAFT = "aircraft", _("Aircraft")
    CONTAINER = "container", _("Container")
    PASSENGER = "passenger", _("Passenger")


class PersonalField(models.TextChoices):
    """Parts of a record that may hold personal data; each record says which of them it treats as personal."""

    PERSONS = "persons", _("Linked persons")
    COMPANIES = "companies", _("Linked companies")
    CONVEYANCE = "conveyance", _("Conveyance identity (name, registration, flight)")
    NARRATIVE = "narrative", _("Narrative")
    ATTACHMENTS = "attachments", _("Photos and documents")
    SUBJECT = "subject", _("Subject of the alert (names, date of birth, identifiers)")


SEIZURE_PERSONAL_DEFAULT = [
    PersonalField.PERSONS,
    PersonalField.CONVEYANCE,
    PersonalField.NARRATIVE,
    PersonalField.ATTACHMENTS,
]
ALERT_PERSONAL_DEFAULT = [PersonalField.SUBJECT, PersonalField.NARRATIVE]


class AlertSubject(models.TextChoices):
    PERSON = "person", _("Person")
    VESSEL = "vessel", _("Vessel")
    COMPANY = "company", _("Company")
    PATTERN = "pattern", _("Pattern or modus operandi")


class RfiStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


RFI_PIPELINE: dict[str, frozenset[str]] = {
    RfiStatus.OPEN: frozenset({RfiStatus.ANSWERED, RfiStatus.WITHDRAWN, RfiStatus.CLOSED}),
    RfiStatus.ANSWERED: frozenset({RfiStatus.ANSWERED, RfiStatus.OPEN, RfiStatus.CLOSED}),
    RfiStatus.CLOSED: frozenset(),
    RfiStatus.WITHDRAWN: frozenset(),
}


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second official")
    APPROVED = "approved", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")
    APPLIED = "applied", _("Applied (narrowing, no approval needed)")


class RecordType(models.TextChoices):
    SEIZURE = "seizure", _("Seizure")
    ALERT = "alert", _("Alert or lookout")
    RFI = "rfi", _("Request for information")


class ReadVia(models.TextChoices):
    LIST = "list", _("List")
    DETAIL = "detail", _("Detail page")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    API = "api", _("API")
    REPORT = "report", _("Report")
