"""What the cargo app checks beyond the readers: the HS nomenclature, container check digits, known ports,
and the filing deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from caribclear.core.memo import ProcessCache
from caribclear.edifact.model import Issue
from caribclear.reference.models import HsCode

from .choices import Mode
from .models import FilingDeadline

#: Hours before loading when an administration has set none (containerised sea cargo: the 24-hour rule;
#: air: before loading).
DEFAULT_DEADLINE_HOURS = {Mode.SEA: 24, Mode.AIR: 0}


def _subheadings() -> frozenset[str]:
    return frozenset(HsCode.objects.filter(level=6).values_list("code", flat=True))


#: The nomenclature's 6-digit subheadings (some 5,600 codes), kept per process (`core.memo`): loaded by
#: `load_hs_codes` once in years, read by every filing (a statement each before). Another process sees a
#: new nomenclature within a minute; `load_hs_codes` clears its own process's.
SUBHEADINGS = ProcessCache("cargo.hs_subheadings", _subheadings, ttl=60, models=[HsCode])


class Nomenclature:
    """The loaded HS subheadings (kept per process: `SUBHEADINGS`). Empty when none were loaded
    (``load_hs_codes``): then only the form of a code is checked."""

    def __init__(self) -> None:
        self.codes = SUBHEADINGS.get()
        self._loaded = bool(self.codes)

    @property
    def loaded(self) -> bool:
        return self._loaded

    def problem(self, code: str) -> str | None:
        """Why an HS code is refused, or None."""
        digits = code.replace(".", "").replace(" ", "")
        if not digits:
            return None  # the reader warns of goods without an HS code
        if not digits.isdigit() or len(digits) < 6:
            return f"HS code {code!r}: give at least 6 digits."
        if self.loaded and digits[:6] not in self.codes:
            return f"HS code {code!r}: {digits[:6]} is not a subheading of the Harmonized System."
        return None


def _deadlines() -> Mapping[tuple[int, str], int]:
    return MappingProxyType(
        {
            (row.administration_id, row.mode): row.hours_before_loading
            for row in FilingDeadline.objects.order_by()
        }
    )


#: Every administration's deadline per mode (a few dozen rows), kept per process (`core.memo`): a filing
#: read its administrations' one by one. A change is seen by other processes within 10 seconds.
DEADLINES = ProcessCache("cargo.filing_deadlines", _deadlines, ttl=10, models=[FilingDeadline])


def deadline_hours(administration_id: int | None, mode: str) -> int:
    if administration_id is not None:
        hours = DEADLINES.get().get((administration_id, mode))
        if hours is not None:
            return hours
    return DEFAULT_DEADLINE_HOURS.get(mode, 24)  # type: ignore[call-overload]


def is_late(*, filed_at: dt.datetime, loading_at: dt.datetime | None, hours: int) -> bool:
    """Filed after the deadline (unknown loading time: not late)."""
    return loading_at is not None and filed_at > loading_at - dt.timedelta(hours=hours)


def issue(code: str, message: str, where: object) -> Issue:
    return Issue(code, message, where)  # type: ignore[arg-type]
