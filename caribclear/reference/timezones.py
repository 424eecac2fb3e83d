"""A port's time zone, so that "the day of arrival" is the day in the port's own calendar.

UN/LOCODE records no time zone. Every territory a member clears lies in one zone, so the country
decides, from the IANA time zone database's `zone.tab` (installed with the time zone data `zoneinfo`
reads). The few countries with several zones (the United States, Canada, Mexico, Spain) are decided by
the port's UN/LOCODE subdivision (state, province), else by the zone of their Caribbean-facing ports.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from pathlib import Path

from django.utils import formats

from .models import Port

# Countries of several zones: the zone of the subdivisions (ISO 3166-2 codes, as UN/LOCODE writes them)
# that are not in the country's Caribbean-facing zone, and that zone for every other subdivision.
SUBDIVISION_ZONES: dict[str, dict[str, str]] = {
    "US": {
        **dict.fromkeys(
            ("TX", "LA", "MS", "AL", "IL", "WI", "MN", "IA", "MO", "AR", "OK", "KS"), "America/Chicago"
        ),
        **dict.fromkeys(("CA", "OR", "WA", "NV"), "America/Los_Angeles"),
        **dict.fromkeys(("CO", "NM", "UT", "WY", "MT", "ID"), "America/Denver"),
        "AZ": "America/Phoenix",
        "AK": "America/Anchorage",
        "HI": "Pacific/Honolulu",
    },
    "CA": {
        "NL": "America/St_Johns",
        **dict.fromkeys(("QC", "ON"), "America/Toronto"),
        "MB": "America/Winnipeg",
        "SK": "America/Regina",
        "AB": "America/Edmonton",
        "BC": "America/Vancouver",
    },
    "MX": {
        **dict.fromkeys(
            ("VER", "TAM", "CAM", "TAB", "YUC", "GRO", "OAX", "CHP", "COL", "JAL", "MIC"),
            "America/Mexico_City",
        ),
        **dict.fromkeys(("SIN", "NAY", "BCS"), "America/Mazatlan"),
        "SON": "America/Hermosillo",
        "BCN": "America/Tijuana",
    },
    "ES": {"GC": "Atlantic/Canary", "TF": "Atlantic/Canary", "CN": "Atlantic/Canary"},
}
CARIBBEAN_ZONE: dict[str, str] = {
    "US": "America/New_York",
    "CA": "America/Halifax",
    "MX": "America/Cancun",
    "ES": "Europe/Madrid",
}
UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def _zones_by_country() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for base in zoneinfo.TZPATH:
        path = Path(base) / "zone.tab"
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    country, _coordinates, name = line.split("\t")[:3]
                    table.setdefault(country, []).append(name)
            break
    return table


def zone_name_for(country: str, subdivision: str = "") -> str:
    """The IANA zone of a place in `country` (ISO 3166 alpha-2) and, for a country of several zones,
    its `subdivision`."""
    country = country.upper()
    if country in CARIBBEAN_ZONE:
        return SUBDIVISION_ZONES[country].get(subdivision.upper(), CARIBBEAN_ZONE[country])
    zones = _zones_by_country().get(country, [])
    return zones[0] if zones else "UTC"


def port_zone(port: Port) -> zoneinfo.ZoneInfo:
    """The time zone of the port's own calendar: the port's stored zone (filled from its country when it
    is loaded, and editable where a port keeps another clock), else the one its country gives."""
    try:
        return zoneinfo.ZoneInfo(port.time_zone or zone_name_for(str(port.country), port.subdivision))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def utc_offset(zone: dt.tzinfo, at: dt.datetime) -> str:
    """`UTC-4`, `UTC+5:30`, `UTC`."""
    offset = at.astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: dt.tzinfo, at: dt.datetime) -> str:
    """The zone as people read it at `at`: `AST, UTC-4`; only the offset where the zone database has no
    letters for it (it writes `-03`)."""
    abbreviation = at.astimezone(zone).tzname() or ""
    offset = utc_offset(zone, at)
    if not abbreviation or abbreviation[0] in "+-" or abbreviation == offset or abbreviation == "UTC":
        return offset
    return f"{abbreviation}, {offset}"


def port_time(value: dt.datetime, port: Port) -> dt.datetime:
    """A stored (UTC) time as the clock at the port reads it."""
    return value.astimezone(port_zone(port))


def port_localize(value: dt.datetime, port: Port) -> dt.datetime:
    """A time typed as the port's local clock (naive) made aware in the port's zone."""
    return value.replace(tzinfo=port_zone(port))


def datetime_text(value: dt.datetime | None, zone: dt.tzinfo, format_name: str = "DATETIME_FORMAT") -> str:
    """A time in the active language's format, on the clock of `zone`, with the zone written after it:
    `3 Dec 2026, 14:30 (AST, UTC-4)`, or `3 Dec 2026, 18:30 UTC`. The one way every page, e-mail and PDF writes a time."""
    if value is None:
        return ""
    local = value.astimezone(zone)
    label = zone_label(zone, value)
    text = formats.date_format(local, format_name)
    return f"{text} UTC" if label == "UTC" else f"{text} ({label})"


def port_datetime_text(value: dt.datetime | None, port: Port, format_name: str = "DATETIME_FORMAT") -> str:
    """A time of a voyage as the port's clock reads it, with the zone: what captains and officers read."""
    return datetime_text(value, port_zone(port), format_name)


def utc_datetime_text(value: dt.datetime | None, format_name: str = "DATETIME_FORMAT") -> str:
    """A time that belongs to no port (filed, decided, recorded), in UTC and saying so."""
    return datetime_text(value, UTC, format_name)
