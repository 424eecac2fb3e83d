"""Times with their zone, in the language's format: `{% load local_time %}`.

`{{ notification.expected_at|at_port:notification.port }}` writes a voyage's time on the port's clock;
`{{ version.created_at|in_utc }}` a time that belongs to no port;
`{{ assessment.assessed_at|at_administration:declaration.administration }}` an officer's act on the clock of
the administration's country. Both take an optional format name:
`{{ value|in_utc:"SHORT_DATETIME_FORMAT" }}`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template

from caribclear.reference.models import Port
from caribclear.reference.timezones import (
    UTC,
    datetime_text,
    port_datetime_text,
    port_zone,
    utc_datetime_text,
    zone_label,
    zone_name_for,
)

register = template.Library()


@register.filter
def at_port(value: dt.datetime | None, port: Port | None) -> str:
    if value is None:
        return ""
    if port is None:
        return utc_datetime_text(value)
    return port_datetime_text(value, port)


@register.filter
def at_port_short(value: dt.datetime | None, port: Port | None) -> str:
    if value is None:
        return ""
    if port is None:
        return utc_datetime_text(value, "SHORT_DATETIME_FORMAT")
    return port_datetime_text(value, port, "SHORT_DATETIME_FORMAT")


@register.filter
def at_administration(
    value: dt.datetime | None, administration: Any, format_name: str = "SHORT_DATETIME_FORMAT"
) -> str:
    """An officer's act (an assessment, a review, a referral) on the clock of the administration's country,
    with the zone: `02/12/2026 09:27 (AST, UTC-4)`."""
    if value is None:
        return ""
    code = getattr(administration, "code", "") or ""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(zone_name_for(code)) if code else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return datetime_text(value, zone, format_name)


@register.filter
def in_utc(value: dt.datetime | None, format_name: str = "DATETIME_FORMAT") -> str:
    return utc_datetime_text(value, format_name)


@register.filter
def port_zone_label(port: Port | None, at: dt.datetime | None = None) -> str:
    """`AST, UTC-4`: the port's zone as it reads at `at` (default now)."""
    if port is None:
        return ""
    moment = at or dt.datetime.now(dt.UTC)
    return zone_label(port_zone(port), moment)
