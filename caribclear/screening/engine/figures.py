"""What each alert threshold means on the screening benchmark, for a supervisor choosing one.

``threshold_figures.json`` beside this file is written by ``bench/screening/run.py --write-figures`` (with
the command and the date of the run); nothing in it is typed by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

FIGURES_FILE = Path(__file__).with_name("threshold_figures.json")


@dataclass(frozen=True, slots=True)
class ThresholdFigure:
    threshold: float
    #: share of listed people found (all variants of the benchmark), the query giving a date of birth
    recall: float
    #: the same share for the variant found least often
    lowest: float
    #: alerts per 1,000 travellers who are not listed, with a date of birth: random ones, and ones
    #: sharing a listed person's surname
    alerts_random: float
    alerts_same_surname: float
    #: the same without a date of birth in the query
    recall_no_dob: float
    alerts_random_no_dob: float
    alerts_same_surname_no_dob: float

    @property
    def recall_percent(self) -> float:
        return round(100 * self.recall, 1)

    @property
    def recall_no_dob_percent(self) -> float:
        return round(100 * self.recall_no_dob, 1)


@dataclass(frozen=True, slots=True)
class ThresholdFigures:
    command: str
    date: str
    list_size: int
    rows: tuple[ThresholdFigure, ...]

    def at(self, threshold: float | Decimal) -> ThresholdFigure | None:
        """The figures of the highest measured threshold not above ``threshold`` (what it does at least)."""
        below = [r for r in self.rows if r.threshold <= float(threshold) + 1e-9]
        return max(below, key=lambda r: r.threshold) if below else None


@lru_cache(maxsize=1)
def threshold_figures() -> ThresholdFigures | None:
    """The benchmark's figures per threshold, or ``None`` when the file is missing or unreadable."""
    try:
        data = json.loads(FIGURES_FILE.read_text(encoding="utf-8"))
        rows = tuple(
            ThresholdFigure(
                threshold=float(r["threshold"]),
                recall=float(r["recall"]),
                lowest=float(r["lowest"]),
                alerts_random=float(r["alerts_random"]),
                alerts_same_surname=float(r["alerts_same_surname"]),
                recall_no_dob=float(r["recall_no_dob"]),
                alerts_random_no_dob=float(r["alerts_random_no_dob"]),
                alerts_same_surname_no_dob=float(r["alerts_same_surname_no_dob"]),
            )
            for r in data["thresholds"]
        )
        return ThresholdFigures(str(data["command"]), str(data["date"]), int(data["list_size"]), rows)
    except (OSError, ValueError, KeyError, TypeError):
        return None
