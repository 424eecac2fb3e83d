"""Reads of the risk app, restricted to the official's administration: the officer's panel on a
declaration, criteria, the criterion test, and the hit-rate dashboard."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import NormalDist
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.core import declarations
from caribclear.core.declarations import DeclarationKind, Summary
from caribclear.core.models import Declaration
from caribclear.core.visibility import get_visible_or_404, is_official, visible
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.models import Hit, ScreeningRun, Watchlist
from caribclear.screening.selectors import hits_for_declaration, watchlists_usable_by

from .choices import Disposition, Lane, lane_rank, worst_lane
from .conditions import evaluate, fields_for, hit_facts
from .hits import Hold, default_rule, hold_for, rules_for
from .models import (
    Assessment,
    Criterion,
    CriterionVersion,
    ExpectedRate,
    Firing,
    HitRule,
    LaneOverride,
    RandomSelection,
    Referral,
)


def _sees(user: User, declaration: Declaration) -> bool:
    return bool(
        user.is_authenticated and user.is_official and user.administration_id == declaration.administration_id
    )


def declaration_for_official(
    user: User, slug: str, reference: str
) -> tuple[Declaration, DeclarationKind, Summary]:
    """A declaration of the official's administration, by its kind's slug and reference, with its kind and
    summary; 404 otherwise (missing and not yours alike)."""
    try:
        kind = declarations.kind_by_slug(slug)
    except declarations.UnknownKind:
        raise Http404 from None
    declaration = (
        Declaration.objects.filter(kind=kind.key, reference=reference)
        .select_related("administration")
        .first()
    )
    if declaration is None or not _sees(user, declaration):
        raise Http404
    summary = kind.summaries([declaration.pk]).get(declaration.pk)
    if summary is None:
        raise Http404
    return declaration, kind, summary


@dataclass
class RiskPanel:
    """What the officer sees about a declaration's risk: the lane, why, and the watchlist hits."""

    declaration: Declaration
    slug: str
    summary: Summary | None
    assessment: Assessment | None
    lane: str
    firings: list[Firing] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    overrides: list[LaneOverride] = field(default_factory=list)
    last_run: ScreeningRun | None = None
    can_act: bool = False
    hold: Hold | None = None
    referrals: list[Referral] = field(default_factory=list)
    can_resolve: bool = False
    #: Whose clock the panel's times are shown on: the declaration's administration (the officer's own,
    #: already loaded with the officer, when it is theirs).
    administration: Any = None

    @property
    def lane_label(self) -> str:
        return str(Lane(self.lane).label) if self.lane else ""

    @property
    def raised_by_hits(self) -> bool:
        """The hits, not the criteria or an officer, decide the lane."""
        a = self.assessment
        return bool(a and a.hits_lane and a.final_lane != (a.override_lane or a.lane))

    @property
    def pending_hits(self) -> int:
        return sum(1 for h in self.hits if h.disposition == HitDisposition.PENDING)


