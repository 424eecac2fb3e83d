"""A port's time zone, so that "the day of arrival" is the day in the port's own calendar.

UN/LOCODE records no time zone. Every territory a member clears lies in one zone, so the country
decides; for the few countries with several zones (Canada, Mexico, Spain, the United States) the zone
nearest to the port's coordinates is taken, or, for a port without coordinates, the zone of the
country's Caribbean-facing ports. The zones come from the IANA time zone database's `zone.tab`
(installed with the system's time zone data that `zoneinfo` reads).
"""

from __future__ import annotations

import functools
import math
import zoneinfo
from pathlib import Path
from typing import NamedTuple

from .models import Port

# For a country with several zones, the zone of its ports that face the Caribbean, when a port has no
# coordinates to find its nearest zone by.
CARIBBEAN_ZONE: dict[str, str] = {
    "US": "America/New_York",
    "CA": "America/Halifax",
    "MX": "America/Cancun",
    "ES": "Atlantic/Canary",
}
UTC = zoneinfo.ZoneInfo("UTC")


class _Zone(NamedTuple):
    name: str
    latitude: float
    longitude: float


def _degrees(text: str, width: int) -> float:
    """ISO 6709 as zone.tab writes it: sign, degrees (`width` digits), minutes, optional seconds."""
    sign = -1.0 if text[0] == "-" else 1.0
    digits = text[1:]
    degrees, minutes, seconds = int(digits[:width]), int(digits[width : width + 2]), digits[width + 2 :]
    return sign * (degrees + minutes / 60 + (int(seconds) / 3600 if seconds else 0))


@functools.cache
def _zones_by_country() -> dict[str, list[_Zone]]:
    table: dict[str, list[_Zone]] = {}
    for base in zoneinfo.TZPATH:
        path = Path(base) / "zone.tab"
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            country, coordinates, name = line.split("\t")[:3]
            split = max(coordinates.rfind("+"), coordinates.rfind("-"))
            latitude, longitude = coordinates[:split], coordinates[split:]
            table.setdefault(country, []).append(_Zone(name, _degrees(latitude, 2), _degrees(longitude, 3)))
        break
    return table


def zone_name_for(country: str, latitude: float | None = None, longitude: float | None = None) -> str:
    """The IANA zone of a place in `country` (ISO 3166 alpha-2), nearest to the coordinates if given."""
    zones = _zones_by_country().get(country.upper(), [])
    if len(zones) == 1:
        return zones[0].name
    if zones and latitude is not None and longitude is not None:
        scale = math.cos(math.radians(latitude))
        return min(
            zones, key=lambda z: (z.latitude - latitude) ** 2 + ((z.longitude - longitude) * scale) ** 2
        ).name
    if country.upper() in CARIBBEAN_ZONE:
        return CARIBBEAN_ZONE[country.upper()]
    return zones[0].name if zones else "UTC"


def port_zone(port: Port) -> zoneinfo.ZoneInfo:
    """The time zone of the port's own calendar."""
    latitude = float(port.latitude) if port.latitude is not None else None
    longitude = float(port.longitude) if port.longitude is not None else None
    try:
        return zoneinfo.ZoneInfo(zone_name_for(str(port.country), latitude, longitude))
    except zoneinfo.ZoneInfoNotFoundError:
        return UTC
