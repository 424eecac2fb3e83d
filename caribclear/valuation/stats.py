"""The statistics engine: robust unit-value statistics per cell, with polars. Pure Python, no Django.

A line's unit value is its customs value in the reference currency divided by its quantity in the base
unit (see :mod:`units`); the engine works on its natural logarithm (``luv``), where prices are roughly
symmetric and a currency rate is a shift. A **cell** is a level of the hierarchy and a key:

==========  ======================================  ==================================================
level       key                                     why
==========  ======================================  ==================================================
exporter    HS6 x origin x exporter x unit          one supplier's price for one product (tightest)
national    national line x origin x unit           the member's own subheading
hs6_origin  HS6 x origin x unit                     the issue's main cell
hs6         HS6 x unit                              fallback
hs4         HS4 x unit                              last fallback
==========  ======================================  ==================================================

Each cell holds, over a rolling period: the count of lines, of distinct importers and administrations,
the share of the largest importer, median and MAD, quartiles, the 1st, 2nd, 5th and 10th percentiles,
mean and standard deviation (the last two only for the comparison in ``bench/valuation``).

How (``bench/valuation/scale.py`` measures it, the engine before beside it): polars codes each level's
cells as integers by one hash group-by and sorts the lines by cell and value once; from then on numpy reads
every quantile as two gathers into the sorted values, and the MAD without a second sort: the deviations
below the median, read right to left, and those above it are two ascending runs, and the k-th smallest of
two sorted runs is found by bisection on how many come from the first, for every cell at once.
:class:`Statistics` keeps those sorted arrays, so a day's lines are *merged* in (``searchsorted`` and
``insert``, linear in the lines kept, no sort of them) and only the cells they touch are recomputed; the
median, MAD and quantiles come out bit for bit as a full build gives them (tested against a plain per-cell
reference and against the build). PostgreSQL's ordered-set aggregates would tie the engine to one
database while SQLite is the default, and DuckDB needs the lines handed over (``scale.py --duckdb``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

LEVELS: dict[str, tuple[str, ...]] = {
    "exporter": ("hs6", "origin", "exporter", "unit"),
    "national": ("hs", "origin", "unit"),
    "hs6_origin": ("hs6", "origin", "unit"),
    "hs6": ("hs6", "unit"),
    "hs4": ("hs4", "unit"),
}
#: The order a line's cells are tried, narrowest first.
HIERARCHY = ("exporter", "national", "hs6_origin", "hs6", "hs4")
KEY_COLUMNS = ("hs", "hs6", "hs4", "origin", "exporter", "unit")
QUANTILES = {"p1": 0.01, "p2": 0.02, "p5": 0.05, "p10": 0.10, "q1": 0.25, "q3": 0.75}

SCHEMA = {
    "hs": pl.String,
    "hs6": pl.String,
    "hs4": pl.String,
    "origin": pl.String,
    "exporter": pl.String,
    "unit": pl.String,
    "luv": pl.Float64,
    "importer": pl.String,
    "admin": pl.Int64,
    "day": pl.Date,
}


def frame(rows: Iterable[Sequence[object]] | None = None, **columns: Sequence[object]) -> pl.DataFrame:
    """A lines frame from rows in :data:`SCHEMA` order, or from columns."""
    if columns:
        return pl.DataFrame(columns, schema=SCHEMA)
    return pl.DataFrame(list(rows or []), schema=SCHEMA, orient="row")


@dataclass(frozen=True)
class Period:
    start: dt.date  # inclusive
    end: dt.date  # inclusive

    @classmethod
    def rolling(cls, end: dt.date, months: int = 12) -> Period:
        year, month = divmod(end.month - 1 - months, 12)
        start_year = end.year + year
        day = min(end.day, 28)
        return cls(dt.date(start_year, month + 1, day) + dt.timedelta(days=1), end)


def _level_filter(lines: pl.DataFrame, level: str) -> pl.DataFrame:
    if level == "exporter":
        return lines.filter(pl.col("exporter") != "")
    if level == "national":
        return lines.filter(pl.col("hs").str.len_chars() > 6)
    return lines


def _codes(column: pl.DataFrame, table: pl.DataFrame | None = None) -> tuple[np.ndarray, pl.DataFrame]:
    """An integer code per row of ``column`` (one or more key columns) and the table of distinct keys the codes
    index: a hash group-by, no sort. With ``table`` (the keys coded so far), known keys keep their codes
    and keys it lacks get the next ones."""
    names = column.columns
    if table is None or table.is_empty():
        groups = column.with_row_index("row").group_by(names).agg(pl.col("row"))
        rows = groups.select("row").with_row_index("code").explode("row")
        codes = np.empty(column.height, np.int64)
        codes[rows["row"].to_numpy()] = rows["code"].to_numpy()
        return codes, groups.drop("row")
    fresh = column.unique(maintain_order=True).join(table, on=names, how="anti", nulls_equal=True)
    table = pl.concat([table, fresh], how="vertical")
    looked_up = column.join(
        table.with_row_index("code"), on=names, how="left", nulls_equal=True, maintain_order="left"
    )
    return looked_up["code"].to_numpy().astype(np.int64), table


def _insert_positions(
    cell: np.ndarray, luv: np.ndarray, new_cell: np.ndarray, new_luv: np.ndarray
) -> np.ndarray:
    """Where each new (cell, value) goes in arrays sorted by cell then value (after equal values): the
    cell's range by ``searchsorted``, then a bisection on the values inside it, all new rows at once."""
    lo = np.searchsorted(cell, new_cell, side="left")
    hi = np.searchsorted(cell, new_cell, side="right")
    last = max(len(luv) - 1, 0)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        right = luv[np.minimum(mid, last)] <= new_luv
        lo = np.where(active & right, mid + 1, lo)
        hi = np.where(active & ~right, mid, hi)


