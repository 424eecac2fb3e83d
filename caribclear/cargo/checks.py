"""What the cargo app checks beyond the readers: the HS nomenclature, container check digits, known ports,
and the filing deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from caribclear.edifact.model import Issue
from caribclear.reference.models import HsCode

from .choices import Mode
from .models import FilingDeadline

#: Hours before loading when an administration has set none (containerised sea cargo: the 24-hour rule;
#: air: before loading).
DEFAULT_DEADLINE_HOURS = {Mode.SEA: 24, Mode.AIR: 0}


class Nomenclature:
    """The loaded HS codes, read once per filing. Empty when none were loaded (``load_hs_codes``).

    Given the codes a filing uses, only those subheadings are read (a one-consignment filing reads a row
    or two, not the nomenclature's 5,600), and whether any is loaded at all only when none of them is."""

    def __init__(self, used: Iterable[str] | None = None) -> None:
        if used is None:
            self.codes = set(HsCode.objects.filter(level=6).values_list("code", flat=True))
            self._loaded = bool(self.codes)
            return
        digits = (code.replace(".", "").replace(" ", "") for code in used)
        wanted = {d[:6] for d in digits if len(d) >= 6 and d.isdigit()}
        # One statement: the subheadings used, and any one subheading (is the nomenclature loaded at all?).
        any_one = HsCode.objects.filter(level=6).order_by("pk").values("pk")[:1]
        found = set(
            HsCode.objects.filter(level=6)
            .filter(Q(code__in=wanted) | Q(pk=any_one))
            .values_list("code", flat=True)
        )
        self.codes = found & wanted
        self._loaded = bool(found)

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
