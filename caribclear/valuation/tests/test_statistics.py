"""The engine and the score, without a database: robust cells, the fallback, and two properties."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caribclear.valuation import scoring, stats

END = dt.date(2026, 11, 30)
PERIOD = stats.Period.rolling(END)
RULE = scoring.PoolingRule()


def frame(luvs, *, importers=5, hs="85171300", origin="CN", exporter="", admin_count=3):
    return stats.frame(
        (
            hs,
            hs[:6],
            hs[:4],
            origin,
            exporter,
            "u",
            luv,
            f"TIN{i % importers}",
            i % admin_count,
            END - dt.timedelta(days=i % 300),
        )
        for i, luv in enumerate(luvs)
    )


def cells_of(table, hs="85171300", origin="CN", exporter=""):
    index = {
        (r["level"], r["hs"], r["hs6"], r["origin"], r["exporter"]): r for r in table.iter_rows(named=True)
    }
    keys = scoring.cell_keys(hs=hs, origin=origin, exporter=exporter, unit="u")
    return {
        lvl: index.get((lvl, k.get("hs", ""), k.get("hs6", ""), k.get("origin", ""), k.get("exporter", "")))
        for lvl, k in keys.items()
    }


def test_robust_statistics_of_a_cell():
    luvs = [math.log(40 + i % 5) for i in range(40)] + [math.log(1)] * 3  # three planted lines
    table = stats.build(frame(luvs), PERIOD)
    cell = table.filter(table["level"] == "hs6_origin").row(0, named=True)
    assert cell["n"] == 43 and cell["importers"] == 5 and cell["administrations"] == 3
    assert math.exp(cell["median"]) == pytest.approx(42, rel=0.03)  # not pulled by the planted lines
    assert cell["mean"] < cell["median"]  # the mean is
    assert cell["p2"] < cell["p10"] < cell["q1"] <= cell["median"] <= cell["q3"]
    assert cell["top_share"] == pytest.approx(9 / 43)
    result = scoring.score_line(math.log(0.8), cells_of(table), RULE)
    assert result.flagged and result.band == "p1" and result.level == "national"


def test_lines_outside_the_period_are_not_counted():
    old = stats.frame(
        [("85171300", "851713", "8517", "CN", "", "u", 1.0, "A", 1, END - dt.timedelta(days=400))]
    )
    assert stats.build(old, PERIOD).is_empty() or stats.build(old, PERIOD).height == 0


def test_a_sparse_cell_falls_back_up_the_hierarchy():
    # 30 lines of HS 851713 from CN across origins, but only 5 from VN: VN's cell may not be used
    lines = frame([3.7] * 30, origin="CN").vstack(frame([3.7] * 5, origin="VN"))
    table = stats.build(lines, PERIOD)
    result = scoring.score_line(math.log(1.0), cells_of(table, origin="VN"), RULE)
    assert result.level == "hs6"
    assert ("hs6_origin", "lines") in result.skipped


def test_incremental_refresh_equals_a_full_build():
    base = frame([3.0 + (i % 7) / 50 for i in range(60)])
    new = frame([3.05, 2.98], importers=2)
    everything = base.vstack(new)
    full = stats.build(everything, PERIOD).sort(["level", "hs", "hs6", "hs4", "origin"])
    partial = stats.refresh(everything, new, PERIOD).sort(["level", "hs", "hs6", "hs4", "origin"])
    assert partial.select(["level", "n", "median", "mad"]).equals(
        full.select(["level", "n", "median", "mad"])
    )


# Honest lines vary within 10% of the centre: the score floor (MIN_SPREAD) keeps them below 3 however
# tight the cell, and adding one more must not change that.
honest_band = st.floats(min_value=-0.1, max_value=0.1, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    centre=st.floats(min_value=-3, max_value=8),
    offsets=st.lists(honest_band, min_size=20, max_size=60),
    added=honest_band,
)
def test_adding_an_honest_line_never_flags_an_honest_line(centre, offsets, added):
    before = stats.build(frame([centre + o for o in offsets]), PERIOD)
    after = stats.build(frame([centre + o for o in [*offsets, added]]), PERIOD)
    for offset in [*offsets, added]:
        assert not scoring.score_line(centre + offset, cells_of(after), RULE).flagged
    for offset in offsets:
        assert not scoring.score_line(centre + offset, cells_of(before), RULE).flagged


@settings(max_examples=20, deadline=None)
@given(
    offsets=st.lists(st.floats(min_value=-2, max_value=1, allow_nan=False), min_size=25, max_size=60),
    rate=st.floats(min_value=0.001, max_value=10_000),
)
def test_scaling_every_value_by_a_currency_rate_changes_no_flag(offsets, rate):
    shift = math.log(rate)
    plain = stats.build(frame([3 + o for o in offsets]), PERIOD)
    scaled = stats.build(frame([3 + o + shift for o in offsets]), PERIOD)
    for o in offsets:
        a = scoring.score_line(3 + o, cells_of(plain), RULE)
        b = scoring.score_line(3 + o + shift, cells_of(scaled), RULE)
        assert a.flagged == b.flagged
        assert a.score == pytest.approx(b.score, abs=0.02)


# --- The engine against a plain reference, and the kept statistics against a full build -------------------
def _quantile(ordered, q):
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _reference(rows):
    """Each cell's statistics the slow, obvious way: per cell, sort the values and read them."""
    cells: dict[tuple, list] = {}
    for hs, origin, exporter, luv, importer, admin in rows:
        for level, key in scoring.cell_keys(hs=hs, origin=origin, exporter=exporter, unit="u").items():
            cells.setdefault((level, *sorted(key.items())), []).append((luv, importer, admin))
    out = {}
    for cell, members in cells.items():
        values = sorted(v for v, _i, _a in members)
        median = _quantile(values, 0.5)
        deviations = sorted(abs(v - median) for v in values)
        per_importer: dict[str, int] = {}
        for _v, importer, _a in members:
            per_importer[importer] = per_importer.get(importer, 0) + 1
        out[cell] = {
            "n": len(values),
            "importers": len(per_importer),
            "administrations": len({a for _v, _i, a in members}),
            "top_share": max(per_importer.values()) / len(values),
            "median": median,
            "mad": _quantile(deviations, 0.5),
            **{name: _quantile(values, q) for name, q in stats.QUANTILES.items()},
        }
    return out


