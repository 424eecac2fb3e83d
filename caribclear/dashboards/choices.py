"""Choices of the strategic threat assessment: its life from draft to release."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RELEASED = "released", _("Released")


# Allowed next statuses. A submitted report goes back to draft when the approver returns it; only an
# approved report is released; a released report is final.
ASSESSMENT_PIPELINE: dict[str, frozenset[str]] = {
    AssessmentStatus.DRAFT: frozenset({AssessmentStatus.SUBMITTED}),
    AssessmentStatus.SUBMITTED: frozenset({AssessmentStatus.DRAFT, AssessmentStatus.APPROVED}),
    AssessmentStatus.APPROVED: frozenset({AssessmentStatus.RELEASED}),
    AssessmentStatus.RELEASED: frozenset(),
}

# Approved and released reports are final: exported without the DRAFT watermark.
FINAL_STATUSES = (AssessmentStatus.APPROVED, AssessmentStatus.RELEASED)