def risk_panel_for(
    declaration: Declaration | None, user: User, *, summary: Summary | None = None
) -> RiskPanel:
    """The panel for an official of the declaration's administration; 404 for anyone else."""
    if declaration is None or not _sees(user, declaration):
        raise Http404
    assessment = (
        visible(user, Assessment)
        .filter(declaration_id=declaration.pk)
        .select_related("overridden_by", "random_selection")
        .prefetch_related(
            Prefetch(
                "firings",
                queryset=Firing.objects.filter(is_current=True)
                .select_related("version", "disposed_by")
                .order_by("-weight", "pk"),
            ),
            Prefetch("overrides", queryset=LaneOverride.objects.select_related("by")),
        )
        .first()
    )
    try:
        slug = declarations.kind_of(declaration.kind).slug
    except declarations.UnknownKind:
        raise Http404 from None
    referrals = list(
        visible(user, Referral)
        .filter(declaration_id=declaration.pk)
        .select_related("referred_by", "resolved_by")
        .order_by("-referred_at", "-pk")
    )
    # The banner at the top of the page computed the hold already (risk_hold_banner keeps it on the row).
    hold = getattr(declaration, "_risk_hold", None) or hold_for(
        declaration.pk, declaration.administration_id, referrals=[r for r in referrals if r.is_open]
    )
    hits = list(hits_for_declaration(declaration.pk))
    counting = {h.pk for h in [*hold.state.open_hits, *hold.state.true_matches]}
    rules = dict(hold.state.rules)
    missing = {h.watchlist_id: h.watchlist for h in hits if h.watchlist_id not in rules}
    rules |= rules_for(declaration.administration_id, missing.values())
    for hit in hits:
        # Whether the hit counts (at or above its list's threshold, still matching) and its list's rule.
        hit.counts = hit.pk in counting  # type: ignore[attr-defined]
        hit.rule = rules[hit.watchlist_id]  # type: ignore[attr-defined]
        hit.below_threshold = hit.is_current and hit.score < hit.watchlist.threshold  # type: ignore[attr-defined]
    lane = assessment.final_lane if assessment else (hold.lane or "")
    return RiskPanel(
        declaration=declaration,
        slug=slug,
        summary=summary,
        assessment=assessment,
        lane=lane,
        firings=list(assessment.firings.all()) if assessment else [],
        hits=hits,
        hold=hold,
        referrals=referrals,
        can_resolve=user.is_supervisor,
        overrides=list(assessment.overrides.all()) if assessment else [],
        last_run=visible(user, ScreeningRun)
        .filter(declaration_id=declaration.pk)
        .order_by("-started_at", "-pk")
        .first(),
        can_act=True,
        administration=_administration_of(declaration, user),
    )


def _administration_of(declaration: Declaration, user: User) -> Any:
    """The declaration's administration, without a query where the page has it already: joined to the
    declaration (the risk page), or loaded with the officer whose administration it is (declaring pages)."""
    field = Declaration._meta.get_field("administration")
    if (
        not field.is_cached(declaration)
        and user.administration_id == declaration.administration_id
        and User._meta.get_field("administration").is_cached(user)
    ):
        return user.administration
    return declaration.administration


# --- Criteria -------------------------------------------------------------------------------------------
def criteria_for(user: User) -> QuerySet[Criterion]:
    return (
        visible(user, Criterion)
        .select_related("current_version", "current_version__created_by")
        .order_by("pk")
    )


def criterion_for(user: User, pk: int) -> Criterion:
    criterion = criteria_for(user).filter(pk=pk).first()
    if criterion is None:
        raise Http404
    return criterion


def referral_for(user: User, *, declaration: Declaration, pk: Any) -> Referral:
    """An open referral of a declaration the user may see; 404 otherwise."""
    qs = Referral.objects.filter(declaration=declaration, resolved_at__isnull=True).select_related(
        "declaration"
    )
    try:
        return get_visible_or_404(user, qs, pk=int(pk or 0))
    except ValueError:
        raise Http404 from None


def firing_for(user: User, *, declaration: Declaration, pk: Any) -> Firing:
    """A current firing on a declaration the user may see; 404 otherwise."""
    qs = Firing.objects.filter(assessment__declaration=declaration, is_current=True).select_related(
        "assessment__declaration"
    )
    try:
        return get_visible_or_404(user, qs, pk=int(pk or 0))
    except ValueError:
        raise Http404 from None


def criterion_versions(criterion: Criterion) -> QuerySet[CriterionVersion]:
    return criterion.versions.select_related("created_by").order_by("-number")


def random_selections_for(user: User) -> QuerySet[RandomSelection]:
    return visible(user, RandomSelection).order_by("from_lane")


def expected_rates_for(user: User) -> list[ExpectedRate]:
    """The administration's expected shares, by kind, lanes from the least to the most severe."""
    return sorted(visible(user, ExpectedRate), key=lambda r: (r.kind, lane_rank(r.lane)))


