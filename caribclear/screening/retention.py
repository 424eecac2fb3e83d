"""Screening's retention rule (issue 15, finding 9): watchlist hits of closed declarations lose the personal
data they copied once the administration's period is over (two years unless it chose otherwise;
`core.retention`).

A hit copies who matched (the traveller's name as filed), the engine's explanation and evidence (names,
dates of birth, document numbers compared) and the official's note. For a declaration its kind calls
closed (`DeclarationKind.closed`: a notification cleared, refused or cancelled, a consignment released or
invalidated) whose last screening ran
before the cut-off, these are blanked. What stays: the hit itself (which list and listed entry, the score,
the disposition, who reviewed it and when), so the hit rates, the lists' figures and a declaration's
history still add up. Confirmed true matches are kept whole: they are the evidence of a case (a referral
and a supervisor's decision). Screening runs hold no personal data (counts and the lists used) and stay.

A kind that does not say which of its declarations are closed keeps its hits here: passenger lists mask
their travellers' hits themselves, with the lists.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from caribclear.core import declarations
from caribclear.core.models import Declaration
from caribclear.core.retention import Policy, RetentionRule, register

from .choices import Disposition
from .models import Hit, ScreeningRun

BATCH = 500


def _unminimised() -> Q:
    """Hits still holding personal data that the rule may remove (a true match is kept whole)."""
    return ~Q(disposition=Disposition.TRUE_MATCH) & (
        ~Q(subject_label="") | ~Q(explanation="") | ~Q(disposition_note="")
    )


def hits_minimise(policy: Policy, *, dry_run: bool = False) -> int:
    """Blank the personal data of the hits of closed declarations last screened before the cut-off."""
    last_run = ScreeningRun.objects.filter(declaration_id=OuterRef("pk")).order_by("-started_at")
    due = (
        Declaration.objects.annotate(last_screened=Subquery(last_run.values("started_at")[:1]))
        .filter(Exists(Hit.objects.filter(_unminimised(), declaration_id=OuterRef("pk"))))
        .filter(policy.expired("administration_id", "last_screened"))
        .values_list("pk", "kind")
    )
    by_kind: dict[str, list[int]] = {}
    for pk, key in due:
        by_kind.setdefault(key, []).append(pk)
    closed: list[int] = []
    for key, ids in sorted(by_kind.items()):
        try:
            declaration_kind = declarations.kind_of(key)
        except declarations.UnknownKind:
            continue
        for start in range(0, len(ids), BATCH):
            closed.extend(declaration_kind.closed(ids[start : start + BATCH]))
    count = 0
    for start in range(0, len(closed), BATCH):
        hits = Hit.objects.filter(_unminimised(), declaration_id__in=closed[start : start + BATCH])
        if dry_run:
            count += hits.count()
        else:
            count += hits.update(subject_label="", explanation="", evidence=[], disposition_note="")
    return count


def register_screening_retention() -> None:
    register(
        RetentionRule(
            key="screening.hits",
            label=_("Watchlist hits of closed declarations"),
            description=_(
                "After the period, the names, explanations and notes of the hits of cleared, refused or "
                "cancelled declarations are removed; the list, score and review stay. Confirmed matches are "
                "kept whole."
            ),
            default_days=2 * 365,
            min_days=90,
            max_days=10 * 365,
            apply=hits_minimise,
        )
    )
