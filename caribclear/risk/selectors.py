"""Reads of the risk app, restricted to the official's administration: the officer's panel on a
notification, criteria, the criterion test, and the hit-rate dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.clearance.models import Notification
from caribclear.clearance.officer_selectors import notifications_for_official
from caribclear.core.visibility import get_visible_or_404, is_official, visible
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.models import Hit, ScreeningRun, Watchlist
from caribclear.screening.selectors import hits_for_notification

from .choices import Disposition
from .conditions import evaluate, notification_facts
from .models import Assessment, Criterion, CriterionVersion, Firing, LaneOverride, RandomSelection


def notification_for_official(user: User, reference: str) -> Notification:
    """A notification of the official's administration (not a draft); 404 otherwise."""
    notification = (
        notifications_for_official(user)
        .select_related("vessel", "port", "administration")
        .filter(reference=reference)
        .first()
    )
    if notification is None:
        raise Http404
    return notification


@dataclass
class RiskPanel:
    """What the officer sees about a notification's risk: the lane, why, and the watchlist hits."""

    notification: Notification
    assessment: Assessment | None
    lane: str
    firings: list[Firing] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    overrides: list[LaneOverride] = field(default_factory=list)
    last_run: ScreeningRun | None = None
    can_act: bool = False

    @property
    def pending_hits(self) -> int:
        return sum(1 for h in self.hits if h.disposition == HitDisposition.PENDING)


def risk_panel_for(notification: Notification, user: User) -> RiskPanel:
    """The panel for an official of the notification's administration; 404 for anyone else."""
    if (
        not user.is_authenticated
        or not user.is_official
        or user.administration_id != notification.administration_id
    ):
        raise Http404
    assessment = (
        visible(user, Assessment)
        .filter(notification_id=notification.pk)
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
    return RiskPanel(
        notification=notification,
        assessment=assessment,
        lane=assessment.final_lane if assessment else "",
        firings=list(assessment.firings.all()) if assessment else [],
        hits=list(hits_for_notification(notification.pk)),
        overrides=list(assessment.overrides.all()) if assessment else [],
        last_run=visible(user, ScreeningRun)
        .filter(notification_id=notification.pk)
        .order_by("-started_at", "-pk")
        .first(),
        can_act=True,
    )


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


def firing_for(user: User, *, notification: Notification, pk: Any) -> Firing:
    """A current firing on a notification the user may see; 404 otherwise."""
    qs = Firing.objects.filter(assessment__notification=notification, is_current=True).select_related(
        "assessment__notification"
    )
    try:
        return get_visible_or_404(user, qs, pk=int(pk or 0))
    except ValueError:
        raise Http404 from None


def criterion_versions(criterion: Criterion) -> QuerySet[CriterionVersion]:
    return criterion.versions.select_related("created_by").order_by("-number")


def random_selections_for(user: User) -> QuerySet[RandomSelection]:
    return visible(user, RandomSelection).order_by("from_lane")


@dataclass
class TestRow:
    notification: Notification
    fired: bool
    detail: str


def criterion_test(
    *, user: User, conditions: list[dict[str, Any]], days: int = 30, limit: int = 200
) -> list[TestRow]:
    """Run conditions against the administration's notifications expected in the last ``days`` days (and
    those still to come), newest first, without storing anything."""
    since = timezone.now() - dt.timedelta(days=days)
    notifications = (
        notifications_for_official(user)
        .filter(expected_at__gte=since)
        .select_related("vessel", "port")
        .prefetch_related("people_on_board__person", "people_on_board__document", "screening_hits")
        .order_by("-expected_at", "-pk")[:limit]
    )
    rows = []
    for notification in notifications:
        fired, detail = evaluate(conditions, notification_facts(notification))
        rows.append(TestRow(notification, fired, detail))
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


def dashboard_for(user: User, *, start: dt.date, end: dt.date) -> Dashboard:
    """Hit rates and false-positive rates per criterion and per list, for notifications of the official's
    administration first assessed (criteria) or screened (lists) between two dates, inclusive."""
    if not is_official(user):
        raise Http404
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)

    assessments = visible(user, Assessment).filter(created_at__gte=lo, created_at__lt=hi)
    assessed = assessments.count()
    final_lanes: dict[str, int] = {}
    for lane, override in assessments.values_list("lane", "override_lane"):
        final = override or lane
        final_lanes[final] = final_lanes.get(final, 0) + 1

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
        visible(user, ScreeningRun).filter(started_at__gte=lo, started_at__lt=hi).values("notification_id")
    )
    screened = Notification.objects.filter(pk__in=screened_ids).count()
    hit_rows = (
        visible(user, Hit)
        .filter(notification_id__in=screened_ids, is_current=True)
        .values("watchlist_id")
        .annotate(
            fired=Count("notification", distinct=True),
            reviewed=Count("pk", filter=~Q(disposition=HitDisposition.PENDING)),
            fp=Count("pk", filter=Q(disposition=HitDisposition.FALSE_POSITIVE)),
            tp=Count("pk", filter=Q(disposition=HitDisposition.TRUE_MATCH)),
        )
    )
    by_list: dict[int, dict[str, Any]] = {row["watchlist_id"]: dict(row) for row in hit_rows}
    from caribclear.screening.selectors import watchlists_usable_by

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
