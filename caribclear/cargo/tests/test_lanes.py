"""ASYCUDA's lanes for cargo: red, yellow, blue (post-clearance audit) and green, in the worklist with the
reasons, and the cargo figures of the dashboards (filings per member, on-time rate, lanes, hit rates)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.cargo import services
from caribclear.cargo.choices import ExaminationResult
from caribclear.cargo.models import Consignment
from caribclear.dashboards.selectors import Period, cargo_figures
from caribclear.risk.choices import Lane, worst_lane
from caribclear.risk.services import criterion_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(filer, carrier_user, ship_file, antigua, make_user):
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    criterion_create(
        actor=supervisor,
        kind="cargo.consignment",
        name="Loaded in DR: audit",
        lane=Lane.BLUE,
        weight=10,
        documentation="Audit the importer's books after release.",
        conditions=[{"field": "loading_country", "operator": "in", "values": ["DO"]}],
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        manifest = services.manifest_file(actor=carrier_user, data=ship_file(6, seed=3)).manifests[0]
    return manifest


def test_blue_lies_between_green_and_yellow():
    assert worst_lane([Lane.GREEN, Lane.BLUE]) == Lane.BLUE
    assert worst_lane([Lane.BLUE, Lane.YELLOW]) == Lane.YELLOW


def test_a_cargo_criterion_puts_consignments_in_the_blue_lane_shown_in_the_worklist(
    filed, officer, client_for
):
    client = client_for(officer)
    page = client.get("/officer/cargo/", {"lane": "blue"}).content.decode()
    ours = Consignment.objects.filter(manifest=filed, administration__code="AG")
    assert ours and all(c.bill_number in page for c in ours)
    assert "tag-blue" in page and "Loaded in DR: audit" in page
    assert "Loaded in DR: audit" not in client.get("/officer/cargo/", {"lane": "red"}).content.decode()


def test_the_dashboards_count_cargo_per_member_lanes_and_hit_rates(filed, officer, officer_bb, client_for):
    ours = list(Consignment.objects.filter(manifest=filed, administration__code="AG"))
    services.manifest_arrive(actor=officer, manifest=filed)
    services.consignment_examine(
        actor=officer, consignment=ours[0], result=ExaminationResult.FOUND, findings="Undeclared sugar"
    )
    services.consignment_examine(
        actor=officer,
        consignment=ours[1],
        result=ExaminationResult.NOT_FOUND,
        findings="Rice only, as declared",
    )
    # Departing tomorrow, 24 hours before loading is past: filed late. One on time per member but one.
    assert all(c.late for c in ours)
    Consignment.objects.filter(manifest=filed).exclude(pk=ours[2].pk).update(late=False)
    today = timezone.now().date()
    period = Period(today - dt.timedelta(days=1), today)

    figures = cargo_figures(user=officer, period=period)
    members = {r["administration__code"]: (r["count"], r["late"]) for r in figures.by_member}
    assert members == {"AG": (3, 1), "BB": (3, 0)}
    assert {r["lane"]: r["count"] for r in figures.lanes if r["count"]} == {"blue": 3}
    assert figures.examinations == [{"lane": "blue", "examined": 2, "found": 1, "rate": 0.5}]
    # Another member's official sees the counts per member, and the lanes of its own consignments only
    # (Antigua's criterion does not apply to them), not Antigua's examinations.
    theirs = cargo_figures(user=officer_bb, period=period)
    assert {r["administration__code"] for r in theirs.by_member} == {"AG", "BB"}
    assert sum(r["count"] for r in theirs.lanes) == 3
    assert not any(r["count"] for r in theirs.lanes if r["lane"] == "blue") and theirs.examinations == []

    page = client_for(officer).get("/dashboards/").content.decode()
    assert "Advance cargo" in page and "67 %" in page and "50 %" in page
