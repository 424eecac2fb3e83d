"""Writes on strategic threat assessments: draft, edit, submit, return, approve (a second official),
release. Each is audited; each status change goes through `ASSESSMENT_STATUS` (the status history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.pipeline import Pipeline
from caribclear.core.refs import new_reference
from caribclear.intel.choices import TLP_RANK

from .choices import ASSESSMENT_PIPELINE, AssessmentStatus
from .models import ThreatAssessment

ASSESSMENT_STATUS = Pipeline(
    "status",
    ASSESSMENT_PIPELINE,
    message=_lazy("A report that is %(status)s cannot become %(requested)s."),
)
NARRATIVE = ("key_judgements", "assessment", "outlook", "recommendations")
EDITABLE = ("title", "date_from", "date_to", "members", "commodity", "tlp", *NARRATIVE)


def _require_official(actor: User) -> int:
    if not actor.is_official or actor.administration_id is None:
        raise PermissionDenied
    return actor.administration_id


def _require_own(actor: User, assessment: ThreatAssessment) -> None:
    if _require_official(actor) != assessment.administration_id:
        raise PermissionDenied


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown assessment fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "title" in values and not str(values["title"]).strip():
        errors["title"] = _("Give the report a title.")
    date_from: dt.date | None = values.get("date_from")
    date_to: dt.date | None = values.get("date_to")
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = _("The end of the period is before its start.")
    if "tlp" in values and values["tlp"] not in TLP_RANK:
        errors["tlp"] = _("Choose a TLP label.")
    if errors:
        raise ValidationError(errors)
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


def _locked(assessment: ThreatAssessment) -> ThreatAssessment:
    return ThreatAssessment.objects.select_for_update().get(pk=assessment.pk)


def assessment_create(*, actor: User, **values: Any) -> ThreatAssessment:
    """A new draft of the actor's administration for a period, region and commodity."""
    administration_id = _require_official(actor)
    values = _clean(values)
    for required in ("title", "date_from", "date_to"):
        if not values.get(required):
            raise ValidationError({required: _("This field is required.")})
    with transaction.atomic():
        reference = new_reference()
        while ThreatAssessment.objects.filter(reference=reference).exists():
            reference = new_reference()
        assessment = ThreatAssessment.objects.create(
            reference=reference, administration_id=administration_id, author=actor, **values
        )
        audit_record(
            actor=actor,
            action="threat_assessment.create",
            obj=assessment,
            summary=f"{assessment.reference} {assessment.title}"[:500],
        )
    return assessment


def assessment_update(*, actor: User, assessment: ThreatAssessment, **values: Any) -> ThreatAssessment:
    """Change a draft (its period, region, label or narrative)."""
    _require_own(actor, assessment)
    values = _clean(values)
    with transaction.atomic():
        assessment = _locked(assessment)
        if assessment.status != AssessmentStatus.DRAFT:
            raise ValidationError(_("Only a draft can be changed; ask the approver to return it."))
        changed = sorted(k for k, v in values.items() if getattr(assessment, k) != v)
        for key, value in values.items():
            setattr(assessment, key, value)
        assessment.full_clean(exclude=["author", "administration"])
        assessment.save()
        audit_record(
            actor=actor,
            action="threat_assessment.update",
            obj=assessment,
            summary=assessment.reference,
            data={"changed": changed},
        )
    return assessment


def assessment_submit(*, actor: User, assessment: ThreatAssessment) -> ThreatAssessment:
    """The author hands the draft to a second official for approval."""
    _require_own(actor, assessment)
    with transaction.atomic():
        assessment = _locked(assessment)
        if actor.pk != assessment.author_id:
            raise PermissionDenied
        if not assessment.key_judgements.strip():
            raise ValidationError({"key_judgements": _("Write the key judgements before submitting.")})
        ASSESSMENT_STATUS.move(assessment, AssessmentStatus.SUBMITTED, actor=actor)
        assessment.submitted_at = timezone.now()
        assessment.returned_note = ""
        assessment.save(update_fields=["status", "submitted_at", "returned_note", "updated_at"])
        audit_record(
            actor=actor, action="threat_assessment.submit", obj=assessment, summary=assessment.reference
        )
    return assessment


def _require_second_official(actor: User, assessment: ThreatAssessment) -> None:
    """A supervisor or administrator of the owning administration who is not the author."""
    _require_own(actor, assessment)
    if not actor.is_supervisor or actor.pk == assessment.author_id:
        raise PermissionDenied


def assessment_return(*, actor: User, assessment: ThreatAssessment, note: str) -> ThreatAssessment:
    """The second official sends a submitted report back to its author, saying why."""
    _require_second_official(actor, assessment)
    if not note.strip():
        raise ValidationError({"note": _("Say what should change.")})
    with transaction.atomic():
        assessment = _locked(assessment)
        ASSESSMENT_STATUS.move(assessment, AssessmentStatus.DRAFT, actor=actor, note=note.strip())
        assessment.returned_note = note.strip()[:500]
        assessment.save(update_fields=["status", "returned_note", "updated_at"])
        audit_record(
            actor=actor,
            action="threat_assessment.return",
            obj=assessment,
            summary=assessment.reference,
            data={"note": assessment.returned_note},
        )
    return assessment


def assessment_approve(*, actor: User, assessment: ThreatAssessment) -> ThreatAssessment:
    """A second official approves a submitted report: from now on it exports as final."""
    _require_second_official(actor, assessment)
    with transaction.atomic():
        assessment = _locked(assessment)
        ASSESSMENT_STATUS.move(assessment, AssessmentStatus.APPROVED, actor=actor)
        assessment.approved_by = actor
        assessment.approved_at = timezone.now()
        assessment.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            actor=actor, action="threat_assessment.approve", obj=assessment, summary=assessment.reference
        )
    return assessment


def assessment_release(*, actor: User, assessment: ThreatAssessment) -> ThreatAssessment:
    """An approved report is released to its readers (by its author or a supervisor)."""
    _require_own(actor, assessment)
    if not (actor.is_supervisor or actor.pk == assessment.author_id):
        raise PermissionDenied
    with transaction.atomic():
        assessment = _locked(assessment)
        ASSESSMENT_STATUS.move(assessment, AssessmentStatus.RELEASED, actor=actor)
        assessment.released_at = timezone.now()
        assessment.save(update_fields=["status", "released_at", "updated_at"])
        audit_record(
            actor=actor, action="threat_assessment.release", obj=assessment, summary=assessment.reference
        )
    return assessment
