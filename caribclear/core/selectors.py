from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent
from .visibility import visible


def audit_events_for(*, actor: object) -> QuerySet[AuditEvent]:
    """The audit trail a supervisor or administrator may read (the rule: `core.visibility`)."""
    return visible(actor, AuditEvent)


def audit_actors_for(*, actor: object) -> list[tuple[str, str]]:
    """The people who appear in the trail the reader may see (id, name as recorded), for its filter."""
    rows = (
        audit_events_for(actor=actor)
        .exclude(actor_id=None)
        .values_list("actor_id", "actor_label")
        .distinct()
        .order_by("actor_label")
    )
    return [(str(pk), label) for pk, label in rows]
