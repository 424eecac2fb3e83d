"""Scoring one line against the cells: the pooling rule, the fallback up the hierarchy, and the score.
Pure Python, no Django: the views word the explanation.

The score is how many robust standard deviations (1.4826 x MAD, the standard deviation of a normal
distribution with that MAD) the line's log unit value lies *below* the cell's median; 0 at or above it.
A robust centre and spread are not pulled by the under-valued lines already in the cell, as a mean and a
standard deviation are (``bench/valuation`` compares them). A line is flagged at ``FLAG_SCORE`` or more.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from .stats import HIERARCHY

MAD_TO_SD = 1.4826
MIN_SPREAD = 0.05  # log units (about 5%): a cell of identical prices does not make every cent a deviation
FLAG_SCORE = 3.0


@dataclass(frozen=True)
class PoolingRule:
    """When a cell's statistics may be used and shown at all (set by CCLEC): at least ``min_lines`` lines
    from at least ``min_importers`` importers, and no importer with more than ``max_share`` of the lines."""

    min_lines: int = 20
    min_importers: int = 3
    max_share: float = 0.5

    def allows(self, cell: Mapping[str, Any]) -> bool:
        return (
            int(cell["n"]) >= self.min_lines
            and int(cell["importers"]) >= self.min_importers
            and float(cell["top_share"]) <= self.max_share
        )

    def why_not(self, cell: Mapping[str, Any]) -> str:
        if int(cell["n"]) < self.min_lines:
            return "lines"
        if int(cell["importers"]) < self.min_importers:
            return "importers"
        return "dominant"


def cell_keys(*, hs: str, origin: str, exporter: str, unit: str) -> dict[str, dict[str, str]]:
    """The key of each level's cell for one line (``exporter`` and ``national`` only where they apply)."""
    keys = {
        "exporter": {"hs6": hs[:6], "origin": origin, "exporter": exporter, "unit": unit},
        "national": {"hs": hs, "origin": origin, "unit": unit},
        "hs6_origin": {"hs6": hs[:6], "origin": origin, "unit": unit},
        "hs6": {"hs6": hs[:6], "unit": unit},
        "hs4": {"hs4": hs[:4], "unit": unit},
    }
    if not exporter:
        keys.pop("exporter")
    if len(hs) <= 6:
        keys.pop("national")
    return keys


@dataclass(frozen=True)
class Result:
    score: float
    z: float
    level: str | None  # the cell used; None when no cell may be used
    cell: Mapping[str, Any] | None
    band: str  # "p1", "p2", "p5", "p10", "q1", "above_q1", "above_median"
    skipped: tuple[tuple[str, str], ...]  # narrower cells passed over, and why ("lines", "importers", ...)

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_SCORE


def band(luv: float, cell: Mapping[str, Any]) -> str:
    for name in ("p1", "p2", "p5", "p10", "q1"):
        if luv < float(cell[name]):
            return name
    return "above_q1" if luv < float(cell["median"]) else "above_median"


def score_line(luv: float, cells: Mapping[str, Mapping[str, Any] | None], rule: PoolingRule) -> Result:
    """Score against the narrowest cell the rule allows (``cells``: level -> cell or None)."""
    skipped: list[tuple[str, str]] = []
    for level in HIERARCHY:
        if level not in cells:
            continue
        cell = cells[level]
        if cell is None:
            skipped.append((level, "none"))
            continue
        if not rule.allows(cell):
            skipped.append((level, rule.why_not(cell)))
            continue
        spread = max(MAD_TO_SD * float(cell["mad"]), MIN_SPREAD)
        z = (luv - float(cell["median"])) / spread
        score = round(max(0.0, -z), 2)
        return Result(score, z, level, cell, band(luv, cell), tuple(skipped))
    return Result(0.0, 0.0, None, None, "", tuple(skipped))


def log_unit_value(value_ref: float, quantity_base: float) -> float:
    return math.log(value_ref / quantity_base)


#: The columns a line is joined to a cell on, per level: (the line's, the cell's).
_JOIN = {
    "exporter": (["hs6", "origin", "exporter", "unit"], ["hs6", "origin", "exporter", "unit"]),
    "national": (["hs_code", "origin", "unit"], ["hs", "origin", "unit"]),
    "hs6_origin": (["hs6", "origin", "unit"], ["hs6", "origin", "unit"]),
    "hs6": (["hs6", "unit"], ["hs6", "unit"]),
    "hs4": (["hs4", "unit"], ["hs4", "unit"]),
}


def scores(lines: pl.DataFrame, cells: pl.DataFrame, rule: PoolingRule) -> pl.Series:
    """:func:`score_line` for many lines at once, as joins: each line (``hs_code``, ``origin``,
    ``exporter``, ``unit``, ``log_unit_value``) against the narrowest of ``cells`` the rule allows. The
    same scores as one call per line (tested), in a fraction of the time for a day's load."""
    allowed = cells.filter(
        (pl.col("n") >= rule.min_lines)
        & (pl.col("importers") >= rule.min_importers)
        & (pl.col("top_share") <= rule.max_share)
    ).with_columns(
        spread=pl.max_horizontal(pl.col("mad").cast(pl.Float64) * MAD_TO_SD, pl.lit(MIN_SPREAD)),
        median=pl.col("median").cast(pl.Float64),
    )
    frame = lines.select(
        pl.int_range(pl.len()).alias("_row"),
        pl.col("hs_code"),
        pl.col("hs_code").str.slice(0, 6).alias("hs6"),
        pl.col("hs_code").str.slice(0, 4).alias("hs4"),
        "origin",
        "exporter",
        "unit",
        pl.col("log_unit_value").cast(pl.Float64).alias("luv"),
    ).with_columns(score=pl.lit(None, dtype=pl.Float64))
    for level in HIERARCHY:
        left, right = _JOIN[level]
        level_cells = allowed.filter(pl.col("level") == level).select(
            *[pl.col(c).alias(f"_k{i}") for i, c in enumerate(right)], "median", "spread"
        )
        eligible = pl.col("score").is_null()
        if level == "exporter":
            eligible &= pl.col("exporter") != ""
        if level == "national":
            eligible &= pl.col("hs_code").str.len_chars() > 6
        found = (
            frame.filter(eligible)
            .join(level_cells, left_on=left, right_on=[f"_k{i}" for i in range(len(right))], how="inner")
            .select(
                "_row",
                ((pl.col("median") - pl.col("luv")) / pl.col("spread"))
                .clip(lower_bound=0)
                .round(2)
                .alias("_s"),
            )
        )
        frame = (
            frame.join(found, on="_row", how="left").with_columns(score=pl.coalesce("score", "_s")).drop("_s")
        )
    return frame.sort("_row")["score"].fill_null(0.0)
