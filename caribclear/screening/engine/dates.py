"""Dates of birth as evidence.

Dates are ISO 8601 strings, possibly partial: ``"1971"``, ``"1971-05"`` or ``"1971-05-23"``. Comparing a
query's dates with an entity's gives one :class:`DateVerdict`, the most favourable over all pairs: an exact
match raises the score, a typo, swapped day and month or a year off by one leave it almost unchanged, and a
date many years apart lowers it strongly.

Each verdict also says how far the dates agree (:class:`Agreement`). The index uses that to weigh an inexact
name: a name one letter off is tolerated when the date confirms it, but not when the date too is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PartialDate = tuple[int, int | None, int | None]


def parse_partial(value: str) -> PartialDate | None:
    """``"1971-05-23"`` -> ``(1971, 5, 23)``; ``"1971"`` -> ``(1971, None, None)``; junk -> ``None``."""
    m = _ISO.match(value.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    if month is None:
        day = None
    return (year, month, day)


class Agreement(Enum):
    """How far two dates of birth agree, from confirming each other to being different dates."""

    #: identical, or the same year and month where one side gives no day
    CONFIRMS = "confirms"
    #: the same year, where one side gives only the year (one person in 65 or so shares it)
    WEAK = "weak"
    #: one recording error apart: a digit, swapped day and month, or the year off by one
    TOLERATED = "tolerated"
    #: different dates: other day and month, or years apart
    DIFFERS = "differs"


@dataclass(frozen=True, slots=True)
class DateVerdict:
    kind: str
    effect: float
    #: how the dates compare, after ``date of birth <query> vs <entity>: `` (see ``detail``)
    what: str
    agreement: Agreement
    query: PartialDate
    entity: PartialDate

    @property
    def detail(self) -> str:
        """``date of birth 1974-12-04 vs 1974-04-12: day and month swapped``; built when shown, not for each
        candidate compared."""
        return f"date of birth {_fmt(self.query)} vs {_fmt(self.entity)}: {self.what}"


# Effects in score points. Tuned on the benchmark in bench/screening (see its README).
EXACT = 0.06
YEAR_MONTH = 0.04
YEAR_ONLY = 0.03
NEAR = 0.0
OTHER_DAY = -0.04
YEAR_TYPO = -0.05
YEAR_NEAR_PARTIAL = -0.02
SAME_YEAR_ONLY = -0.08
YEAR_NEAR_OTHER_DAY = -0.12
TWO_YEARS = -0.20
FAR = -0.30


def _one_digit_apart(a: int, b: int, width: int) -> bool:
    sa, sb = f"{a:0{width}d}", f"{b:0{width}d}"
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def _fmt(d: PartialDate) -> str:
    y, m, day = d
    if m is None:
        return f"{y:04d}"
    if day is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{day:02d}"


def _judge(q: PartialDate, e: PartialDate) -> tuple[str, float, str, Agreement]:
    """What ``_compare`` says, as a tuple: kind, effect, what, agreement."""
    qy, qm, qd = q
    ey, em, ed = e
    confirms, weak, tolerated, differs = (
        Agreement.CONFIRMS,
        Agreement.WEAK,
        Agreement.TOLERATED,
        Agreement.DIFFERS,
    )
    same_md = qm is not None and em is not None and qm == em and (qd is None or ed is None or qd == ed)
    if qy == ey:
        if qm is None or em is None:
            return ("dob_year", YEAR_ONLY, "same year", weak)
        if qm == em:
            if qd is None or ed is None:
                return ("dob_month", YEAR_MONTH, "same year and month", confirms)
            if qd == ed:
                return ("dob_exact", EXACT, "identical", confirms)
            if _one_digit_apart(qd, ed, 2):
                return ("dob_typo", NEAR, "day differs by one digit", tolerated)
            return ("dob_day", OTHER_DAY, "same year and month, other day", differs)
        if qd is not None and ed is not None and qm == ed and qd == em:
            return ("dob_swap", NEAR, "day and month swapped", tolerated)
        if qd is not None and ed is not None and qd == ed and _one_digit_apart(qm, em, 2):
            return ("dob_typo", NEAR, "month differs by one digit", tolerated)
        return ("dob_year", SAME_YEAR_ONLY, "same year, other day", differs)
    gap = abs(qy - ey)
    if gap == 1:
        if qm is None or em is None:
            what = "one year apart (one gives the year only)"
            return ("dob_year_near", YEAR_NEAR_PARTIAL, what, tolerated)
        if same_md:
            return ("dob_year_near", NEAR, "one year apart", tolerated)
        what = "one year apart, other day"
        return ("dob_year_near", YEAR_NEAR_OTHER_DAY, what, differs)
    if same_md and (_one_digit_apart(qy, ey, 4) or f"{qy:04d}"[:2] + f"{qy:04d}"[:1:-1] == f"{ey:04d}"):
        return ("dob_typo", YEAR_TYPO, "same day, year typo?", tolerated)
    if gap == 2:
        return ("dob_far", TWO_YEARS, "two years apart", differs)
    return ("dob_far", FAR, f"{gap} years apart", differs)


def _compare(q: PartialDate, e: PartialDate) -> DateVerdict:
    kind, effect, what, agreement = _judge(q, e)
    return DateVerdict(kind, effect, what, agreement, q, e)


def compare_birth_dates(
    query: tuple[PartialDate, ...], entity: tuple[PartialDate, ...]
) -> DateVerdict | None:
    """Best verdict over all pairs, or ``None`` when either side has no usable date."""
    best: DateVerdict | None = None
    for q in query:
        for e in entity:
            v = _compare(q, e)
            if best is None or v.effect > best.effect:
                best = v
    return best


def best_effect(query: tuple[PartialDate, ...], entity: tuple[PartialDate, ...]) -> float | None:
    """``compare_birth_dates(query, entity).effect`` without making the verdict (the index bounds every
    candidate's score with it, and scores few of them)."""
    best: float | None = None
    for q in query:
        for e in entity:
            effect = _judge(q, e)[1]
            if best is None or effect > best:
                best = effect
    return best
