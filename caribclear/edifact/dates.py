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
    # The value is all digits and of the format's length: its fields are at fixed places (what strptime
    # reads too, a field at a time; this is a tenth of its time, and a ship's list has two dates a person).
    short = code in ("101", "201", "202")
    cut = 2 if short else 4
    try:
        if value.isascii():
            year = int(value[:cut])
            fields = [int(value[i : i + 2]) for i in range(cut, len(value), 2)]
        else:  # other scripts' digits, as strptime takes (or refuses) them
            parsed = datetime.strptime(value, _FORMATS[code])  # noqa: DTZ007
            year, fields = parsed.year % 100 if short else parsed.year, list(parsed.timetuple()[1:6])
            fields = fields[: (len(_FORMATS[code]) - 2) // 2]
        if short:
            year += 2000
            if past and year > datetime.now(UTC).year:
                year -= 100
        month, day, hour, minute, second = (*fields, 0, 0, 0)[:5]
        # local time of the port, no zone in the file
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001
    except ValueError:
        return None


def parse_date(value: str, fmt: str = "", *, past: bool = False) -> date | None:
    parsed = parse_dtm(value, fmt, past=past)
    return parsed.date() if parsed else None


def _expected_length(fmt: str) -> int:
    return {"101": 6, "102": 8, "201": 10, "202": 12, "203": 12, "204": 14}[fmt]
