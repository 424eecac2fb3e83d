"""DTM values (UN/EDIFACT 2379 format codes) to dates and times."""

from __future__ import annotations

from datetime import UTC, date, datetime

_FORMATS = {
    "101": "%y%m%d",
    "102": "%Y%m%d",
    "201": "%y%m%d%H%M",
    "202": "%y%m%d%H%M%S",
    "203": "%Y%m%d%H%M",
    "204": "%Y%m%d%H%M%S",
}
_BY_LENGTH = {6: "101", 8: "102", 10: "201", 12: "203", 14: "204"}


def parse_dtm(value: str, fmt: str = "", *, past: bool = False) -> datetime | None:
    """A date/time as written (local time of the place it concerns, so naive), or None if unreadable.

    A two-digit year is taken in this century, except with ``past`` (dates of birth), where a year after
    this one goes back a century.
    """
    value = value.strip()
    if not value.isdigit():
        return None
    code = fmt if fmt in _FORMATS and _expected_length(fmt) == len(value) else _BY_LENGTH.get(len(value), "")
    if not code:
        return None
    try:
        parsed = datetime.strptime(value, _FORMATS[code])  # noqa: DTZ007 - local time of the port, no zone in the file
    except ValueError:
        return None
    if code in ("101", "201", "202"):
        year = 2000 + parsed.year % 100
        if past and year > datetime.now(UTC).year:
            year -= 100
        try:
            parsed = parsed.replace(year=year)
        except ValueError:
            return None
    return parsed


def parse_date(value: str, fmt: str = "", *, past: bool = False) -> date | None:
    parsed = parse_dtm(value, fmt, past=past)
    return parsed.date() if parsed else None


def _expected_length(fmt: str) -> int:
    return {"101": 6, "102": 8, "201": 10, "202": 12, "203": 12, "204": 14}[fmt]
