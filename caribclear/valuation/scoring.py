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
