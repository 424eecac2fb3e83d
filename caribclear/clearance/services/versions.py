"""Every submission and amendment freezes the whole notification in a `NotificationVersion`, with the
list of what changed since the version before; the first filing makes the notification's declaration, and
each filing sends `declaration_filed` or `declaration_amended` after commit (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.declarations import declaration_amended, declaration_filed, send_on_commit

from ..declaration import notification_declaration_sync
from ..models import Notification, NotificationVersion
from .filing import DECLARATION_FIELDS, people_of
from .receipts import send_receipt_task

logger = logging.getLogger(__name__)
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


# What a version keeps of the vessel, of each person and of each weapon, as the officer's page shows
# them. Versions filed before these were kept lack `vessel_details`, each person's sex, and each
# weapon's make, model and calibre (see migration 0004 and `clearance.versions`).
VESSEL_DETAILS = (
    "name",
    "vessel_type",
    "flag",
    "registration_number",
    "port_of_registry",
    "call_sign",
    "mmsi",
    "imo_number",
    "hull_id",
    "length_m",
    "hull_colour",
    "owner_name",
    "owner_address",
)
PERSON_DETAILS = ("surname", "given_names", "sex", "date_of_birth", "nationality")
WEAPON_DETAILS = ("kind", "make", "model", "serial_number", "calibre", "quantity")


def _plain(value: Any) -> Any:
    """A field's value as JSON: ISO dates, decimals as text, countries as their code."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return str(value) if hasattr(value, "code") else value  # django-countries Country


def _value(notification: Notification, name: str) -> Any:
    value = getattr(notification, name)
    if name == "vessel":
        return {"id": value.pk, "name": value.name}
    if name == "port":
        return {"locode": value.locode, "name": value.name}
    if name == "administration":
        return notification.administration.code
    return _plain(value)


def snapshot(notification: Notification) -> dict[str, Any]:
    """The whole notification as filed, as plain JSON: what the version history keeps."""
    data = {name: _value(notification, name) for name in SNAPSHOT_FIELDS}
    vessel = notification.vessel
    data["vessel_details"] = {name: _plain(getattr(vessel, name)) for name in VESSEL_DETAILS}
    data["people"] = [
        {
            "person_id": a.person.pk,
            "name": str(a.person),
            **{name: _plain(getattr(a.person, name)) for name in PERSON_DETAILS},
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
        {"description": str(w), **{name: _plain(getattr(w, name)) for name in WEAPON_DETAILS}}
        for w in vessel.weapons.all()
    ]
    return data


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("locode") or value)
    if value is None:
        return ""
    return str(value)


def _weapons(weapons: list[dict[str, Any]]) -> str:
    return "; ".join(
        " ".join(part for part in (w["description"], w.get("serial_number", "")) if part) for w in weapons
    )


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, str]]:
    """What changed from one snapshot to the next: ``[{"field", "old", "new"}]``, with ``"person"`` (the
    name) for a change to one person's details. Values are stored raw (codes, ISO dates); pages turn
    fields into labels and codes into words (`clearance.versions`). Details a version did not keep yet
    (an older snapshot) are not compared."""
    changes = [
        {"field": name, "old": _describe(before.get(name)), "new": _describe(after.get(name))}
        for name in SNAPSHOT_FIELDS
        if before.get(name) != after.get(name)
    ]
    old_vessel, new_vessel = before.get("vessel_details") or {}, after.get("vessel_details") or {}
    changes += [
        {"field": f"vessel.{name}", "old": _describe(old_vessel[name]), "new": _describe(new_vessel[name])}
        for name in VESSEL_DETAILS
        if name in old_vessel and name in new_vessel and old_vessel[name] != new_vessel[name]
    ]
    old_people = {p["person_id"]: p for p in before.get("people", [])}
    new_people = {p["person_id"]: p for p in after.get("people", [])}
    for pid, person in new_people.items():
        old = old_people.get(pid)
        if old is None:
            changes.append({"field": "people", "old": "", "new": f"{person['name']} ({person['role']})"})
            continue
        if old["role"] != person["role"]:
            changes.append(
                {
                    "field": "people.role",
                    "old": f"{old['name']} ({old['role']})",
                    "new": f"{person['name']} ({person['role']})",
                }
            )
        if old["document"] != person["document"]:
            changes.append(
                {
                    "field": "people.document",
                    "old": f"{old['name']}: {old['document']['number']}",
                    "new": f"{person['name']}: {person['document']['number']}",
                }
            )
        changes += [
            {
                "field": f"people.{name}",
                "person": person["name"],
                "old": _describe(old[name]),
                "new": _describe(person[name]),
            }
            for name in PERSON_DETAILS
            if name in old and name in person and old[name] != person[name]
        ]
    for pid, person in old_people.items():
        if pid not in new_people:
            changes.append({"field": "people", "old": f"{person['name']} ({person['role']})", "new": ""})
    old_weapons, new_weapons = before.get("weapons"), after.get("weapons")
    comparable = all("make" in w for w in [*(old_weapons or []), *(new_weapons or [])])
    if old_weapons is not None and new_weapons is not None and comparable and old_weapons != new_weapons:
        changes.append({"field": "weapons", "old": _weapons(old_weapons), "new": _weapons(new_weapons)})
    return changes


# --- Side effects ----------------------------------------------------------------------------------


def record_version(
    *, actor: User, notification: Notification, action: str, save_also: Sequence[str] = ()
) -> NotificationVersion:
    """File the notification as it is now: a new version when anything changed since the last one, its
    declaration (made at the first filing), the captain's receipt and the declaration event after commit.
    ``save_also`` names fields the caller changed, saved with the version number in one update."""
    data = snapshot(notification)
    previous = notification.versions.order_by("-number").first()
    changes = changes_between(previous.snapshot, data) if previous is not None else []
    if previous is not None and not changes:
        if save_also:
            notification.save(update_fields=[*save_also, "updated_at"])
        return previous
    notification.version = (previous.number if previous is not None else 0) + 1
    declaration, first = notification_declaration_sync(notification, save=False)
    notification.save(update_fields=[*save_also, "version", "declaration", "updated_at"])
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
    # The receipt is a background job: a slow or failing mail server neither delays nor undoes the filing.
    transaction.on_commit(lambda: send_receipt_task.enqueue(notification_id=notification_id))
    send_on_commit(declaration_filed if first else declaration_amended, declaration)
    return version
