"""Reads of the valuation app, always through the visibility layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from caribclear.core.pipeline import status_history
from caribclear.core.visibility import get_visible_or_404, visible
from caribclear.risk.choices import Disposition
from caribclear.risk.models import Firing

from .choices import CaseStatus, Outcome
from .models import Case, CaseDocument, Cell, DeclarationLine, ImportBatch, MirrorFile, RatesFile
from .scoring import FLAG_SCORE


def batches(user: Any) -> QuerySet[ImportBatch]:
    return visible(user, ImportBatch).order_by("-created_at", "-pk")


def rates_files(user: Any) -> QuerySet[RatesFile]:
    return visible(user, RatesFile).order_by("-created_at", "-pk")


def mirror_files(user: Any) -> QuerySet[MirrorFile]:
    """The UN Comtrade extracts the user's administration loaded (with who loaded them)."""
    return visible(user, MirrorFile).select_related("loaded_by").order_by("-created_at", "-pk")


def flagged_lines(user: Any) -> QuerySet[DeclarationLine]:
    return (
        visible(user, DeclarationLine)
        .filter(scored__score__gte=FLAG_SCORE)
        .annotate(score=F("scored__score"))
        .order_by("-date", "-score", "pk")
    )


def line(user: Any, pk: int) -> DeclarationLine:
    return get_visible_or_404(user, DeclarationLine, pk=pk)


def cases(user: Any, status: str = "") -> QuerySet[Case]:
    qs = visible(user, Case).select_related("opened_by")
    return qs.filter(status=status) if status else qs


def case(user: Any, pk: int) -> Case:
    return get_visible_or_404(user, Case.objects.select_related("opened_by", "decided_by"), pk=pk)


def case_documents(user: Any, case: Case) -> QuerySet[CaseDocument]:
    return visible(user, CaseDocument).filter(case=case).order_by("created_at", "pk")


def case_document(user: Any, case: Case, pk: int) -> CaseDocument:
    return get_visible_or_404(user, CaseDocument.objects.filter(case=case), pk=pk)


@dataclass(frozen=True)
class CaseChange:
    """One status change of a case, its statuses in the reader's words."""

    at: dt.datetime
    actor: Any
    from_label: str
    to_label: str


def case_history(case: Case) -> list[CaseChange]:
    """The case's status changes, with each status in the reader's language (not its stored code)."""
    labels = dict(CaseStatus.choices)
    return [
        CaseChange(
            at=change.at,
            actor=change.actor,
            from_label=str(labels.get(change.from_status, change.from_status)),
            to_label=str(labels.get(change.to_status, change.to_status)),
        )
        for change in status_history(case).select_related("actor")
    ]


def cells_shown(user: Any) -> QuerySet[Cell]:
    """Cells an official may see (the pooling rule is the visibility rule)."""
    return visible(user, Cell)


@dataclass
class Dashboard:
    flagged: int
    lines: int
    at_risk: list[dict[str, Any]]  # per HS chapter and origin: lines flagged and their declared value
    outcomes: dict[str, int]
    criterion_firings: int
    criterion_justified: int
    criterion_false: int
    since: dt.date

    @property
    def hit_rate(self) -> float | None:
        reviewed = self.criterion_justified + self.criterion_false
        return self.criterion_justified / reviewed if reviewed else None


def dashboard(user: Any, *, days: int = 365) -> Dashboard:
    since = timezone.localdate() - dt.timedelta(days=days)
    own = visible(user, DeclarationLine).filter(date__gte=since)
    flagged = own.filter(scored__score__gte=FLAG_SCORE)
    at_risk = list(
        flagged.values("hs4", "origin")
        .annotate(count=Count("pk"), value=Sum("value_reference"))
        .order_by("-value")[:15]
    )
    for row in at_risk:
        row["chapter"] = row["hs4"][:2]
        row["value"] = row["value"] or Decimal(0)
    counts = {row["status"]: row["n"] for row in visible(user, Case).values("status").annotate(n=Count("pk"))}
    decided = {
        row["outcome"]: row["n"]
        for row in visible(user, Case)
        .filter(status=CaseStatus.DECIDED)
        .values("outcome")
        .annotate(n=Count("pk"))
    }
    outcomes = {
        "open": counts.get(CaseStatus.OPEN, 0),
        "waiting": counts.get(CaseStatus.EVIDENCE_REQUESTED, 0),
        "answered": counts.get(CaseStatus.ANSWERED, 0),
        "accepted": decided.get(Outcome.ACCEPTED, 0),
        "determined": decided.get(Outcome.DETERMINED, 0),
    }
    firings = _valuation_firings(user, since)
    return Dashboard(
        flagged=flagged.count(),
        lines=own.count(),
        at_risk=at_risk,
        outcomes=outcomes,
        criterion_firings=len(firings),
        criterion_justified=sum(f.disposition == Disposition.TRUE_MATCH for f in firings),
        criterion_false=sum(f.disposition == Disposition.FALSE_POSITIVE for f in firings),
        since=since,
    )


VALUATION_FIELDS = {"valuation_score", "valuation_flagged"}


def _valuation_firings(user: Any, since: dt.date) -> list[Firing]:
    """Firings of the administration's criteria that test the valuation facts (the valuation criterion)."""
    firings = visible(user, Firing).filter(first_fired_at__date__gte=since).select_related("version")
    return [
        f
        for f in firings
        if any(isinstance(c, dict) and c.get("field") in VALUATION_FIELDS for c in f.version.conditions or [])
    ]
