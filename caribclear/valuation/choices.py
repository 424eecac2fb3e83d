from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WCO_DM = "wco-dm", _("WCO Data Model XML")
    CSV = "csv", _("CSV extract")
    XLSX = "xlsx", _("XLSX extract")
    API = "api", _("API")
    FILING = "filing", _("Declared on a filing")


class Level(models.TextChoices):
    EXPORTER = "exporter", _("HS6, origin and exporter")
    NATIONAL = "national", _("National tariff line and origin")
    HS6_ORIGIN = "hs6_origin", _("HS6 and origin")
    HS6 = "hs6", _("HS6, all origins")
    HS4 = "hs4", _("HS4, all origins")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Reason to doubt recorded")
    EVIDENCE_REQUESTED = "evidence_requested", _("Evidence requested from the importer")
    ANSWERED = "answered", _("Importer answered")
    DECIDED = "decided", _("Decided")


#: Decision 6.1: the importer is asked before a value is rejected; the officer may accept at any point.
CASE_PIPELINE = {
    CaseStatus.OPEN: {CaseStatus.EVIDENCE_REQUESTED, CaseStatus.DECIDED},
    CaseStatus.EVIDENCE_REQUESTED: {CaseStatus.ANSWERED, CaseStatus.DECIDED},
    CaseStatus.ANSWERED: {CaseStatus.EVIDENCE_REQUESTED, CaseStatus.DECIDED},
    CaseStatus.DECIDED: set(),
}


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Declared value accepted")
    DETERMINED = "determined", _("Value determined by another method")


class Method(models.TextChoices):
    """The methods of the WTO Valuation Agreement, in their order of application."""

    TRANSACTION = "art1", _("Article 1: transaction value of the imported goods")
    IDENTICAL = "art2", _("Article 2: transaction value of identical goods")
    SIMILAR = "art3", _("Article 3: transaction value of similar goods")
    DEDUCTIVE = "art5", _("Article 5: deductive value")
    COMPUTED = "art6", _("Article 6: computed value")
    FALLBACK = "art7", _("Article 7: fall-back method")
