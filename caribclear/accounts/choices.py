from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator (captain, owner or agent)")
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


OFFICIAL_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


class Agency(models.TextChoices):
    CUSTOMS = "customs", _("Customs")
    IMMIGRATION = "immigration", _("Immigration")
    PORT_HEALTH = "port_health", _("Port health")