def _first_at_least(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per segment ``values[lo:hi]`` (sorted), the first index whose value is >= target (hi if none)."""
    lo, hi = lo.copy(), hi.copy()
    last = max(len(values) - 1, 0)
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) // 2
        below = values[np.minimum(mid, last)] < target
        lo = np.where(active & below, mid + 1, lo)
        hi = np.where(active & ~below, mid, hi)


def _kth_deviation(
    values: np.ndarray, start: np.ndarray, n: np.ndarray, centre: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """The k-th smallest (0-based) |value - centre| of each cell, from its values sorted ascending, without
    sorting the deviations: those below the centre, read right to left (A), and those at or above it (B)
    are two ascending runs, and the k-th of two sorted runs is found by bisection on how many come from A."""
    below = _first_at_least(values, start, start + n, centre) - start  # |A|
    above = n - below  # |B|
    last = max(len(values) - 1, 0)

    def a(i: np.ndarray) -> np.ndarray:  # A[i], +inf past its end
        ok = i < below
        return np.where(ok, centre - values[np.clip(start + below - 1 - i, 0, last)], np.inf)

    def b(j: np.ndarray) -> np.ndarray:  # B[j], -inf before its start, +inf past its end
        ok = (j >= 0) & (j < above)
        inside = values[np.clip(start + below + j, 0, last)] - centre
        return np.where(ok, inside, np.where(j < 0, -np.inf, np.inf))

    take = k + 1
    lo = np.maximum(0, take - above)
    hi = np.minimum(take, below)
    # smallest i in [lo, hi] with A[i] >= B[take - i - 1]: the first i from A and take - i from B are then the
    # take smallest deviations
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        enough = a(mid) >= b(take - mid - 1)
        lo = np.where(active & ~enough, mid + 1, lo)
        hi = np.where(active & enough, mid, hi)
    from_a = np.where(lo > 0, a(lo - 1), -np.inf)
    return np.maximum(from_a, b(take - lo - 1))


OUTPUT_COLUMNS = (
    "level", *KEY_COLUMNS, "n", "importers", "administrations", "top_share", "median", "mad",
    *QUANTILES, "mean", "sd",
)  # fmt: skip


OUTPUT_SCHEMA = {
    "level": pl.String,
    **dict.fromkeys(KEY_COLUMNS, pl.String),
    **dict.fromkeys(("n", "importers", "administrations"), pl.UInt32),
    **dict.fromkeys(("top_share", "median", "mad", *QUANTILES, "mean", "sd"), pl.Float64),
}
PAIR = np.int64(1 << 32)  # a (cell, importer) or (cell, administration) pair as one sortable int64


def _pairs(cell: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (cell, other) pairs, sorted, and how many lines each has."""
    keys, counts = np.unique(cell * PAIR + other, return_counts=True)
    return keys, counts.astype(np.int64)


def _pairs_add(
    keys: np.ndarray, counts: np.ndarray, more: np.ndarray, sign: int
) -> tuple[np.ndarray, np.ndarray]:
    """``keys``/``counts`` with the pairs ``more`` added (sign 1) or taken away (sign -1)."""
    if not len(more):
        return keys, counts
    extra, extra_counts = np.unique(more, return_counts=True)
    at = np.searchsorted(keys, extra)
    found = (
        (at < len(keys)) & (keys[np.minimum(at, max(len(keys) - 1, 0))] == extra)
        if len(keys)
        else np.zeros(len(extra), bool)
    )
    counts = counts.copy()
    counts[at[found]] += sign * extra_counts[found]
    if sign > 0 and not found.all():
        keys = np.insert(keys, at[~found], extra[~found])
        counts = np.insert(counts, at[~found], extra_counts[~found])
    if sign < 0:
        keep = counts > 0
        keys, counts = keys[keep], counts[keep]
    return keys, counts


@dataclass
class LevelState:
    """One level's lines of the period, sorted by cell then log unit value (cell ``i`` is row ``i`` of
    ``keys``), and the distinct (cell, importer) and (cell, administration) pairs with their line counts:
    everything a cell's statistics are read from, kept so that a refresh merges a day's lines in."""

    level: str
    keys: pl.DataFrame
    cell: np.ndarray
    luv: np.ndarray
    importer: np.ndarray
    admin: np.ndarray
    day: np.ndarray
    importer_pairs: tuple[np.ndarray, np.ndarray]
    admin_pairs: tuple[np.ndarray, np.ndarray]

    @classmethod
    def empty(cls, level: str) -> LevelState:
        nothing = np.zeros(0, np.int64)
        return cls(
            level, pl.DataFrame(schema={k: pl.String for k in LEVELS[level]}), nothing, np.zeros(0),
            nothing, nothing, nothing, (nothing, nothing), (nothing, nothing),
        )  # fmt: skip

    def stats(self, cells: np.ndarray | None = None) -> pl.DataFrame:
        """The statistics of the given cells (all by default); cells left without lines are not in it."""
        total = self.keys.height
        n_all = np.bincount(self.cell, minlength=total).astype(np.int64)
        if cells is None:
            cells = np.arange(total, dtype=np.int64)
        cells = cells[n_all[cells] > 0]
        if not len(cells):
            return pl.DataFrame(schema=OUTPUT_SCHEMA)
        starts_all = np.cumsum(n_all) - n_all
        n, start = n_all[cells], starts_all[cells]
        values = self.luv

        def quantile(q: float) -> np.ndarray:
            position = (n - 1) * q
            low, high = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
            v_low, v_high = values[start + low], values[start + high]
            return v_low + (v_high - v_low) * (position - low)

        median = quantile(0.5)
        half = (n - 1) * 0.5
        low_k, high_k = np.floor(half).astype(np.int64), np.ceil(half).astype(np.int64)
        d_low = _kth_deviation(values, start, n, median, low_k)
        d_high = _kth_deviation(values, start, n, median, high_k)
        mad = d_low + (d_high - d_low) * (half - low_k)
        occupied = n_all > 0
        sums = np.zeros(total)
        sums[occupied] = np.add.reduceat(values, starts_all[occupied]) if len(values) else 0.0
        mean_all = np.divide(sums, n_all, out=np.zeros(total), where=occupied)
        squares = np.zeros(total)
        if len(values):
            squares[occupied] = np.add.reduceat((values - mean_all[self.cell]) ** 2, starts_all[occupied])
        sd = np.sqrt(np.divide(squares[cells], n - 1, out=np.zeros(len(cells)), where=n > 1))
        importer_keys, importer_counts = self.importer_pairs
        pair_cell = importer_keys // PAIR
        first = np.searchsorted(pair_cell, cells, side="left")
        importers = np.searchsorted(pair_cell, cells, side="right") - first
        top = np.maximum.reduceat(importer_counts, np.searchsorted(pair_cell, np.nonzero(occupied)[0]))
        top_of = np.zeros(total, np.int64)
        top_of[occupied] = top
        admin_cell = self.admin_pairs[0] // PAIR
        administrations = np.searchsorted(admin_cell, cells, side="right") - np.searchsorted(
            admin_cell, cells
        )
        columns: dict[str, Any] = {
            "level": self.level,
            "n": pl.Series(n, dtype=pl.UInt32),
            "importers": pl.Series(importers, dtype=pl.UInt32),
            "administrations": pl.Series(administrations, dtype=pl.UInt32),
            "top_share": top_of[cells] / n,
            "median": median,
            "mad": mad,
            **{name: quantile(q) for name, q in QUANTILES.items()},
            "mean": mean_all[cells],
            "sd": sd,
        }
        keys = self.keys[cells]
        out = keys.with_columns(
            **{k: (pl.Series(v) if isinstance(v, np.ndarray) else pl.lit(v)) for k, v in columns.items()}
        )
        for column in KEY_COLUMNS:
            if column not in keys.columns:
                out = out.with_columns(pl.lit("").alias(column))
        return out.select(OUTPUT_COLUMNS).cast(OUTPUT_SCHEMA)  # type: ignore[arg-type]


def _days(column: pl.Series) -> np.ndarray:
    return column.cast(pl.Date).cast(pl.Int32).to_numpy().astype(np.int64)


class Statistics:
    """The statistics of every cell of the given levels over a period, built once from the lines and kept up
    to date by :meth:`add` as lines arrive: new lines are merged into each level's sorted values (no sort
    of what is already there), lines that left the period are dropped, and only the cells either touches
    are recomputed. The quantiles, median and MAD come out exactly as a full build over the same lines
    gives them (tested); mean and standard deviation to rounding."""

    def __init__(self, lines: pl.DataFrame, period: Period, levels: Iterable[str] = HIERARCHY) -> None:
        self.period = period
        window = lines.filter(pl.col("day").is_between(period.start, period.end))
        codes, self.importers = _codes(window.select("importer"))
        window = window.with_columns(importer_code=pl.Series(codes))
        self.levels: dict[str, LevelState] = {}
        for level in levels:
            part = _level_filter(window, level)
            if part.is_empty():
                self.levels[level] = LevelState.empty(level)
                continue
            cell, keys = _codes(part.select(LEVELS[level]))
            ordered = (
                part.select(
                    pl.Series("cell", cell),
                    pl.col("luv").cast(pl.Float64),
                    pl.col("importer_code").cast(pl.Int64),
                    pl.col("admin").cast(pl.Int64),
                    pl.col("day").cast(pl.Date).cast(pl.Int32).cast(pl.Int64),
                )
                .sort(["cell", "luv"])
                .to_dict()
            )
            columns = {name: series.to_numpy() for name, series in ordered.items()}
            self.levels[level] = LevelState(
                level=level,
                keys=keys,
                cell=columns["cell"],
                luv=columns["luv"],
                importer=columns["importer_code"],
                admin=columns["admin"],
                day=columns["day"],
                importer_pairs=_pairs(columns["cell"], columns["importer_code"]),
                admin_pairs=_pairs(columns["cell"], columns["admin"]),
            )

    def cells(self) -> pl.DataFrame:
        parts = [state.stats() for state in self.levels.values()]
        return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=OUTPUT_SCHEMA)

    def add(self, new_lines: pl.DataFrame, period: Period | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Merge new lines in (moving the period to ``period`` if given: lines before its start leave).
        Returns the recomputed cells (the rows to write) and the keys of cells left without lines (to delete),
        both with every key column."""
        if period is not None:
            self.period = period
        start, end = (_days(pl.Series([d]))[0] for d in (self.period.start, self.period.end))
        new_lines = new_lines.filter(pl.col("day").is_between(self.period.start, self.period.end))
        codes, self.importers = _codes(new_lines.select("importer"), self.importers)
        new_lines = new_lines.with_columns(importer_code=pl.Series(codes, dtype=pl.Int64))
        changed, emptied = [], []
        for level, state in self.levels.items():
            touched = [np.zeros(0, np.int64)]
            gone = (state.day < start) | (state.day > end)
            if gone.any():
                touched.append(np.unique(state.cell[gone]))
                state.importer_pairs = _pairs_add(
                    *state.importer_pairs, state.cell[gone] * PAIR + state.importer[gone], -1
                )
                state.admin_pairs = _pairs_add(
                    *state.admin_pairs, state.cell[gone] * PAIR + state.admin[gone], -1
                )
                keep = ~gone
                state.cell, state.luv, state.importer = (
                    state.cell[keep],
                    state.luv[keep],
                    state.importer[keep],
                )
                state.admin, state.day = state.admin[keep], state.day[keep]
            part = _level_filter(new_lines, level)
            if not part.is_empty():
                cell, state.keys = _codes(part.select(LEVELS[level]), state.keys)
                luv = part["luv"].to_numpy().astype(np.float64)
                order = np.lexsort((luv, cell))
                cell, luv = cell[order], luv[order]
                importer = part["importer_code"].to_numpy().astype(np.int64)[order]
                admin = part["admin"].to_numpy().astype(np.int64)[order]
                at = _insert_positions(state.cell, state.luv, cell, luv)
                state.cell = np.insert(state.cell, at, cell)
                state.luv = np.insert(state.luv, at, luv)
                state.importer = np.insert(state.importer, at, importer)
                state.admin = np.insert(state.admin, at, admin)
                state.day = np.insert(state.day, at, _days(part["day"])[order])
                state.importer_pairs = _pairs_add(*state.importer_pairs, cell * PAIR + importer, 1)
                state.admin_pairs = _pairs_add(*state.admin_pairs, cell * PAIR + admin, 1)
                touched.append(np.unique(cell))
            cells = np.unique(np.concatenate(touched))
            if not len(cells):
                continue
            changed.append(state.stats(cells))
            left = np.bincount(state.cell, minlength=state.keys.height)[cells] == 0
            if left.any():
                emptied.append(_with_all_keys(state.keys[cells[left]], level))
        return (
            pl.concat(changed, how="vertical") if changed else pl.DataFrame(schema=OUTPUT_SCHEMA),
            pl.concat(emptied, how="vertical") if emptied else pl.DataFrame(schema=KEY_SCHEMA),
        )


KEY_SCHEMA = {"level": pl.String, **dict.fromkeys(KEY_COLUMNS, pl.String)}


def _with_all_keys(keys: pl.DataFrame, level: str) -> pl.DataFrame:
    out = keys.with_columns(level=pl.lit(level))
    for column in KEY_COLUMNS:
        if column not in keys.columns:
            out = out.with_columns(pl.lit("").alias(column))
    return out.select(list(KEY_SCHEMA))


def build(lines: pl.DataFrame, period: Period, levels: Iterable[str] = HIERARCHY) -> pl.DataFrame:
    """Every cell of the given levels over the lines dated in the period."""
    return Statistics(lines, period, levels).cells()


def touched(new_lines: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The keys, per level, of the cells new lines fall in (what an incremental refresh recomputes)."""
    return {
        level: _level_filter(new_lines, level).select(list(keys)).unique() for level, keys in LEVELS.items()
    }


def refresh(lines: pl.DataFrame, new_lines: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Only the cells the new lines touch, recomputed from ``lines`` (which already includes them): the
    rows to upsert. Other cells are unchanged. (Where the statistics are kept between loads,
    :meth:`Statistics.add` does the same without reading the other lines again.)"""
    window = lines.filter(pl.col("day").is_between(period.start, period.end))
    parts = []
    for level, keys in touched(new_lines).items():
        if keys.is_empty():
            continue
        subset = window.join(keys, on=list(LEVELS[level]), how="semi")
        parts.append(Statistics(subset, period, [level]).cells())
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=OUTPUT_SCHEMA)


def hs4_of(hs: str) -> str:
    return hs[:4]


def hs6_of(hs: str) -> str:
    return hs[:6]