def _as_reference(table):
    out = {}
    for row in table.iter_rows(named=True):
        wanted = stats.LEVELS[row["level"]]
        out[(row["level"], *sorted((k, row[k]) for k in wanted))] = {
            k: row[k]
            for k in ("n", "importers", "administrations", "top_share", "median", "mad", *stats.QUANTILES)
        }
    return out


line_rows = st.lists(
    st.tuples(
        st.sampled_from(["85171300", "85171310", "851762", "85044000"]),
        st.sampled_from(["CN", "US", "DE"]),
        st.sampled_from(["", "EXP-A", "EXP-B"]),
        st.floats(min_value=-3, max_value=3, allow_nan=False).map(lambda v: round(v, 2)),  # ties too
        st.sampled_from(["TIN1", "TIN2", "TIN3", "TIN4"]),
        st.integers(min_value=1, max_value=3),
    ),
    min_size=1,
    max_size=80,
)


def lines_frame(rows, day=END):
    return stats.frame(
        (hs, hs[:6], hs[:4], origin, exporter, "u", luv, importer, admin, day)
        for hs, origin, exporter, luv, importer, admin in rows
    )


@settings(max_examples=40, deadline=None)
@given(rows=line_rows)
def test_every_cell_equals_the_plain_reference(rows):
    got = _as_reference(stats.build(lines_frame(rows), PERIOD))
    want = _reference(rows)
    assert got.keys() == want.keys()
    for key, cell in want.items():
        assert got[key] == pytest.approx(cell, rel=0, abs=1e-12), key


@settings(max_examples=40, deadline=None)
@given(first=line_rows, second=line_rows)
def test_lines_merged_into_kept_statistics_give_what_a_full_build_gives(first, second):
    kept = stats.Statistics(lines_frame(first), PERIOD)
    changed, emptied = kept.add(lines_frame(second))
    assert emptied.is_empty()
    full = _as_reference(stats.build(lines_frame([*first, *second]), PERIOD))
    recomputed = _as_reference(changed)
    touched = _reference(second).keys()
    assert recomputed.keys() == touched  # only the cells the new lines fall in are recomputed...
    for key in touched:
        assert recomputed[key] == full[key]  # ...exactly as the build gives them (same floats)
    assert _as_reference(kept.cells()) == full


def test_lines_leaving_the_period_leave_the_kept_cells():
    old_day, new_day = PERIOD.start, PERIOD.end
    kept = stats.Statistics(
        lines_frame([("85171300", "CN", "", 1.0, "TIN1", 1)] * 5, day=old_day).vstack(
            lines_frame([("85171300", "US", "", 2.0 + i / 10, f"TIN{i}", 1) for i in range(5)], day=new_day)
        ),
        PERIOD,
    )
    later = stats.Period(old_day + dt.timedelta(days=1), new_day + dt.timedelta(days=1))
    changed, emptied = kept.add(lines_frame([("85171300", "US", "", 2.5, "TIN9", 2)], day=later.end), later)
    gone = {(r["level"], r["origin"]) for r in emptied.iter_rows(named=True)}
    assert gone == {("national", "CN"), ("hs6_origin", "CN")}
    hs6 = changed.filter(pl.col("level") == "hs6").row(0, named=True)
    assert hs6["n"] == 6 and hs6["administrations"] == 2 and hs6["median"] == pytest.approx(2.25)