@dataclass
class TestRow:
    declaration: Declaration
    summary: Summary
    slug: str
    fired: bool
    detail: str


def criterion_test(
    *, user: User, kind: str, conditions: list[dict[str, Any]], days: int = 30, limit: int = 200
) -> list[TestRow]:
    """Run conditions against the administration's recent declarations of one kind (as the kind orders
    them: for notifications, expected in the last ``days`` days and still to come), newest first, without
    storing anything."""
    if not user.is_official or user.administration_id is None:
        return []
    try:
        registered = declarations.kind_of(kind)
    except declarations.UnknownKind:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    ids = registered.recent(user.administration_id, since=since, limit=limit)
    found = Declaration.objects.in_bulk(ids)
    records = registered.load(ids)
    hits: dict[int, list[Hit]] = {}
    for hit in Hit.objects.filter(declaration_id__in=ids, is_current=True):
        hits.setdefault(hit.declaration_id, []).append(hit)
    fields = fields_for(kind)
    rows = []
    for pk in ids:
        declaration, record = found.get(pk), records.get(pk)
        if declaration is None or record is None or declaration.administration_id != user.administration_id:
            continue
        shared = declarations.shared_facts(declaration, record)
        facts = registered.facts(record) | shared | hit_facts(hits.get(pk, []))
        fired, detail = evaluate(conditions, facts, fields=fields)
        rows.append(TestRow(declaration, registered.summary(record), registered.slug, fired, detail))
    return rows


# --- Dashboard ------------------------------------------------------------------------------------------
@dataclass
class Rate:
    label: str
    assessed: int
    fired: int
    reviewed: int
    false_positives: int
    true_matches: int
    key: Any = None

    @property
    def hit_rate(self) -> float | None:
        return self.fired / self.assessed if self.assessed else None

    @property
    def false_positive_rate(self) -> float | None:
        return self.false_positives / self.reviewed if self.reviewed else None


@dataclass
class LaneShare:
    """One lane of one kind of declaration over the period: how many ended there, the share with its 95 %
    Wilson interval, and the share the supervisor expects."""

    lane: str
    label: str
    count: int
    total: int
    expected: Decimal | None

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.total:
            return None
        z = _Z95
        n, p = self.total, self.count / self.total
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    @property
    def interval_percent(self) -> tuple[float, float] | None:
        interval = self.interval
        return None if interval is None else (100 * interval[0], 100 * interval[1])

    @property
    def verdict(self) -> str:
        """``above`` or ``below`` when the expected share lies outside the interval of what happened;
        ``as_expected`` inside it; empty with no expectation or no declarations."""
        interval = self.interval
        if self.expected is None or interval is None:
            return ""
        expected = float(self.expected) / 100
        if expected < interval[0]:
            return "above"
        if expected > interval[1]:
            return "below"
        return "as_expected"


@dataclass
class KindLanes:
    kind: str
    label: str
    total: int
    lanes: list[LaneShare]


_Z95 = NormalDist().inv_cdf(0.975)


def _lane_shares(user: User, counts: dict[tuple[str, str], int]) -> list[KindLanes]:
    """Per kind of declaration assessed (or with an expected rate set), each lane's share and expectation."""
    expected = {(r.kind, r.lane): r.rate for r in expected_rates_for(user)}
    kinds = {kind for kind, _lane in counts} | {kind for kind, _lane in expected}
    rows = []
    for kind in sorted(kinds):
        total = sum(n for (k, _lane), n in counts.items() if k == kind)
        try:
            label = str(declarations.kind_of(kind).label)
        except declarations.UnknownKind:
            label = kind
        lanes = [
            LaneShare(lane, str(name), counts.get((kind, lane), 0), total, expected.get((kind, lane)))
            for lane, name in Lane.choices
        ]
        rows.append(KindLanes(kind, label, total, lanes))
    return rows


