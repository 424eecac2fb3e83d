"""Choices of the passengers app, and the status pipelines as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierKind(models.TextChoices):
    AIRLINE = "airline", _("Airline")
    CRUISE = "cruise", _("Cruise line")
    FERRY = "ferry", _("Ferry operator")
    PRIVATE = "private", _("Private aircraft or charter operator")


class ListKind(models.TextChoices):
    PASSENGERS = "passengers", _("Passenger list")
    CREW = "crew", _("Crew list")


class Transport(models.TextChoices):
    AIR = "air", _("Flight")
    SEA = "sea", _("Voyage")


class Mode(models.TextChoices):
    BATCH = "batch", _("Batch (whole list)")
    INTERACTIVE = "interactive", _("Interactive (check-in)")


class ListStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    AMENDED = "amended", _("Amended")
    CLOSED = "closed", _("Closed (flight departed)")
    CANCELLED = "cancelled", _("Cancelled")


#: The moves a list's status may make (core.pipeline): a change keeps it open; a closed-flight list may
#: still be corrected; a cancelled list is final.
LIST_PIPELINE: dict[str, set[str]] = {
    ListStatus.FILED: {ListStatus.AMENDED, ListStatus.CLOSED, ListStatus.CANCELLED},
    ListStatus.AMENDED: {ListStatus.AMENDED, ListStatus.CLOSED, ListStatus.CANCELLED},
    ListStatus.CLOSED: {ListStatus.AMENDED, ListStatus.CLOSED, ListStatus.CANCELLED},
    ListStatus.CANCELLED: set(),
}


class Function(models.TextChoices):
    """What one filing did to the list (from the PAXLST BGM document identifier, or the API call)."""

    ORIGINAL = "original", _("Original list")
    REPLACE = "replace", _("Resent list (replaces the earlier one)")
    CHANGE = "change", _("Change of passenger data")
    REMOVE = "remove", _("Cancellation of passengers")
    CLOSE = "close", _("Closed-flight list")
    CANCEL = "cancel", _("Cancellation of the list")


class Role(models.TextChoices):
    PASSENGER = "passenger", _("Passenger")
    CREW = "crew", _("Crew")


class Answer(models.TextChoices):
    """The boarding answer of the WCO/IATA/ICAO guidelines (CUSRES ERC codes)."""

    OK_TO_BOARD = "0Z", _("OK to board")
    NOT_TO_BOARD = "1Z", _("Not to board")
    CONTACT = "2Z", _("Contact the authority")


class DefaultAnswer(models.TextChoices):
    """What is sent when screening cannot finish in time."""

    OK_TO_BOARD = "0Z", _("OK to board")
    CONTACT = "2Z", _("Contact the authority")


class Outcome(models.TextChoices):
    """What was found when a traveller was met at arrival."""

    NOTHING = "nothing", _("Nothing found")
    FOUND = "found", _("Something found (seizure or offence)")
    REFERRED = "referred", _("Referred to another agency")
    REFUSED = "refused", _("Refused entry")
    NOT_MET = "not_met", _("Not met (did not travel or missed)")


#: Outcomes that link a traveller to a case: the list is not deleted at the end of retention.
CASE_OUTCOMES = (Outcome.FOUND, Outcome.REFERRED, Outcome.REFUSED)


class UnmaskStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


UNMASK_PIPELINE: dict[str, set[str]] = {
    UnmaskStatus.PENDING: {UnmaskStatus.APPROVED, UnmaskStatus.REFUSED},
    UnmaskStatus.APPROVED: set(),
    UnmaskStatus.REFUSED: set(),
}
