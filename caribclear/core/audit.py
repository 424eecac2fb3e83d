"""The audit trail: one call records who did what to which record, from which request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from .context import current_request
from .models import AuditEvent


def _event(
    *, actor: Any, action: str, obj: models.Model | None, summary: str, data: dict[str, Any] | None
) -> AuditEvent:
    info = current_request.get()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    administration = getattr(actor, "administration", None) if is_user else None
    return AuditEvent(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system")[:254],
        administration_code=getattr(administration, "code", "") or "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:500],
        data=data or {},
        request_id=info.request_id if info else "",
        client_request_id=info.client_request_id if info else "",
        ip=info.ip if info else "",
        user_agent=info.user_agent if info else "",
        method=info.method if info else "",
        path=info.path if info else "",
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `actor` is a user (or None for the system); `obj` the record acted on."""
    event = _event(actor=actor, action=action, obj=obj, summary=summary, data=data)
    event.save(force_insert=True)
    return event


def audit_records(
    *, actor: Any, action: str, items: Iterable[tuple[models.Model | None, str, dict[str, Any] | None]]
) -> list[AuditEvent]:
    """Append one event per (obj, summary, data) in one insert (and one link to the hash chain)."""
    events = [
        _event(actor=actor, action=action, obj=obj, summary=summary, data=data)
        for obj, summary, data in items
    ]
    return AuditEvent.objects.bulk_create(events) if events else []
