from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator (captain, owner or agent)")
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")
    SECRETARIAT = "secretariat", _("Secretariat programme staff")
    TUTOR = "tutor", _("External tutor")
    PARTNER = "partner", _("Partner agency analyst")


# Officials of a member administration: the only accounts that see its clearance and intelligence records.
OFFICIAL_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


class OrganisationKind(models.TextChoices):
    """What an organisation in the platform is. Only members own officials and operational records."""

    MEMBER = "member", _("Member administration")
    SECRETARIAT = "secretariat", _("Regional secretariat")
    PARTNER = "partner", _("Partner agency")


class Agency(models.TextChoices):
    CUSTOMS = "customs", _("Customs")
    IMMIGRATION = "immigration", _("Immigration")
    PORT_HEALTH = "port_health", _("Port health")


class TokenScope(models.TextChoices):
    """What an API token may do. Each router says which scope its operations need (`accounts.api_auth`)."""

    READ = "read", _("Read")
    FILE = "file", _("File")
    INTEL = "intel", _("Intelligence")
    TAXII = "taxii", _("TAXII feed")


TOKEN_SCOPE_HELP = {
    TokenScope.READ: _("look up records"),
    TokenScope.FILE: _("create, change, submit and cancel records"),
    TokenScope.INTEL: _("read and record intelligence (officials, in a session signed in with two steps)"),
    TokenScope.TAXII: _("pull shared intelligence as STIX over TAXII 2.1, and nothing else"),
}


# How long a new token lasts, in days (the form offers these; 90 by default).
TOKEN_LIFETIMES = (30, 90, 180, 365)
DEFAULT_TOKEN_LIFETIME = 90
