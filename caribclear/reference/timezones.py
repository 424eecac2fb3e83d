"""A port's time zone, so that "the day of arrival" is the day in the port's own calendar.

UN/LOCODE records no time zone. Every territory a member clears lies in one zone, so the country
decides, from the IANA time zone database's `zone.tab` (installed with the time zone data `zoneinfo`
reads). The few countries with several zones (the United States, Canada, Mexico, Spain) are decided by
the port's UN/LOCODE subdivision (state, province), else by the zone of their Caribbean-facing ports.
"""

from __future__ import annotations

import functools
import zoneinfo
from pathlib import Path

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
    """The time zone of the port's own calendar."""
    try:
        return zoneinfo.ZoneInfo(zone_name_for(str(port.country), port.subdivision))
    except zoneinfo.ZoneInfoNotFoundError:
        return UTC
