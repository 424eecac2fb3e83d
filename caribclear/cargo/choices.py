"""Choices of the cargo app and the status pipelines of manifests and consignments, as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")


class FilerKind(models.TextChoices):
    CARRIER = "carrier", _("Carrier")
    AGENT = "agent", _("Shipping agent")
    FORWARDER = "forwarder", _("Freight forwarder")


class Level(models.TextChoices):
    MASTER = "master", _("Master")
    HOUSE = "house", _("House")


class PartyRole(models.TextChoices):
    CONSIGNOR = "consignor", _("Consignor (shipper)")
    CONSIGNEE = "consignee", _("Consignee")
    NOTIFY = "notify", _("Notify party")
    CARRIER = "carrier", _("Carrier")
    FORWARDER = "forwarder", _("Freight forwarder")
    OTHER = "other", _("Other party")


class ManifestStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    AMENDED = "amended", _("Amended")
    INVALIDATED = "invalidated", _("Invalidated")


class Status(models.TextChoices):
    """A consignment's lifecycle (ICS2-like)."""

    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed (registered)")
    AMENDED = "amended", _("Amended")
    ASSESSED = "assessed", _("Assessed")
    REFERRED = "referred", _("Referred")
    ARRIVED = "arrived", _("Arrived")
    INSPECTED = "inspected", _("Inspected")
    RELEASED = "released", _("Released")
    INVALIDATED = "invalidated", _("Invalidated")


_OPEN = {
    Status.AMENDED,
    Status.ASSESSED,
    Status.REFERRED,
    Status.ARRIVED,
    Status.RELEASED,
    Status.INVALIDATED,
}

MANIFEST_PIPELINE: dict[str, set[ManifestStatus]] = {
    ManifestStatus.FILED: {ManifestStatus.AMENDED, ManifestStatus.INVALIDATED},
    ManifestStatus.AMENDED: {ManifestStatus.AMENDED, ManifestStatus.INVALIDATED},
    ManifestStatus.INVALIDATED: set(),
}

PIPELINE: dict[str, set[Status]] = {
    Status.DRAFT: {Status.FILED, Status.INVALIDATED},
    Status.FILED: _OPEN,
    Status.AMENDED: _OPEN,
    Status.ASSESSED: _OPEN,
    # A referral is answered (back to assessed), or ends in an inspection or a release on arrival.
    Status.REFERRED: {
        Status.AMENDED,
        Status.ASSESSED,
        Status.REFERRED,
        Status.ARRIVED,
        Status.INSPECTED,
        Status.RELEASED,
        Status.INVALIDATED,
    },
    Status.ARRIVED: {Status.REFERRED, Status.INSPECTED, Status.RELEASED},
    Status.INSPECTED: {Status.RELEASED, Status.REFERRED},
    Status.RELEASED: set(),
    Status.INVALIDATED: set(),
}
#: Consignments still to be dealt with: screened again when a list changes, shown in the worklist.
OPEN_STATUSES = (Status.FILED, Status.AMENDED, Status.ASSESSED, Status.REFERRED, Status.ARRIVED)
#: A filer may amend (or invalidate) only before the officers have finished with it.
AMENDABLE = (Status.FILED, Status.AMENDED, Status.ASSESSED, Status.REFERRED)


class ReferralKind(models.TextChoices):
    INFORMATION = "information", _("Request for information")
    DO_NOT_LOAD = "do_not_load", _("Do not load")
    HOLD = "hold", _("Hold for inspection on arrival")


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the filer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ExaminationResult(models.TextChoices):
    FOUND = "found", _("Found (something irregular)")
    NOT_FOUND = "not_found", _("Nothing found")
