"""Helpers shared by the list readers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..errors import InputError

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DAY_MON_YEAR = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
#: Longest range of years expanded into single years ("DOB 1950 to 1960").
MAX_RANGE_YEARS = 12


def open_text(path: Path) -> IO[str]:
    """Open a list file as text: UTF-8 (with or without BOM), else Windows-1252 as OFAC used to ship."""
    if not path.exists():
        raise InputError(path, "file not found")
    if not path.is_file():
        raise InputError(path, "not a file")
    with path.open("rb") as fh:
        sample = fh.read()
    try:
        sample.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return path.open(encoding=encoding, newline="")


def _one_date(text: str) -> str | None:
    text = text.strip().strip(".").strip()
    m = _ISO_PREFIX.match(text)
    if m and (len(text) == len(m.group(0)) or text[len(m.group(0)) :].startswith("T")):
        return m.group(0)
    m = _DAY_MON_YEAR.match(text)
    if m:
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            return None
        if m.group(1):
            return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
        return f"{m.group(3)}-{month:02d}"
    return None


def parse_dates(text: str) -> list[str]:
    """Dates as lists write them -> ISO partial dates.

    ``"16 May 1961"`` -> ``["1961-05-16"]``; ``"circa 1960"`` -> ``["1960"]``; ``"1960 to 1962"`` ->
    ``["1960", "1961", "1962"]``; ``"01 Jan 1960 to 31 Dec 1962"`` -> the three years.
    """
    text = re.sub(r"^(circa|approximately|approx\.?|about|ca\.)\s+", "", text.strip(), flags=re.I)
    if " to " in text or re.match(r"^\d{4}\s*-\s*\d{4}$", text):
        parts = re.split(r"\s+to\s+|\s*-\s*", text, maxsplit=1)
        start, end = _one_date(parts[0]), _one_date(parts[1]) if len(parts) > 1 else None
        if start and end:
            return year_range(int(start[:4]), int(end[:4]))
        return [d for d in (start, end) if d]
    one = _one_date(text)
    return [one] if one else []


def year_range(start: int, end: int) -> list[str]:
    if end < start:
        start, end = end, start
    if end - start > MAX_RANGE_YEARS:
        return [str(start), str(end)]
    return [str(y) for y in range(start, end + 1)]


def split_list(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(sep) if v.strip()]


def unique(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        v = v.strip()
        if v and v not in out:
            out.append(v)
    return tuple(out)
