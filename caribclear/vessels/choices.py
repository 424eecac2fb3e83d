from django.db import models
from django.utils.translation import gettext_lazy as _


class VesselType(models.TextChoices):
    SAILING_YACHT = "sailing_yacht", _("Sailing yacht")
    MOTOR_YACHT = "motor_yacht", _("Motor yacht")
    CATAMARAN = "catamaran", _("Catamaran")
    TRIMARAN = "trimaran", _("Trimaran")
    SUPERYACHT = "superyacht", _("Superyacht (24 m and over)")
    FISHING = "fishing", _("Sport fishing boat")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class DocumentType(models.TextChoices):
    PASSPORT = "P", _("Passport")
    IDENTITY_CARD = "I", _("Identity card")
    SEAFARER = "S", _("Seafarer's identity document")
    OTHER = "O", _("Other travel document")


class WeaponKind(models.TextChoices):
    FIREARM = "firearm", _("Firearm")
    AMMUNITION = "ammunition", _("Ammunition")
    FLARE_GUN = "flare_gun", _("Flare gun")
    OTHER = "other", _("Other weapon")


class PersonCategory(models.TextChoices):
    CREW = "crew", _("Crew")
    PASSENGER = "passenger", _("Passenger")
