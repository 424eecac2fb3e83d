"""Versions filed before snapshots kept each person's surname and given names apart get them from the
name they kept ("SURNAME, Given names"). What older versions never kept cannot be recovered: the
vessel's details, each person's sex, and each weapon's make, model and calibre; the officer's page says
so and shows the current records for those (see clearance/versions.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def upgrade_snapshot(data: dict[str, Any]) -> bool:
    """Add `surname` and `given_names` to each person of an older snapshot; whether anything changed."""
    changed = False
    for person in data.get("people") or []:
        if "surname" not in person and "name" in person:
            surname, _comma, given_names = str(person["name"]).partition(", ")
            person["surname"], person["given_names"] = surname, given_names
            changed = True
    return changed


def forwards(apps: Any, schema_editor: Any) -> None:
    NotificationVersion = apps.get_model("clearance", "NotificationVersion")
    batch = []
    for version in NotificationVersion.objects.only("pk", "snapshot").iterator(chunk_size=2000):
        if isinstance(version.snapshot, dict) and upgrade_snapshot(version.snapshot):
            batch.append(version)
        if len(batch) >= 2000:
            NotificationVersion.objects.bulk_update(batch, ["snapshot"])
            batch = []
    if batch:
        NotificationVersion.objects.bulk_update(batch, ["snapshot"])


class Migration(migrations.Migration):
    dependencies = [("clearance", "0003_notification_clearance_notif_admin_expected")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
