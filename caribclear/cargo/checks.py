"""What the cargo app checks beyond the readers: the HS nomenclature, container check digits, known ports,
and the filing deadline."""

from __future__ import annotations

import datetime as dt

from caribclear.edifact.model import Issue
from caribclear.reference.models import HsCode

from .choices import Mode
from .models import FilingDeadline

#: Hours before loading when an administration has set none (containerised sea cargo: the 24-hour rule;
#: air: before loading).
DEFAULT_DEADLINE_HOURS = {Mode.SEA: 24, Mode.AIR: 0}


class Nomenclature:
    """The loaded HS codes, read once per filing. Empty when none were loaded (``load_hs_codes``)."""

    def __init__(self) -> None:
        self.codes = set(HsCode.objects.filter(level=6).values_list("code", flat=True))

    @property
    def loaded(self) -> bool:
        return bool(self.codes)

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


def deadline_hours(administration_id: int | None, mode: str) -> int:
    if administration_id is not None:
        row = FilingDeadline.objects.filter(administration_id=administration_id, mode=mode).first()
        if row is not None:
            return row.hours_before_loading
    return DEFAULT_DEADLINE_HOURS.get(mode, 24)  # type: ignore[call-overload]


def is_late(*, filed_at: dt.datetime, loading_at: dt.datetime | None, hours: int) -> bool:
    """Filed after the deadline (unknown loading time: not late)."""
    return loading_at is not None and filed_at > loading_at - dt.timedelta(hours=hours)


def issue(code: str, message: str, where: object) -> Issue:
    return Issue(code, message, where)  # type: ignore[arg-type]
