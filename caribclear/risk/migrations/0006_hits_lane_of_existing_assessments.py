"""Sets the new hits lane and open-hit count of the assessments made before them, by the default rule of
each list (no administration has set a rule yet): red for sanctions lists, yellow for the others, red for a
true match. Hits count when still matching and at or above their list's threshold."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import F

SANCTIONS = {"ofac", "un", "csl", "ftm"}
RANK = {"": -1, "green": 0, "yellow": 1, "red": 2}


def fill(apps: Any, schema_editor: Any) -> None:
    Assessment = apps.get_model("risk", "Assessment")
    Hit = apps.get_model("screening", "Hit")
    state: dict[int, tuple[str, int]] = {}
    hits = (
        Hit.objects.filter(is_current=True, score__gte=F("watchlist__threshold"))
        .exclude(disposition="false_positive")
        .values_list("declaration_id", "disposition", "watchlist__source_format")
    )
    for declaration_id, disposition, source_format in hits.iterator():
        lane, open_hits = state.get(declaration_id, ("", 0))
        if disposition == "pending":
            wanted = "red" if source_format in SANCTIONS else "yellow"
            open_hits += 1
        else:
            wanted = "red"
        state[declaration_id] = (max(lane, wanted, key=RANK.__getitem__), open_hits)
    for assessment in Assessment.objects.filter(declaration_id__in=list(state)).iterator():
        assessment.hits_lane, assessment.open_hits = state[assessment.declaration_id]
        assessment.save(update_fields=["hits_lane", "open_hits"])


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0005_hit_rules_referrals_and_hits_lane"),
        ("screening", "0006_remove_notification"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
