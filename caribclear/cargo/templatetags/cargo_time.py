"""``{{ call.arrival|at_locode:call.locode }}``: a voyage time on the clock of a UN/LOCODE's country, with
the zone (the port's own zone when the port is loaded with one)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template

from caribclear.reference.timezones import datetime_text, zone_name_for

register = template.Library()


@register.filter
def at_locode(value: dt.datetime | None, locode: str, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    if value is None:
        return ""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(zone_name_for((locode or "")[:2]))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return datetime_text(value, zone, format_name)
