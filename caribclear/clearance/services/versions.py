"""Every submission and amendment freezes the whole notification in a `NotificationVersion`, with the
list of what changed since the version before; then the hooks run (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record

from ..models import Notification, NotificationVersion
from .filing import DECLARATION_FIELDS, people_of

logger = logging.getLogger(__name__)

# Called with the notification id after each submission or amendment has committed (see the docstring).
notification_submitted_hooks: list[Callable[[int], None]] = []

# The fields a snapshot records, in the order changes are listed.
SNAPSHOT_FIELDS = (
    "kind",
    "vessel",
    "port",
    "administration",
    "expected_at",
    "last_port",
    "last_port_country",
    "next_port",
    "next_port_country",
    "purpose",
    "is_charter",
    *DECLARATION_FIELDS,
)


def _value(notification: Notification, name: str) -> Any:
    value = getattr(notification, name)
    if name == "vessel":
        return {"id": value.pk, "name": value.name}
    if name == "port":
        return {"locode": value.locode, "name": value.name}
    if name == "administration":
        return notification.administration.code
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return str(value) if hasattr(value, "code") else value  # django-countries Country


def snapshot(notification: Notification) -> dict[str, Any]:
    """The whole notification as filed, as plain JSON: what the version history keeps."""
    data = {name: _value(notification, name) for name in SNAPSHOT_FIELDS}
    data["people"] = [
        {
            "person_id": a.person.pk,
            "name": str(a.person),
            "nationality": str(a.person.nationality),
            "date_of_birth": a.person.date_of_birth.isoformat(),
            "role": a.role,
            "document": {
                "id": a.document.pk,
                "type": a.document.document_type,
                "number": a.document.number,
                "issuing_state": str(a.document.issuing_state),
                "expiry_date": a.document.expiry_date.isoformat(),
            },
        }
        for a in people_of(notification)
    ]
    data["weapons"] = [
        {"kind": w.kind, "description": str(w), "serial_number": w.serial_number, "quantity": w.quantity}
        for w in notification.vessel.weapons.all()
    ]
    return data


def _describe(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("locode") or value)
    if value is None:
        return ""
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, str]]:
    """What changed from one snapshot to the next: ``[{"field", "old", "new"}]``. Values are stored raw
    (codes, ISO dates); pages turn fields into labels and codes into words (see selectors)."""
    changes = [
        {"field": name, "old": _describe(name, before.get(name)), "new": _describe(name, after.get(name))}
        for name in SNAPSHOT_FIELDS
        if before.get(name) != after.get(name)
    ]
    old_people = {p["person_id"]: p for p in before.get("people", [])}
    new_people = {p["person_id"]: p for p in after.get("people", [])}
    for pid, person in new_people.items():
        old = old_people.get(pid)
        if old is None:
            changes.append({"field": "people", "old": "", "new": f"{person['name']} ({person['role']})"})
        elif old["role"] != person["role"]:
            changes.append(
                {
                    "field": "people.role",
                    "old": f"{old['name']} ({old['role']})",
                    "new": f"{person['name']} ({person['role']})",
                }
            )
        elif old["document"] != person["document"]:
            changes.append(
                {
                    "field": "people.document",
                    "old": f"{old['name']}: {old['document']['number']}",
                    "new": f"{person['name']}: {person['document']['number']}",
                }
            )
    for pid, person in old_people.items():
        if pid not in new_people:
            changes.append({"field": "people", "old": f"{person['name']} ({person['role']})", "new": ""})
    return changes


# --- Side effects ----------------------------------------------------------------------------------


def _run_submitted_hooks(notification_id: int) -> None:
    for hook in list(notification_submitted_hooks):
        try:
            hook(notification_id)
        except Exception:
            logger.exception(
                "notification_submitted hook %r failed for notification %s", hook, notification_id
            )


def record_version(*, actor: User, notification: Notification, action: str) -> NotificationVersion:
    data = snapshot(notification)
    previous = notification.versions.order_by("-number").first()
    changes = changes_between(previous.snapshot, data) if previous is not None else []
    if previous is not None and not changes:
        return previous
    notification.version = (previous.number if previous is not None else 0) + 1
    notification.save(update_fields=["version", "updated_at"])
    version = NotificationVersion.objects.create(
        notification=notification,
        number=notification.version,
        created_by=actor,
        snapshot=data,
        changes=changes,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=notification,
        summary=f"{notification.reference} version {version.number}",
        data={"version": version.number, "changes": [c["field"] for c in changes]},
    )
    notification_id = notification.pk
    transaction.on_commit(lambda: _run_submitted_hooks(notification_id))
    return version
