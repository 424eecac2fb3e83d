"""The worklist reads the lanes first and the reasons only of the rows it shows (issue 11, 10 million
consignments stored): it must show what the former one-query-with-every-firing worklist showed, for every
lane, with officers' lane overrides, random selection, watchlist-hit lanes and firings no longer current."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Prefetch
from django.test import TestCase
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.cargo import selectors, services
from caribclear.cargo.choices import OPEN_STATUSES
from caribclear.cargo.models import Consignment
from caribclear.core.visibility import visible
from caribclear.risk.choices import Lane
from caribclear.risk.models import Assessment, Firing, RandomSelection
from caribclear.risk.services import criterion_create

pytestmark = pytest.mark.django_db


def rows_as_before(user: Any, lane: str = "") -> list[tuple[str, str, list[str], Any]]:
    """The worklist's rows as the selector built them before: every firing of every listed consignment
    prefetched, the lane filter applied afterwards."""
    now = timezone.now()
    calls = (
        selectors.visible(user, selectors.PortCall)
        .filter(administration_id=user.administration_id)
        .exclude(manifest__status="invalidated")
        .order_by("arrival", "manifest_id")
    )
    arrival_by_manifest: dict[int, Any] = {}
    for call in calls:
        if call.arrival is None or now - dt.timedelta(hours=12) <= call.arrival <= now + dt.timedelta(
            hours=72
        ):
            arrival_by_manifest.setdefault(call.manifest_id, call.arrival)
    consignments = list(
        visible(user, Consignment)
        .filter(administration_id=user.administration_id, status__in=OPEN_STATUSES)
        .filter(manifest_id__in=list(arrival_by_manifest))
        .order_by("manifest_id", "bill_number")
    )
    assessments = {
        a.declaration_id: a
        for a in Assessment.objects.filter(
            declaration_id__in=[c.declaration_id for c in consignments]
        ).prefetch_related(
            Prefetch("firings", queryset=Firing.objects.filter(is_current=True).select_related("version"))
        )
    }
    rows = []
    for c in consignments:
        a = assessments.get(c.declaration_id or 0)
        reasons = [f.version.name for f in a.firings.all()] if a else []
        if a and a.random_selection_id and not reasons:
            reasons = ["random"]
        rows.append((a.final_lane if a else "", c.bill_number, reasons, arrival_by_manifest[c.manifest_id]))
    order = {"red": 0, "yellow": 1, "blue": 2, "green": 3, "": 4}
    rows.sort(key=lambda r: (order[r[0]], r[3] or now + dt.timedelta(days=365), r[1]))
    return [r for r in rows if not lane or r[0] == lane]


def rows_now(user: Any, lane: str = "") -> list[tuple[str, str, list[str], Any]]:
    worklist = selectors.worklist_for(user, lane=lane)
    return [(r.lane, r.consignment.bill_number, r.reasons, r.arrival) for r in worklist.rows]


def test_the_worklist_shows_what_it_showed_for_every_lane(
    filer, carrier_user, ship_file, antigua, make_user, officer
):
    supervisor = make_user(role=Role.SUPERVISOR, administration=antigua)
    for name, lane, weight, conditions in (
        ("Loaded in DR", Lane.YELLOW, 20, [{"field": "loading_country", "operator": "in", "values": ["DO"]}]),
        (
            "Heavy packages",
            Lane.RED,
            40,
            [{"field": "mass_per_package_kg", "operator": "gt", "values": ["20"]}],
        ),
        (
            "New consignee",
            Lane.BLUE,
            10,
            [{"field": "consignee_first_seen", "operator": "is_yes", "values": []}],
        ),
    ):
        criterion_create(
            actor=supervisor,
            kind="cargo.consignment",
            name=name,
            lane=lane,
            weight=weight,
            documentation="Test.",
            conditions=conditions,
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.manifest_file(actor=carrier_user, data=ship_file(12, seed=5))
    ours = list(
        Assessment.objects.filter(
            declaration_id__in=Consignment.objects.filter(administration=antigua).values("declaration_id")
        ).order_by("pk")
    )
    assert len(ours) >= 5
    # An officer's lane, a lane a watchlist hit requires, a random selection without a criterion, and a
    # firing no longer current.
    Assessment.objects.filter(pk=ours[0].pk).update(override_lane=Lane.GREEN)
    Assessment.objects.filter(pk=ours[1].pk).update(hits_lane=Lane.RED)
    selection = RandomSelection.objects.create(
        administration=antigua, from_lane=Lane.GREEN, to_lane=Lane.RED, rate=Decimal("5")
    )
    Firing.objects.filter(assessment=ours[2]).update(is_current=False)
    Assessment.objects.filter(pk__in=[ours[2].pk, ours[3].pk]).update(random_selection=selection)
    first = Firing.objects.filter(assessment=ours[4]).order_by("pk").first()
    assert first is not None
    Firing.objects.filter(pk=first.pk).update(is_current=False)

    everything = rows_now(officer)
    assert everything == rows_as_before(officer)
    assert {r[0] for r in everything} >= {Lane.RED, Lane.GREEN}
    assert any(len(r[2]) > 1 for r in everything)  # several reasons, in the order of their weight
    for chosen in ("red", "yellow", "blue", "green"):
        assert rows_now(officer, chosen) == rows_as_before(officer, chosen)

    # Page by page (as the officer's page shows them), the same rows in the same order, and every lane
    # counted whatever the page or the lane chosen.
    paged = []
    for number in range(1, 20):
        page = selectors.worklist_for(officer, page=number, per_page=5)
        paged += [(r.lane, r.consignment.bill_number, r.reasons, r.arrival) for r in page.rows]
        if number == page.pages:
            break
    assert paged == everything and page.pages == -(-len(everything) // 5)
    assert page.total == sum(page.by_lane.values()) == len(everything)
    red = selectors.worklist_for(officer, lane="red", page=1, per_page=5)
    assert red.total == red.by_lane["red"] and red.by_lane == page.by_lane
    # A page past the end shows the last one.
    assert selectors.worklist_for(officer, page=999, per_page=5).page == page.pages


def test_the_officer_pages_through_the_worklist(filer, carrier_user, ship_file, officer, client_for):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.manifest_file(actor=carrier_user, data=ship_file(260, seed=7))
    open_here = Consignment.objects.filter(
        administration=officer.administration, status__in=OPEN_STATUSES
    ).count()
    assert open_here > selectors.WORKLIST_PAGE
    client = client_for(officer)
    first = client.get("/officer/cargo/").content.decode()
    assert f"{open_here} open consignments" in first
    assert "Page 1 of 2" in first and 'rel="next"' in first and "page=2" in first
    assert first.count('data-label="Consignment"') == selectors.WORKLIST_PAGE
    second = client.get("/officer/cargo/?page=2").content.decode()
    assert second.count('data-label="Consignment"') == open_here - selectors.WORKLIST_PAGE
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get("/officer/cargo/?page=x").status_code == 200  # a bad page number shows the first
