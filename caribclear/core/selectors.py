from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_for(*, actor: object) -> QuerySet[AuditEvent]:
    """The audit trail a supervisor or administrator may read: what officials of their own
    administration did. Other administrations' trails are not theirs to see."""
    administration = getattr(actor, "administration", None)
    if administration is None or not getattr(actor, "is_supervisor", False):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(administration_code=administration.code)