@dataclass
class Dashboard:
    start: dt.date
    end: dt.date
    assessed: int
    screened: int
    lanes: dict[str, int]
    random_selected: int
    overridden: int
    criteria: list[Rate]
    lists: list[Rate]
    lane_shares: list[KindLanes] = field(default_factory=list)


def dashboard_for(user: User, *, start: dt.date, end: dt.date) -> Dashboard:
    """Hit rates and false-positive rates per criterion and per list, for declarations of the official's
    administration first assessed (criteria) or screened (lists) between two dates, inclusive."""
    if not is_official(user):
        raise Http404
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)

    assessments = visible(user, Assessment).filter(created_at__gte=lo, created_at__lt=hi)
    assessed = assessments.count()
    final_lanes: dict[str, int] = {}
    by_kind: dict[tuple[str, str], int] = {}
    rows = assessments.values_list("declaration__kind", "lane", "override_lane", "hits_lane")
    for kind, lane, override, hits_lane in rows:
        final = worst_lane([override or lane, hits_lane]) if hits_lane else (override or lane)
        final_lanes[final] = final_lanes.get(final, 0) + 1
        by_kind[kind, final] = by_kind.get((kind, final), 0) + 1

    firing_rows = (
        Firing.objects.filter(assessment__in=assessments, is_current=True)
        .values("criterion_id")
        .annotate(
            fired=Count("assessment", distinct=True),
            reviewed=Count("pk", filter=~Q(disposition=Disposition.PENDING)),
            fp=Count("pk", filter=Q(disposition=Disposition.FALSE_POSITIVE)),
            tp=Count("pk", filter=Q(disposition=Disposition.TRUE_MATCH)),
        )
    )
    by_criterion: dict[int, dict[str, Any]] = {row["criterion_id"]: dict(row) for row in firing_rows}
    criteria = []
    for criterion in criteria_for(user):
        crow = by_criterion.get(criterion.pk, {})
        criteria.append(
            Rate(
                label=str(criterion),
                assessed=assessed,
                fired=crow.get("fired", 0),
                reviewed=crow.get("reviewed", 0),
                false_positives=crow.get("fp", 0),
                true_matches=crow.get("tp", 0),
                key=criterion.pk,
            )
        )

    screened_ids = (
        visible(user, ScreeningRun).filter(started_at__gte=lo, started_at__lt=hi).values("declaration_id")
    )
    screened = Declaration.objects.filter(pk__in=screened_ids).count()
    hit_rows = (
        visible(user, Hit)
        .filter(declaration_id__in=screened_ids, is_current=True)
        .values("watchlist_id")
        .annotate(
            fired=Count("declaration", distinct=True),
            reviewed=Count("pk", filter=~Q(disposition=HitDisposition.PENDING)),
            fp=Count("pk", filter=Q(disposition=HitDisposition.FALSE_POSITIVE)),
            tp=Count("pk", filter=Q(disposition=HitDisposition.TRUE_MATCH)),
        )
    )
    by_list: dict[int, dict[str, Any]] = {row["watchlist_id"]: dict(row) for row in hit_rows}
    lists = []
    for watchlist in watchlists_usable_by(user.administration).order_by("name"):
        lists.append(_list_rate(watchlist, screened, by_list.get(watchlist.pk, {})))
    return Dashboard(
        start=start,
        end=end,
        assessed=assessed,
        screened=screened,
        lanes=final_lanes,
        random_selected=assessments.filter(random_selected=True).count(),
        overridden=assessments.exclude(override_lane="").count(),
        criteria=criteria,
        lists=lists,
        lane_shares=_lane_shares(user, by_kind),
    )


def _list_rate(watchlist: Watchlist, screened: int, row: dict[str, Any]) -> Rate:
    return Rate(
        label=watchlist.name,
        assessed=screened,
        fired=row.get("fired", 0),
        reviewed=row.get("reviewed", 0),
        false_positives=row.get("fp", 0),
        true_matches=row.get("tp", 0),
        key=watchlist.pk,
    )


