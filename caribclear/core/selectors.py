from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent
from .visibility import visible


def audit_events_for(*, actor: object) -> QuerySet[AuditEvent]:
    """The audit trail a supervisor or administrator may read (the rule: `core.visibility`)."""
    return visible(actor, AuditEvent)
