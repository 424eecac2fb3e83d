"""The clearance app's retention rule: personal data of past voyages is removed after the period the
port's administration chose (five years unless it chose otherwise; `core.retention`).

What goes, for each closed notification (cleared, refused or cancelled) expected before the cut-off: the
links from the voyage to the operator's people and documents, and in every version filed the names,
dates of birth, sex and document numbers and expiry dates of the people on board, with the changes that
named them. What stays: the voyage (vessel, port, dates, kind, status, decisions), each person's role,
nationality and document type and issuing state, so figures and the vessel's history still add up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caribclear.core.retention import Policy, RetentionRule, register

from .choices import Status
from .models import Notification, NotificationPerson, NotificationVersion

CLOSED = (Status.CLEARED, Status.REFUSED, Status.CANCELLED)
REMOVED = "personal_data_removed"  # the key a minimised snapshot carries (so a second run skips it)


def minimised_person(person: dict[str, Any]) -> dict[str, Any]:
    document = person.get("document") or {}
    return {
        "person_id": None,
        "name": "",
        "surname": "",
        "given_names": "",
        "sex": "",
        "date_of_birth": None,
        "nationality": person.get("nationality", ""),
        "role": person.get("role", ""),
        "document": {
            "id": None,
            "type": document.get("type", ""),
            "number": "",
            "issuing_state": document.get("issuing_state", ""),
            "expiry_date": None,
        },
    }


def minimised_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {**snapshot, "people": [minimised_person(p) for p in snapshot.get("people", [])], REMOVED: True}


def minimised_changes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**change, "old": "", "new": ""}
        if str(change.get("field", "")).startswith(("people", "person"))
        else change
        for change in changes
    ]


def voyages_minimise(policy: Policy, *, dry_run: bool = False) -> int:
    """Minimise the personal data of closed voyages past their administration's period."""
    due = Notification.objects.filter(
        policy.expired("administration_id", "expected_at"), status__in=CLOSED
    ).filter(Q(people_on_board__isnull=False) | Q(versions__snapshot__personal_data_removed__isnull=True))
    ids = list(due.values_list("pk", flat=True).distinct())
    if dry_run or not ids:
        return len(ids)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        NotificationPerson.objects.filter(notification_id__in=batch).delete()
        versions = NotificationVersion.objects.filter(notification_id__in=batch)
        for version in versions.iterator(chunk_size=500):
            version.snapshot = minimised_snapshot(version.snapshot)
            version.changes = minimised_changes(version.changes or [])
            version.save(update_fields=["snapshot", "changes"])
    return len(ids)


def register_clearance_retention() -> None:
    register(
        RetentionRule(
            key="clearance.voyages",
            label=_("People on past voyages (arrival and departure notifications)"),
            description=_(
                "After the period, names, dates of birth and document numbers are removed from closed "
                "notifications; the voyage itself, roles and nationalities stay."
            ),
            default_days=5 * 365,
            min_days=365,
            max_days=10 * 365,
            apply=voyages_minimise,
        )
    )