# --- Hit rules per list, and the lane columns of declaring apps' queues ---------------------------------
@dataclass
class ListRule:
    watchlist: Watchlist
    unreviewed_lane: str
    true_match_lane: str
    is_default: bool
    default_unreviewed: str
    default_true_match: str

    def unreviewed_label(self) -> str:
        return str(Lane(self.unreviewed_lane).label)

    def true_match_label(self) -> str:
        return str(Lane(self.true_match_lane).label)

    def default_unreviewed_label(self) -> str:
        return str(Lane(self.default_unreviewed).label)

    def default_true_match_label(self) -> str:
        return str(Lane(self.default_true_match).label)


def hit_rules_for(user: User) -> list[ListRule]:
    """Each list the official's administration screens against, with its rule (set or default)."""
    if not is_official(user) or user.administration is None:
        raise Http404
    lists = list(watchlists_usable_by(user.administration).order_by("name"))
    rules = rules_for(user.administration_id, lists)  # type: ignore[arg-type]
    rows = []
    for watchlist in lists:
        rule, default = rules[watchlist.pk], default_rule(watchlist)
        rows.append(
            ListRule(
                watchlist=watchlist,
                unreviewed_lane=rule.unreviewed_lane,
                true_match_lane=rule.true_match_lane,
                is_default=rule.is_default,
                default_unreviewed=default.unreviewed_lane,
                default_true_match=default.true_match_lane,
            )
        )
    return rows


def hit_rule_list_for(user: User, pk: int) -> Watchlist:
    """A list the official's administration screens against; 404 otherwise."""
    if not is_official(user) or user.administration is None:
        raise Http404
    watchlist = watchlists_usable_by(user.administration).filter(pk=pk).first()
    if watchlist is None:
        raise Http404
    return watchlist


def hit_rules_set_for(user: User) -> QuerySet[HitRule]:
    return visible(user, HitRule)


_RED, _YELLOW, _BLUE, _GREEN = str(Lane.RED), str(Lane.YELLOW), str(Lane.BLUE), str(Lane.GREEN)


def with_risk(queryset: QuerySet[Any], *, declaration: str = "declaration") -> QuerySet[Any]:
    """A declaring app's queryset with its declaration's lane (``risk_lane``: red, yellow, blue, green or "" when
    not assessed), ``risk_rank`` (2 red, 1 yellow, 0 otherwise: order by ``-risk_rank`` for red first),
    ``risk_open_hits`` (hits not yet reviewed) and ``risk_referred`` (an open referral to a supervisor).
    One join and one EXISTS, no query per row. The lane is the assessment's final lane
    (:attr:`~caribclear.risk.models.Assessment.final_lane`) written in SQL."""
    a = f"{declaration}__risk_assessment__"

    def lane_is(lane: str) -> Q:
        return (
            Q(**{f"{a}hits_lane": lane})
            | Q(**{f"{a}override_lane": lane})
            | (Q(**{f"{a}override_lane": ""}) & Q(**{f"{a}lane": lane}))
        )

    red, yellow = lane_is(_RED), lane_is(_YELLOW)
    assessed = Q(**{f"{a}pk__isnull": False})
    return queryset.annotate(
        risk_lane=Case(
            When(red, then=Value(_RED)),
            When(yellow, then=Value(_YELLOW)),
            When(lane_is(_BLUE), then=Value(_BLUE)),
            When(assessed, then=Value(_GREEN)),
            default=Value(""),
        ),
        risk_rank=Case(
            When(red, then=Value(2)),
            When(yellow, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        risk_open_hits=Coalesce(f"{a}open_hits", Value(0)),
        risk_referred=Exists(
            Referral.objects.filter(declaration_id=OuterRef(f"{declaration}_id"), resolved_at__isnull=True)
        ),
    )
