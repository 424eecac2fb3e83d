"""Regional pooling: raw lines stay home; a cell is used and shown only with enough lines from enough
importers and no dominant importer, so a member cannot learn one trader's prices from what it sees."""

from __future__ import annotations

import datetime as dt

import pytest

from caribclear.accounts.choices import Role
from caribclear.core.visibility import visible
from caribclear.valuation import readers, services
from caribclear.valuation.models import Cell, DeclarationLine

from .helpers import store_lines

pytestmark = pytest.mark.django_db


def line(hs="85171300", origin="CN", value="80", quantity="100"):
    return readers.check_line(
        declaration="Q1",
        line="1",
        date=dt.date.today(),  # noqa: DTZ011
        hs_code=hs,
        origin=origin,
        quantity=quantity,
        unit="u",
        net_mass_kg=None,
        value=value,
        currency="USD",
        importer="TIN9",
    )


@pytest.fixture
def official(make_user, antigua):
    return make_user(role=Role.OFFICER, administration=antigua)


def test_another_members_lines_are_not_visible_but_their_cells_are(official, barbados, antigua):
    store_lines(
        barbados,
        hs="85171300",
        origin="CN",
        unit_value=40,
        count=30,
        importers=["A", "B", "C", "D"],
        unit="u",
    )
    assert visible(official, DeclarationLine).count() == 0
    assert visible(official, Cell).filter(level="hs6_origin", hs6="851713").count() == 1
    check = services.line_check(administration_id=antigua.pk, line=line(hs="851713", value="80"))
    assert check.flagged
    assert check.explanation.startswith(
        "Declared 0.80 USD per unit; for HS 851713 from CN the region's median over 30 declaration lines from 1 administration in the last 12 months is "
    )
    assert "below the 1st percentile" in check.explanation


def test_one_dominant_importer_hides_the_cell(official, barbados, antigua):
    # 30 lines, 4 importers, but one of them holds 27: its prices would show through
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=27, importers=["BIG"], unit="u", seed=1
    )
    store_lines(
        barbados,
        hs="85171300",
        origin="CN",
        unit_value=40,
        count=3,
        importers=["A", "B", "C"],
        unit="u",
        seed=2,
    )
    assert Cell.objects.filter(level="hs6_origin").get().top_share == pytest.approx(0.9)
    assert visible(official, Cell).count() == 0
    check = services.line_check(administration_id=antigua.pk, line=line(value="80"))
    assert check.result.level is None and check.score == 0
    assert "40" not in check.explanation  # no figure of the hidden cell reaches the officer
    assert "no statistics of the region may be used" in check.explanation


def test_too_few_importers_or_lines_hide_the_cell(official, barbados, antigua):
    store_lines(barbados, hs="85171300", origin="CN", unit_value=40, count=40, importers=["A", "B"], unit="u")
    store_lines(
        barbados,
        hs="64039900",
        origin="IT",
        unit_value=30,
        count=19,
        importers=["A", "B", "C", "D"],
        unit="u",
        seed=2,
    )
    assert visible(official, Cell).count() == 0
    assert services.line_check(administration_id=antigua.pk, line=line()).result.level is None


def test_the_rule_is_a_setting(official, barbados, antigua, settings):
    store_lines(barbados, hs="85171300", origin="CN", unit_value=40, count=10, importers=["A", "B"], unit="u")
    assert visible(official, Cell).count() == 0
    settings.VALUATION_POOLING = {"min_lines": 10, "min_importers": 2, "max_share": 0.5}
    assert visible(official, Cell).filter(level="hs6_origin").count() == 1


def test_operators_and_anonymous_see_no_cell(operator, barbados):
    store_lines(
        barbados, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    from django.contrib.auth.models import AnonymousUser

    assert visible(operator, Cell).count() == 0
    assert visible(AnonymousUser(), Cell).count() == 0
