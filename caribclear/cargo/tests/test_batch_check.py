"""A ship's manifest is screened and assessed in batches (risk's ``declarations_check``): every consignment
ends in the same lane, with the same hits, reasons, random draws, history and audit events as when each
consignment's declaration is checked on its own (``declaration_check``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase

from caribclear.accounts.choices import Role
from caribclear.cargo import services
from caribclear.cargo.choices import Status
from caribclear.cargo.models import Consignment, Manifest
from caribclear.core.models import AuditEvent, StatusChange
from caribclear.risk.choices import Lane
from caribclear.risk.models import Assessment
from caribclear.risk.services import (
    criterion_create,
    declaration_check,
    declarations_check,
    random_selection_set,
)
from caribclear.screening.choices import LookoutKind, Sharing
from caribclear.screening.models import Hit, ScreeningRun
from caribclear.screening.services import lookout_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def targeting(antigua, barbados, make_user):
    """Criteria on several kinds of facts in both members, random selection, and lookouts on a consignee
    and on the vessel (a subject every consignment shares)."""
    for administration in (antigua, barbados):
        supervisor = make_user(role=Role.SUPERVISOR, administration=administration)
        criterion_create(
            actor=supervisor,
            kind="cargo.consignment",
            name="New consignee",
            lane=Lane.BLUE,
            weight=10,
            documentation="Audit after release.",
            conditions=[{"field": "consignee_first_seen", "operator": "is_yes", "values": []}],
        )
        criterion_create(
            actor=supervisor,
            kind="cargo.consignment",
            name="Party on a lookout",
            lane=Lane.RED,
            weight=50,
            documentation="Examine.",
            # More than the vessel's hit, which every consignment has.
            conditions=[{"field": "watchlist_hit_count", "operator": "gt", "values": ["1"]}],
        )
        criterion_create(
            actor=supervisor,
            kind="cargo.consignment",
            name="Heavy packages",
            lane=Lane.YELLOW,
            weight=20,
            documentation="Check the documents.",
            conditions=[{"field": "mass_per_package_kg", "operator": "gt", "values": ["30"]}],
        )
        random_selection_set(actor=supervisor, from_lane=Lane.GREEN, to_lane=Lane.YELLOW, rate=Decimal(50))
        random_selection_set(actor=supervisor, from_lane=Lane.BLUE, to_lane=Lane.RED, rate=Decimal(100))
    lookout_create(
        actor=supervisor,
        kind=LookoutKind.ORGANIZATION,
        name="IMPORTER 6 LTD",
        reason="Seizure 2025",
        sharing=Sharing.ALL,
    )
    lookout_create(
        actor=supervisor,
        kind=LookoutKind.VESSEL,
        name="MSC CARIBBEAN",
        imo_number="9321483",
        reason="Port state report",
        sharing=Sharing.ALL,
    )


@pytest.fixture
def manifest(targeting, filer, carrier_user, ship_file) -> Manifest:
    """A voyage filed earlier (its consignees are then known) and this one: 24 consignments, nothing
    checked yet (the queued checks run only after a commit these tests never make)."""
    services.manifest_file(actor=carrier_user, data=ship_file(5, lrn="MSC-600W", seed=2))
    return services.manifest_file(actor=carrier_user, data=ship_file(24, seed=3)).manifests[0]


def _outcome(manifest: Manifest, first_event: int) -> dict[str, Any]:
    """Everything a user can see of the checks: per consignment its status, lanes, the reasons with their
    details, the random draw, hits and runs; and the history and audit events written since ``first_event``."""
    rows: dict[str, Any] = {}
    for c in Consignment.objects.filter(manifest=manifest).order_by("bill_number"):
        declaration_id = c.declaration_id
        assert declaration_id is not None
        a = Assessment.objects.get(declaration_id=declaration_id)
        rows[c.bill_number] = {
            "status": c.status,
            "lanes": (a.criteria_lane, a.lane, a.final_lane, a.hits_lane, a.open_hits, a.score),
            "random": (a.random_selection_id, a.random_from_lane, a.random_sequence, a.random_selected),
            "version": a.declaration_version,
            "reasons": sorted(
                (f.version.name, f.lane, f.weight, f.detail, f.is_current) for f in a.firings.all()
            ),
            "hits": sorted(
                (
                    h.watchlist_id,
                    h.entity_id,
                    h.subject_key,
                    h.subject_kind,
                    h.subject_label,
                    str(h.score),
                    h.explanation,
                    h.entity_caption,
                    h.lookout_id,
                    h.is_current,
                    str(h.disposition),
                )
                for h in Hit.objects.filter(declaration_id=declaration_id)
            ),
            "runs": sorted(
                (r.reason, r.declaration_version, r.subject_count, r.hit_count, repr(r.lists))
                for r in ScreeningRun.objects.filter(declaration_id=declaration_id)
            ),
            "history": list(
                StatusChange.objects.filter(record_type="cargo.consignment", record_id=str(c.pk))
                .order_by("pk")
                .values_list("from_status", "to_status", "note")
            ),
        }
    events = AuditEvent.objects.filter(pk__gte=first_event).order_by("object_type", "object_id", "action")
    rows["audit"] = sorted(
        (e.action, e.object_type, e.object_id, e.summary, repr(sorted(e.data.items()))) for e in events
    )
    return rows


def _one_by_one(ids: list[int], manifest: Manifest, first_event: int) -> dict[str, Any]:
    """Check each declaration alone (as the per-declaration task does), read the outcome, and roll it back."""
    with transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            for pk in ids:
                declaration_check(declaration_id=pk)
        outcome = _outcome(manifest, first_event)
        transaction.set_rollback(True)
    return outcome


def _batched(ids: list[int], manifest: Manifest, first_event: int) -> dict[str, Any]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        assessed = declarations_check(declaration_ids=ids)
    assert sorted(assessed) == sorted(ids)
    return _outcome(manifest, first_event)


def _next_event() -> int:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def test_a_manifest_checked_in_batches_ends_as_when_checked_one_consignment_at_a_time(manifest):
    ids = list(
        Consignment.objects.filter(manifest=manifest).order_by("pk").values_list("declaration_id", flat=True)
    )
    first = _next_event()
    alone = _one_by_one(ids, manifest, first)
    together = _batched(ids, manifest, first)
    assert together == alone
    # The outcome is not trivially the same: every lane, reason and kind of hit occurs.
    lanes = {row["lanes"][0] for key, row in together.items() if key != "audit"}
    assert lanes >= {Lane.RED, Lane.YELLOW, Lane.BLUE}
    assert any(row["random"][3] for key, row in together.items() if key != "audit")
    assert all(row["status"] == Status.ASSESSED for key, row in together.items() if key != "audit")
    reasons = {r[0] for key, row in together.items() if key != "audit" for r in row["reasons"]}
    assert reasons == {"New consignee", "Party on a lookout", "Heavy packages"}
    first_seen = [key for key, row in together.items() if key != "audit" and ("New consignee" in str(row))]
    assert 0 < len(first_seen) < 24  # the earlier voyage's consignees are known
    labels = {h[4] for key, row in together.items() if key != "audit" for h in row["hits"]}
    assert "MSC CARIBBEAN" in labels and "Consignee: IMPORTER 6 LTD" in labels

    # Checked again (a list changed): the batch keeps the earlier draws and firings as a single check does.
    first = _next_event()
    alone = _one_by_one(ids, manifest, first)
    together = _batched(ids, manifest, first)
    assert together == alone
    assert Assessment.objects.filter(declaration_id__in=ids).count() == len(ids)


def test_batches_write_their_audit_events_at_their_end_and_the_chain_verifies(manifest, monkeypatch):
    """Each batch's events (screening's, then assessing's, as plain rows) go in at the batch's end, in
    the order they were made: the chain verifies, and every declaration has its two events."""
    from caribclear.core.chain import verify_chain
    from caribclear.risk import services as risk_services

    monkeypatch.setattr(risk_services, "CHECK_BATCH", 10)  # 24 consignments: three batches
    ids = list(
        Consignment.objects.filter(manifest=manifest).order_by("pk").values_list("declaration_id", flat=True)
    )
    first = _next_event()
    _batched(ids, manifest, first)
    events = list(AuditEvent.objects.filter(pk__gte=first).order_by("pk"))
    checks = [(e.action, int(e.object_id)) for e in events if e.object_type == "core.declaration"]
    at = 0
    for batch in (sorted(ids)[:10], sorted(ids)[10:20], sorted(ids)[20:]):
        screened = checks[at : at + len(batch)]
        assessed = checks[at + len(batch) : at + 2 * len(batch)]
        assert {a for a, _pk in screened} == {"screening.run"} and sorted(pk for _a, pk in screened) == batch
        assert assessed == [("risk.assess", pk) for pk in batch]
        at += 2 * len(batch)
    assert at == len(checks)
    moved = [e for e in events if e.action == "status.change" and e.object_type == "cargo.consignment"]
    assert len(moved) == len(ids)
    verification = verify_chain(AuditEvent)
    assert verification.ok, verification
    assert verification.rows == AuditEvent.objects.count()


def test_filing_a_manifest_queues_the_batch_check_and_the_worklist_shows_its_lanes(
    targeting, filer, carrier_user, ship_file, officer, client_for
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        manifest = services.manifest_file(actor=carrier_user, data=ship_file(12, seed=3)).manifests[0]
    ours = Consignment.objects.filter(manifest=manifest, administration__code="AG")
    assert ours and all(c.status == Status.ASSESSED for c in ours)
    page = client_for(officer).get("/officer/cargo/", {"lane": "red"}).content.decode()
    assert "Party on a lookout" in page
    labels = Hit.objects.filter(declaration_id__in=[c.declaration_id for c in ours])
    assert "Consignee: IMPORTER 6 LTD" in set(labels.values_list("subject_label", flat=True))


def test_subjects_are_labelled_in_the_officers_language_as_the_party_roles_are_displayed(manifest):
    """The labels an officer reads on a hit ("Consignee: …", "Carrier: …") follow the active language, as
    each party's role is displayed, also after another language was used (they are kept per language)."""
    from django.utils import translation
    from django.utils.translation import gettext

    from caribclear.cargo.declaration import ConsignmentKind

    kind = ConsignmentKind()
    consignment = Consignment.objects.filter(manifest=manifest).order_by("pk").first()
    assert consignment is not None and consignment.declaration_id is not None
    record = kind.load([consignment.declaration_id])[consignment.declaration_id]
    seen: dict[str, list[str]] = {}
    for language in ("en", "es", "fr", "nl", "en", "es"):
        with translation.override(language):
            labels = [s.label for s in kind.subjects(record)]
            parties = [f"{p.get_role_display()}: {p.name}" for p in record.parties.all()]
            assert len(parties) >= 2 and labels[: len(parties)] == parties
            carriers = [label for label in labels if label.startswith(f"{gettext('Carrier')}: ")]
            assert carriers and labels[-len(carriers) :] == carriers
            assert seen.setdefault(language, labels) == labels
    assert seen["es"] != seen["en"] and seen["fr"] != seen["en"]
    # The manifest read once for the batch is the consignment's, with its port calls.
    assert record.manifest.pk == consignment.manifest_id
    assert [c.locode for c in record.manifest.port_calls.all()] == list(
        manifest.port_calls.order_by("sequence").values_list("locode", flat=True)
    )
