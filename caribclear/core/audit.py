"""The audit trail: one call records who did what to which record, from which request."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from . import bulk
from .chain import canonical_content, chain_contents
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
    """Append one event. `actor` is a user (or None for the system); `obj` the record acted on. Inside
    `audit_as_one()` the event is gathered into that block's one event instead (and returned unsaved)."""
    event = _event(actor=actor, action=action, obj=obj, summary=summary, data=data)
    if _gather(action, obj, summary, data):
        return event
    event.save(force_insert=True)
    return event


# --- Several events of one act as one -------------------------------------------------------------------
#: The events recorded inside `audit_as_one()` (this thread or task), gathered into its one event.
_gathered: ContextVar[list[dict[str, Any]] | None] = ContextVar("audit_gathered", default=None)


def _gather(action: str, obj: models.Model | None, summary: str, data: dict[str, Any] | None) -> bool:
    gathered = _gathered.get()
    if gathered is None:
        return False
    gathered.append(
        {
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "summary": summary[:500],
            "data": data or {},
        }
    )
    return True


@dataclass
class OneEvent:
    """The event `audit_as_one()` writes: the caller sets what it acted on, its summary and its own data
    while the block runs; the events gathered inside are added to the data under ``events``."""

    obj: models.Model | None = None
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def audit_as_one(*, actor: Any, action: str) -> Iterator[OneEvent]:
    """Record one act that calls several services as ONE event: every event `audit_record` and
    `audit_records` make inside the block (in this thread) is gathered, not written, and when the block
    ends without an error one event is appended carrying them (action, record, summary and data of each,
    in order, under ``data["events"]``) with what the caller set on the yielded `OneEvent`. Nothing is
    written if the block raises. Use it inside the transaction that makes the events (it raises
    otherwise): the chain's lock (PostgreSQL) is then taken once, at the block's end, and held only to the
    commit, where each event would have taken it where it was made (an interactive boarding check made
    three: the filing, screening's run, the answers)."""
    alias = router.db_for_write(AuditEvent)
    if not connections[alias].in_atomic_block:
        raise RuntimeError("audit_as_one must run inside the transaction that makes the events")
    gathered: list[dict[str, Any]] = []
    one = OneEvent()
    token = _gathered.set(gathered)
    try:
        yield one
    finally:
        _gathered.reset(token)
    data = {**one.data, "events": gathered} if gathered else one.data
    # as a plain row (`audit_records`): the model's save built its INSERT anew for every interactive check
    audit_records(actor=actor, action=action, items=[(one.obj, one.summary, data)])


# --- Many events at once, as plain rows -----------------------------------------------------------------
#: The columns `audit_records` writes, in the order of its rows (every concrete field but the id).
_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "administration_code",
    "action",
    "object_type",
    "object_id",
    "summary",
    "data",
    "request_id",
    "client_request_id",
    "ip",
    "user_agent",
    "method",
    "path",
    "prev_hash",
    "row_hash",
)

#: Events of `audit_records` calls made inside `audit_deferred()`, kept to be written when it ends.
_pending: ContextVar[list[tuple[bytes, list[Any]]] | None] = ContextVar("audit_pending", default=None)


def audit_records(
    *, actor: Any, action: str, items: Iterable[tuple[models.Model | None, str, dict[str, Any] | None]]
) -> int:
    """Append one event per (obj, summary, data), all at the same time, as plain rows: their links of the
    hash chain are hashed from the content `core.chain.canonical` makes of each row, and the rows go in
    by one COPY on PostgreSQL (`core.bulk.insert`), one `executemany` on SQLite. Inside
    `audit_deferred()` they are written when it ends; inside `audit_as_one()` they are gathered into its
    one event. Returns the number of events."""
    gathered = _gathered.get()
    if gathered is not None:
        count = 0
        for obj, summary, data in items:
            _gather(action, obj, summary, data)
            count += 1
        return count
    info = current_request.get()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    administration = getattr(actor, "administration", None) if is_user else None
    at = timezone.now()
    common = {
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor_id": actor.pk if is_user else None,
        "actor_label": (actor.get_username() if is_user else "system")[:254],
        "administration_code": getattr(administration, "code", "") or "",
        "action": action,
        "request_id": info.request_id if info else "",
        "client_request_id": info.client_request_id if info else "",
        "ip": info.ip if info else "",
        "user_agent": info.user_agent if info else "",
        "method": info.method if info else "",
        "path": info.path if info else "",
    }
    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    at_db = AuditEvent._meta.get_field("at").get_db_prep_value(at, connection)
    data_field = AuditEvent._meta.get_field("data")
    events: list[tuple[bytes, list[Any]]] = []
    for obj, summary, data in items:
        object_type = obj._meta.label_lower if obj is not None else ""
        object_id = str(obj.pk) if obj is not None else ""
        summary = summary[:500]
        # As `canonical` sees the stored value: the field's JSON, read back.
        stored = json.loads(json.dumps(data or {}, cls=data_field.encoder))
        content = canonical_content(
            {**common, "object_type": object_type, "object_id": object_id, "summary": summary, "data": stored}
        )
        row = [
            at_db,
            common["actor_id"],
            common["actor_label"],
            common["administration_code"],
            action,
            object_type,
            object_id,
            summary,
            data_field.get_db_prep_value(stored, connection),
            common["request_id"],
            common["client_request_id"],
            common["ip"],
            common["user_agent"],
            common["method"],
            common["path"],
        ]
        events.append((content, row))
    pending = _pending.get()
    if pending is not None:
        pending.extend(events)
    else:
        _write(events, alias)
    return len(events)


def _write(events: list[tuple[bytes, list[Any]]], alias: str) -> None:
    if not events:
        return
    with transaction.atomic(using=alias, savepoint=False):
        links = chain_contents(AuditEvent, (content for content, _row in events), alias)
        bulk.insert(
            AuditEvent._meta.db_table,
            _COLUMNS,
            [
                (*row, prev_hash, row_hash)
                for (_c, row), (prev_hash, row_hash) in zip(events, links, strict=True)
            ],
        )


@contextlib.contextmanager
def audit_deferred() -> Iterator[None]:
    """Keep the events of `audit_records` calls made inside, and write them, in the order of the calls,
    when the block ends without an error (nothing is written if it raises). Use it inside the transaction
    that makes the events (it raises otherwise): the chain's lock (PostgreSQL), taken by the first append
    of a transaction and held to its commit, is then held only from the block's end to the commit, so
    another worker's transaction appending to the chain waits for the write and the commit, not for all
    the work done before it."""
    alias = router.db_for_write(AuditEvent)
    if not connections[alias].in_atomic_block:
        raise RuntimeError("audit_deferred must run inside the transaction that makes the events")
    if _pending.get() is not None:  # already deferred by an enclosing block, which writes them
        yield
        return
    pending: list[tuple[bytes, list[Any]]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _write(pending, alias)
