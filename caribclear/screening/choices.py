from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceFormat(models.TextChoices):
    OFAC = "ofac", _("OFAC SDN (CSV)")
    UN = "un", _("UN Security Council consolidated list (XML)")
    FTM = "ftm", _("FollowTheMoney entities (JSON lines)")
    CSL = "csl", _("US Consolidated Screening List (CSV)")
    CSV = "csv", _("Lookout CSV")
    LOOKOUTS = "lookouts", _("Regional lookouts (entered in CaribClear)")
    INTEL = "intel", _("Intelligence alerts (released to the administration)")


# Lists whose content is kept in CaribClear itself (each item says whom it is shared with), not imported.
ENTERED_FORMATS = (SourceFormat.LOOKOUTS, SourceFormat.INTEL)

# Formats that can be imported from a file (the engine's readers).
FILE_FORMATS = (SourceFormat.OFAC, SourceFormat.UN, SourceFormat.FTM, SourceFormat.CSL, SourceFormat.CSV)


class Sharing(models.TextChoices):
    ALL = "all", _("Every member administration")
    NAMED = "named", _("Named member administrations only")
    OWN = "own", _("Our administration only")


class LookoutKind(models.TextChoices):
    PERSON = "Person", _("Person")
    VESSEL = "Vessel", _("Vessel")
    ORGANIZATION = "Organization", _("Organisation")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person on board")
    VESSEL = "vessel", _("Vessel")
    OWNER = "owner", _("Vessel owner")
    COMPANY = "company", _("Company")


class Disposition(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    TRUE_MATCH = "true_match", _("True match")
    FALSE_POSITIVE = "false_positive", _("False positive")


class ScreeningReason(models.TextChoices):
    FILED = "filed", _("Submitted or amended")
    LIST_CHANGED = "list_changed", _("A watchlist changed")
    MANUAL = "manual", _("Screened again by an officer")
