"""The move of screening runs, hits and risk assessments from the yacht notification to declarations loses
nothing: a database filled by the demo seed is taken back to the schema before declarations (the reverse
migrations put every run, hit and assessment back on its notification), a hit on a draft is added there as
old data may hold one, and migrating forward again gives every record back on the right declaration."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from caribclear.clearance.models import Notification
from caribclear.core.models import Declaration
from caribclear.risk.models import Assessment, Criterion, Firing, LaneOverride, Referral
from caribclear.screening.models import Hit, ScreeningRun

BEFORE = [
    ("core", "0004_status_history"),
    ("clearance", "0004_versions_keep_person_names"),
    ("screening", "0003_intel_alerts"),
    ("risk", "0001_initial"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to the targets; returns the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _snapshot() -> dict[str, Any]:
    """Every run, hit and assessment by the reference of its notification (what must survive)."""
    return {
        "runs": sorted(
            (r.declaration.reference, r.reason, r.declaration_version, r.hit_count, r.administration_id)
            for r in ScreeningRun.objects.select_related("declaration")
        ),
        "hits": sorted(
            (h.declaration.reference, h.watchlist_id, h.entity_id, h.subject_key, h.disposition, str(h.score))
            for h in Hit.objects.select_related("declaration")
        ),
        "assessments": sorted(
            (a.declaration.reference, a.lane, a.override_lane, a.score, a.declaration_version)
            for a in Assessment.objects.select_related("declaration")
        ),
        "firings": sorted(
            (f.assessment.declaration.reference, f.criterion_id, f.version_id, f.disposition)
            for f in Firing.objects.select_related("assessment__declaration")
        ),
        "overrides": LaneOverride.objects.count(),
        "criteria": Criterion.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_the_demo_seed_to_declarations_loses_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    # The schema migrated back to predates cargo manifests and passenger lists: what screening and risk
    # hold of those kinds has no place in it (this migration is about notifications), so it goes first.
    others = Declaration.objects.exclude(kind="clearance.notification")
    for model in (Assessment, Referral, Hit, ScreeningRun):
        model.objects.filter(declaration__in=others).delete()
    expected = Notification.objects.get(status="submitted", account__email="skipper@yacht.demo")
    assessment = Assessment.objects.get(declaration=expected.declaration)
    LaneOverride.objects.create(
        assessment=assessment,
        from_lane=assessment.lane,
        to_lane="yellow",
        reason="Test",
        by_id=expected.account_id,
    )
    before = _snapshot()
    assert before["hits"] and before["runs"] and before["assessments"] and before["firings"]
    filed = {n.reference for n in Notification.objects.exclude(status="draft")}
    latest = _latest()

    try:
        old = _migrate(BEFORE)
        # The old schema: everything hangs off the notification again.
        OldNotification = old.get_model("clearance", "Notification")
        OldHit = old.get_model("screening", "Hit")
        OldRun = old.get_model("screening", "ScreeningRun")
        OldAssessment = old.get_model("risk", "Assessment")
        assert sorted(OldHit.objects.values_list("notification__reference", flat=True)) == sorted(
            h[0] for h in before["hits"]
        )
        assert OldRun.objects.count() == len(before["runs"])
        assert sorted(OldAssessment.objects.values_list("notification__reference", flat=True)) == sorted(
            a[0] for a in before["assessments"]
        )
        # Old data may hold a hit on a notification that is a draft again: it must not be lost either.
        draft = OldNotification.objects.get(status="draft")
        hit = OldHit.objects.first()
        OldHit.objects.create(
            notification=draft,
            watchlist_id=hit.watchlist_id,
            entity_id=hit.entity_id,
            entity_caption=hit.entity_caption,
            subject_kind=hit.subject_kind,
            subject_key="person:draft",
            subject_label="On a draft",
            score=hit.score,
            explanation=hit.explanation,
        )
    finally:
        _migrate(latest)

    after = _snapshot()
    on_draft = [h for h in after["hits"] if h[3] == "person:draft"]
    assert len(on_draft) == 1
    after["hits"].remove(on_draft[0])
    assert after == before

    # One declaration per filed notification (and the draft that had a hit), same reference, administration
    # and version; every criterion applies to the yacht notification.
    draft_reference = on_draft[0][0]
    assert Declaration.objects.count() == len(filed) + 1
    for notification in Notification.objects.select_related("declaration"):
        if notification.status == "draft" and notification.reference != draft_reference:
            assert notification.declaration is None
            continue
        declaration = notification.declaration
        assert declaration is not None
        assert (declaration.kind, declaration.reference) == ("clearance.notification", notification.reference)
        assert declaration.administration_id == notification.administration_id
        assert declaration.version == notification.version
    assert set(Criterion.objects.values_list("kind", flat=True)) == {"clearance.notification"}
