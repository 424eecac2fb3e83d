"""Dates of birth as evidence.

Dates are ISO 8601 strings, possibly partial: ``"1971"``, ``"1971-05"`` or ``"1971-05-23"``. Comparing a
query's dates with an entity's gives one :class:`DateVerdict`, the most favourable over all pairs: an exact
match raises the score, a typo, swapped day and month or a year off by one leave it almost unchanged, and a
date many years apart lowers it strongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class DateVerdict:
    kind: str
    effect: float
    detail: str


# Effects in score points. Tuned on the benchmark in bench/screening (see its README).
EXACT = 0.06
YEAR_MONTH = 0.04
YEAR_ONLY = 0.03
NEAR = 0.0
OTHER_DAY = -0.04
YEAR_TYPO = -0.05
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


def _compare(q: PartialDate, e: PartialDate) -> DateVerdict:
    qy, qm, qd = q
    ey, em, ed = e
    shown = f"{_fmt(q)} vs {_fmt(e)}"
    same_md = qm is not None and em is not None and qm == em and (qd is None or ed is None or qd == ed)
    if qy == ey:
        if qm is None or em is None:
            return DateVerdict("dob_year", YEAR_ONLY, f"date of birth {shown}: same year")
        if qm == em:
            if qd is None or ed is None:
                return DateVerdict("dob_month", YEAR_MONTH, f"date of birth {shown}: same year and month")
            if qd == ed:
                return DateVerdict("dob_exact", EXACT, f"date of birth {shown}: identical")
            if _one_digit_apart(qd, ed, 2):
                return DateVerdict("dob_typo", NEAR, f"date of birth {shown}: day differs by one digit")
            detail = f"date of birth {shown}: same year and month, other day"
            return DateVerdict("dob_day", OTHER_DAY, detail)
        if qd is not None and ed is not None and qm == ed and qd == em:
            return DateVerdict("dob_swap", NEAR, f"date of birth {shown}: day and month swapped")
        if qd is not None and ed is not None and qd == ed and _one_digit_apart(qm, em, 2):
            return DateVerdict("dob_typo", NEAR, f"date of birth {shown}: month differs by one digit")
        return DateVerdict("dob_year", SAME_YEAR_ONLY, f"date of birth {shown}: same year, other day")
    gap = abs(qy - ey)
    if gap == 1:
        if qm is None or em is None or same_md:
            return DateVerdict("dob_year_near", NEAR, f"date of birth {shown}: one year apart")
        detail = f"date of birth {shown}: one year apart, other day"
        return DateVerdict("dob_year_near", YEAR_NEAR_OTHER_DAY, detail)
    if same_md and (_one_digit_apart(qy, ey, 4) or f"{qy:04d}"[:2] + f"{qy:04d}"[:1:-1] == f"{ey:04d}"):
        return DateVerdict("dob_typo", YEAR_TYPO, f"date of birth {shown}: same day, year typo?")
    if gap == 2:
        return DateVerdict("dob_far", TWO_YEARS, f"date of birth {shown}: two years apart")
    return DateVerdict("dob_far", FAR, f"date of birth {shown}: {gap} years apart")


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
