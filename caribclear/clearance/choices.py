from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    DEPARTURE = "departure", _("Departure")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("Being processed")
    REFERRED = "referred", _("Referred for inspection")
    CLEARED = "cleared", _("Cleared")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


# The status pipeline: from each status, the statuses a notification may move to.
PIPELINE: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
    Status.SUBMITTED: frozenset(
        {
            Status.SUBMITTED,
            Status.IN_PROGRESS,
            Status.REFERRED,
            Status.CLEARED,
            Status.REFUSED,
            Status.CANCELLED,
        }
    ),
    Status.IN_PROGRESS: frozenset({Status.IN_PROGRESS, Status.REFERRED, Status.CLEARED, Status.REFUSED}),
    Status.REFERRED: frozenset({Status.IN_PROGRESS, Status.REFERRED, Status.CLEARED, Status.REFUSED}),
    # An officer may record their agency's decision again (new remarks): the status may stay the same.
    Status.CLEARED: frozenset({Status.CLEARED, Status.IN_PROGRESS, Status.REFERRED, Status.REFUSED}),
    Status.REFUSED: frozenset({Status.REFUSED, Status.IN_PROGRESS, Status.REFERRED, Status.CLEARED}),
    Status.CANCELLED: frozenset(),
}
# An operator may change or cancel a notification only while no agency has decided on it.
OPERATOR_EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED})
DECIDABLE = frozenset({Status.SUBMITTED, Status.IN_PROGRESS, Status.REFERRED, Status.CLEARED, Status.REFUSED})
# What the agencies' decisions end in (the operator is told; the notification is "decided").
DECIDED = frozenset({Status.CLEARED, Status.REFUSED, Status.REFERRED})


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    REFUSED = "refused", _("Refused")
    REFERRED = "referred", _("Referred for inspection")


class Purpose(models.TextChoices):
    CRUISING = "cruising", _("Cruising and tourism")
    REPAIRS = "repairs", _("Repairs or maintenance")
    CREW_CHANGE = "crew_change", _("Crew change")
    TRANSIT = "transit", _("Transit")
    CHARTER = "charter", _("Charter")
    STORAGE = "storage", _("Laying up (storage)")
    EVENT = "event", _("Regatta or event")
    EMERGENCY = "emergency", _("Shelter or emergency")
    OTHER = "other", _("Other")


class PersonRole(models.TextChoices):
    MASTER = "master", _("Master (captain)")
    CREW = "crew", _("Crew")
    PASSENGER = "passenger", _("Passenger")
