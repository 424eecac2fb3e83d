"""Statistics kept between loads (``VALUATION_KEEP_STATISTICS``): a refresh merges the lines stored since
into them, and gives the cells a full rebuild gives; when the database disagrees with what is kept (a line
deleted, a load rolled back) it recomputes from the lines instead."""

from __future__ import annotations

import pytest
from django.db import transaction

from caribclear.valuation import services
from caribclear.valuation.models import Cell, DeclarationLine

from .helpers import store_lines

pytestmark = pytest.mark.django_db
IMPORTERS = ["TIN1", "TIN2", "TIN3", "TIN4"]


@pytest.fixture
def keeping(settings):
    settings.VALUATION_KEEP_STATISTICS = True
    services._KEPT.clear()
    yield
    services._KEPT.clear()


def stored_cells():
    fields = ("level", "hs", "hs6", "hs4", "origin", "exporter", "unit", "n", "importers", "administrations")
    return sorted(Cell.objects.values_list(*fields, "median", "mad", "p2", "q1", "q3"))


def load(administration, capture, **kwargs):
    with capture(execute=True):
        return store_lines(administration, importers=IMPORTERS, **kwargs)


def test_a_kept_refresh_gives_the_cells_a_full_rebuild_gives(
    barbados, keeping, django_capture_on_commit_callbacks
):
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=IMPORTERS, refresh=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cells_refresh()
    kept = services._KEPT["lines"]
    load(
        barbados,
        django_capture_on_commit_callbacks,
        hs="85171300",
        origin="CN",
        unit_value=44,
        count=12,
        seed=2,
    )
    load(
        barbados,
        django_capture_on_commit_callbacks,
        hs="85171399",
        origin="VN",
        unit_value=30,
        count=25,
        seed=3,
    )
    assert services._KEPT["lines"] is kept  # merged into, not rebuilt
    assert kept.last_id == DeclarationLine.objects.order_by("-pk").values_list("pk", flat=True).first()
    after_loads = stored_cells()
    with django_capture_on_commit_callbacks(execute=True):
        services.cells_refresh()
    assert stored_cells() == after_loads
    hs6 = Cell.objects.get(level="hs6", hs6="851713")
    assert hs6.n == 67 and hs6.importers == 4


def test_a_deleted_line_makes_the_refresh_recompute_from_the_lines(
    barbados, keeping, django_capture_on_commit_callbacks
):
    lines = store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=IMPORTERS, refresh=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cells_refresh()
    kept = services._KEPT["lines"]
    DeclarationLine.objects.filter(pk=lines[0].pk).delete()
    load(
        barbados,
        django_capture_on_commit_callbacks,
        hs="85171300",
        origin="CN",
        unit_value=40,
        count=5,
        seed=2,
    )
    assert services._KEPT["lines"] is not kept  # the kept statistics held a line the database no longer has
    assert Cell.objects.get(level="hs6_origin", hs6="851713", origin="CN").n == 34


def test_a_rolled_back_load_drops_what_was_kept(barbados, keeping, django_capture_on_commit_callbacks):
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=IMPORTERS, refresh=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.cells_refresh()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        store_lines(barbados, hs="85171300", origin="CN", unit_value=1, count=5, importers=IMPORTERS, seed=2)
        transaction.set_rollback(True)
    assert "lines" not in services._KEPT  # the merged lines were never stored: nothing is kept
    load(
        barbados,
        django_capture_on_commit_callbacks,
        hs="85171300",
        origin="CN",
        unit_value=40,
        count=5,
        seed=3,
    )
    assert Cell.objects.get(level="hs6_origin", hs6="851713", origin="CN").n == 35
