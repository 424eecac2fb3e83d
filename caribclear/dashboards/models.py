"""The strategic threat assessment as a saved product: its period and region, the analyst's narrative,
and its way from draft through a second official's approval to release.

The figures are not stored: each export counts, at that moment, only the records its reader may see
(`dashboards.selectors`), so a report can never show a reader more than the visibility rule allows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caribclear.core.models import TimeStampedModel
from caribclear.intel.choices import Commodity, Tlp

from .choices import AssessmentStatus


class ThreatAssessment(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    administration = models.ForeignKey(
        "accounts.Administration",
        verbose_name=_("administration"),
        on_delete=models.PROTECT,
        related_name="threat_assessments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    members = models.JSONField(_("members (region)"), default=list, blank=True)
    commodity = models.CharField(_("commodity"), max_length=20, choices=Commodity.choices, blank=True)
    tlp = models.CharField(
        _("TLP label of the narrative"),
        max_length=12,
        choices=Tlp.choices,
        default=Tlp.GREEN,
        help_text=_(
            "The report is marked with the more restrictive of this label and the labels of the records "
            "it is built from."
        ),
    )
    key_judgements = models.TextField(
        _("Key judgements"), blank=True, help_text=_("One judgement per line, most important first.")
    )
    assessment = models.TextField(
        _("Assessment"), blank=True, help_text=_("Paragraphs: a blank line between.")
    )
    outlook = models.TextField(_("Outlook"), blank=True, help_text=_("What to expect in the next period."))
    recommendations = models.TextField(
        _("Recommendations"), blank=True, help_text=_("For heads of customs; one per line.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    returned_note = models.CharField(_("why it was returned"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("strategic threat assessment")
        verbose_name_plural = _("strategic threat assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")), name="assessment_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_final(self) -> bool:
        return self.status in (AssessmentStatus.APPROVED, AssessmentStatus.RELEASED)
