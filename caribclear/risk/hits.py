"""What watchlist hits do to a declaration, for every kind alike: its least lane, and whether it may be
cleared.

A hit counts when it still matches and scores at or above its list's alert threshold. Until an official
records a review with a note, such a hit keeps the declaration in at least the lane of the administration's
rule for that list (:class:`~caribclear.risk.models.HitRule`; by default red for sanctions lists, yellow
for lookouts, intelligence alerts and lookout files) and stops every agency's "cleared". A true match keeps
it in the rule's true-match lane (red by default) and refers it to a supervisor
(:class:`~caribclear.risk.models.Referral`), whose decision the clearance waits for too. A false positive
counts no more.

Nor can a declaration be cleared before its screening has run: until a screening run of its current version
is recorded (the first one after filing, or after an amendment), nobody knows whether it has hits, so the
hold says "screening pending" and stops "cleared" too.

The declaring app asks :func:`release_blockers` before it records a clearance (clearance does), and shows
:func:`hold_for` (the banner of the officer's page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.choices import SourceFormat
from caribclear.screening.models import Hit, ScreeningRun, Watchlist

from .choices import Lane, worst_lane
from .models import HitRule, Referral

#: Lists read from a file of a sanctions authority or aggregator: a hit on them is red until reviewed.
SANCTIONS_FORMATS = frozenset({SourceFormat.OFAC, SourceFormat.UN, SourceFormat.CSL, SourceFormat.FTM})


@dataclass(frozen=True)
class Rule:
    unreviewed_lane: str
    true_match_lane: str
    is_default: bool = True


def default_rule(watchlist: Watchlist) -> Rule:
    """Red for sanctions lists; yellow for lookouts, intelligence alerts and lookout files. A true match is
    red on every list."""
    if watchlist.source_format in SANCTIONS_FORMATS:
        return Rule(Lane.RED, Lane.RED)
    return Rule(Lane.YELLOW, Lane.RED)


def rules_for(administration_id: int, watchlists: Iterable[Watchlist]) -> dict[int, Rule]:
    """The administration's rule for each list: the one a supervisor set, else the default."""
    lists = {w.pk: w for w in watchlists}
    if not lists:
        return {}
    set_rules = {
        r.watchlist_id: Rule(r.unreviewed_lane, r.true_match_lane, is_default=False)
        for r in HitRule.objects.filter(administration_id=administration_id, watchlist_id__in=list(lists))
    }
    return {pk: set_rules.get(pk) or default_rule(w) for pk, w in lists.items()}


def counting_hits(declaration_id: int) -> QuerySet[Hit]:
    """The hits that count: still matching, at or above their list's threshold."""
    return (
        Hit.objects.filter(
            declaration_id=declaration_id, is_current=True, score__gte=F("watchlist__threshold")
        )
        .select_related("watchlist")
        .order_by("-score", "pk")
    )


@dataclass
class HitsState:
    """The least lane the hits require ("" for none) and the hits still waiting for a review."""

    lane: str = ""
    open_hits: list[Hit] = field(default_factory=list)
    true_matches: list[Hit] = field(default_factory=list)
    rules: dict[int, Rule] = field(default_factory=dict)


def hits_state(declaration_id: int, administration_id: int) -> HitsState:
    hits = list(counting_hits(declaration_id))
    rules = rules_for(administration_id, {h.watchlist_id: h.watchlist for h in hits}.values())
    return state_of(hits, rules)


def counts(hit: Hit) -> bool:
    """Whether a current hit counts (at or above its list's threshold), as :func:`counting_hits` selects."""
    return hit.is_current and hit.score >= hit.watchlist.threshold


def state_of(hits: list[Hit], rules: dict[int, Rule]) -> HitsState:
    """The state of a declaration's counting hits (ordered by score, highest first) under the rules of
    their lists (see :func:`rules_for`; a batch of declarations reads the rules once)."""
    state = HitsState(rules=rules)
    lanes = []
    for hit in hits:
        rule = rules[hit.watchlist_id]
        if hit.disposition == HitDisposition.PENDING:
            state.open_hits.append(hit)
            lanes.append(rule.unreviewed_lane)
        elif hit.disposition == HitDisposition.TRUE_MATCH:
            state.true_matches.append(hit)
            lanes.append(rule.true_match_lane)
    state.lane = worst_lane(lanes) if lanes else ""
    return state


def open_referrals(declaration_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(declaration_id=declaration_id, resolved_at__isnull=True).select_related(
        "referred_by", "hit"
    )


def screening_pending(declaration_id: int) -> bool:
    """No screening of the declaration's current version has run yet (filed or amended moments ago, or
    the screening job failed): its hits are not known."""
    return not ScreeningRun.objects.filter(
        declaration_id=declaration_id, declaration_version__gte=F("declaration__version")
    ).exists()


@dataclass
class Hold:
    """Why a declaration may not be cleared now (empty: nothing stops it), for the banner and the check."""

    state: HitsState
    referrals: list[Referral]
    screening_pending: bool = False

    @property
    def open_hits(self) -> list[Hit]:
        return self.state.open_hits

    @property
    def lane(self) -> str:
        return self.state.lane

    @property
    def blocks(self) -> bool:
        return bool(self.screening_pending or self.state.open_hits or self.referrals)

    @property
    def shows(self) -> bool:
        """Worth a banner: something blocks, or a confirmed match is on record."""
        return self.blocks or bool(self.state.true_matches)


def hold_for(declaration_id: int, administration_id: int, *, referrals: list[Referral] | None = None) -> Hold:
    """What holds a declaration; ``referrals`` its open referrals when the caller has read them already."""
    if referrals is None:
        referrals = list(open_referrals(declaration_id))
    return Hold(
        hits_state(declaration_id, administration_id),
        referrals,
        screening_pending=screening_pending(declaration_id),
    )


def release_blockers(declaration_id: int, administration_id: int) -> list[str]:
    """Sentences saying why the declaration may not be cleared now; empty when it may."""
    hold = hold_for(declaration_id, administration_id)
    reasons = []
    if hold.screening_pending:
        reasons.append(
            _(
                "Screening against the watchlists has not run on this version yet: it can be cleared once "
                "the screening is done and any hits are reviewed."
            )
        )
    if hold.open_hits:
        count = len(hold.open_hits)
        reasons.append(
            ngettext(
                "%(count)d watchlist hit is not reviewed yet: record whether it is a true match or a false "
                "positive, with a note, before clearing.",
                "%(count)d watchlist hits are not reviewed yet: record whether each is a true match or a "
                "false positive, with a note, before clearing.",
                count,
            )
            % {"count": count}
        )
    if hold.referrals:
        reasons.append(
            _(
                "A true match referred this declaration to a supervisor: it can be cleared once a supervisor "
                "has recorded their decision."
            )
        )
    return reasons
