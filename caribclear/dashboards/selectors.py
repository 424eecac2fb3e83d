"""Read-only analytics, read through the visibility layer (`core.visibility`). Intelligence figures count
only seizures the reader may see (intel's "aggregate" rule: a reader's charts never count a record they
may not see); clearance volumes are counts per member, status and month, which are not personal and are
shared with every official (clearance's "summary" rule).

Screening and criteria hit rates come from the risk engine's own selector
(`caribclear.risk.selectors.dashboard_for`), for the reader's own administration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from caribclear.core.visibility import get_visible_or_404, visible
from caribclear.intel.models import Seizure
from caribclear.intel.visibility import AGGREGATE
from caribclear.reference.models import Port
from caribclear.risk.selectors import Dashboard, dashboard_for


@dataclass
class Period:
    date_from: dt.date
    date_to: dt.date
    members: list[str] = field(default_factory=list)
    commodity: str = ""

    @classmethod
    def last_year(cls) -> Period:
        today = timezone.localdate()
        return cls(date_from=today.replace(day=1) - dt.timedelta(days=334), date_to=today)


def seizures_in(*, user: Any, period: Period) -> QuerySet[Seizure]:
    """The seizures the reader may see in the period, at places of the chosen members, of the commodity."""
    qs = visible(user, Seizure, AGGREGATE).filter(
        occurred_on__gte=period.date_from, occurred_on__lte=period.date_to
    )
    if period.members:
        qs = qs.filter(port_id__in=Port.objects.filter(administration__code__in=period.members).values("pk"))
    if period.commodity:
        qs = qs.filter(commodity=period.commodity)
    return qs


def _group(qs: QuerySet[Seizure], *by: str, top: int | None = None) -> list[dict[str, Any]]:
    rows = (
        qs.order_by()
        .values(*by)
        .annotate(count=Count("pk"), value=Sum("estimated_value_usd"))
        .order_by("-count", *by)
    )
    return list(rows[:top] if top else rows)


@dataclass
class SeizureSummary:
    total: int
    total_value: float
    by_commodity: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    top_routes: list[dict[str, Any]]
    top_concealment: list[dict[str, Any]]
    by_detection: list[dict[str, Any]]
    top_places: list[dict[str, Any]]


def seizure_summary(*, user: Any, period: Period, top: int = 10) -> SeizureSummary:
    qs = seizures_in(user=user, period=period)
    if connection.vendor == "postgresql":
        return _summary_grouping_sets(qs, top=top)
    return _summary_orm(qs, top=top)


def _summary_orm(qs: QuerySet[Seizure], *, top: int) -> SeizureSummary:
    """One query per breakdown (any database)."""
    by_commodity = _group(qs, "commodity")
    by_month: list[dict[str, Any]] = [
        dict(row)
        for row in qs.order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    ]
    return SeizureSummary(
        total=sum(r["count"] for r in by_commodity),
        total_value=float(sum((r["value"] or 0) for r in by_commodity)),
        by_commodity=by_commodity,
        by_month=by_month,
        top_routes=_group(qs, "route_origin", "route_destination", top=top),
        top_concealment=_group(qs, "concealment_method", top=top),
        by_detection=_group(qs, "detection_method", top=top),
        top_places=_group(qs, "port__locode", "port__name", top=top),
    )


GROUPING_COLUMNS = (
    "commodity",
    "month",
    "route_origin",
    "route_destination",
    "concealment_method",
    "detection_method",
    "port_id",
)


def _summary_grouping_sets(qs: QuerySet[Seizure], *, top: int) -> SeizureSummary:
    """All the breakdowns in one scan of the visible rows (PostgreSQL GROUPING SETS).

    The inner query is the ORM's own restricted queryset, so the visibility rule is exactly the one
    every other read uses; only the grouping is written by hand.
    """
    inner = qs.order_by().values(
        "commodity",
        "occurred_on",
        "route_origin",
        "route_destination",
        "concealment_method",
        "detection_method",
        "port_id",
        "estimated_value_usd",
    )
    inner_sql, params = inner.query.sql_with_params()
    groupings = ", ".join(f"GROUPING({c}) AS g_{c}" for c in GROUPING_COLUMNS)
    sql = f"""
        SELECT {groupings}, {", ".join(GROUPING_COLUMNS)}, COUNT(*) AS count, SUM(estimated_value_usd) AS value
        FROM (SELECT commodity, date_trunc('month', occurred_on)::date AS month, route_origin,
                     route_destination, concealment_method, detection_method, port_id, estimated_value_usd
              FROM ({inner_sql}) AS visible) AS v
        GROUP BY GROUPING SETS ((commodity), (month), (route_origin, route_destination), (concealment_method),
                                (detection_method), (port_id))
    """  # noqa: S608 - the inner SQL is the ORM's, its values are passed as parameters
    sets: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("commodity", "month", "route", "concealment", "detection", "port")
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col[0] for col in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            if row["g_commodity"] == 0:
                sets["commodity"].append(
                    {"commodity": row["commodity"], "count": row["count"], "value": row["value"]}
                )
            elif row["g_month"] == 0:
                sets["month"].append({"month": row["month"], "count": row["count"]})
            elif row["g_route_origin"] == 0:
                sets["route"].append(
                    {
                        "route_origin": row["route_origin"],
                        "route_destination": row["route_destination"],
                        "count": row["count"],
                        "value": row["value"],
                    }
                )
            elif row["g_concealment_method"] == 0:
                sets["concealment"].append(
                    {
                        "concealment_method": row["concealment_method"],
                        "count": row["count"],
                        "value": row["value"],
                    }
                )
            elif row["g_detection_method"] == 0:
                sets["detection"].append(
                    {
                        "detection_method": row["detection_method"],
                        "count": row["count"],
                        "value": row["value"],
                    }
                )
            else:
                sets["port"].append({"port_id": row["port_id"], "count": row["count"], "value": row["value"]})

    def ranked(rows: list[dict[str, Any]], *keys: str, limit: int | None = None) -> list[dict[str, Any]]:
        rows = sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))
        rows = sorted(rows, key=lambda r: -r["count"])
        return rows[:limit] if limit else rows

    places = ranked(sets["port"], "port_id", limit=top)
    ports = {p.pk: p for p in Port.objects.filter(pk__in=[r["port_id"] for r in places])}
    for row in places:
        port = ports[row.pop("port_id")]
        row["port__locode"], row["port__name"] = port.locode, port.name
    by_commodity = ranked(sets["commodity"], "commodity")
    return SeizureSummary(
        total=sum(r["count"] for r in by_commodity),
        total_value=float(sum((r["value"] or 0) for r in by_commodity)),
        by_commodity=by_commodity,
        by_month=sorted(sets["month"], key=lambda r: r["month"]),
        top_routes=ranked(sets["route"], "route_origin", "route_destination", limit=top),
        top_concealment=ranked(sets["concealment"], "concealment_method", limit=top),
        by_detection=ranked(sets["detection"], "detection_method", limit=top),
        top_places=places,
    )


def clearance_volumes(*, user: Any, period: Period) -> dict[str, Any]:
    """Notifications per member administration, status and month (no personal data)."""
    from caribclear.clearance.models import Notification
    from caribclear.clearance.visibility import SUMMARY

    start = dt.datetime.combine(period.date_from, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period.date_to, dt.time.max, tzinfo=dt.UTC)
    qs = visible(user, Notification, SUMMARY).filter(expected_at__gte=start, expected_at__lte=end)
    if period.members:
        qs = qs.filter(administration__code__in=period.members)
    by_member = list(
        qs.order_by()
        .values("administration__code", "administration__name")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    by_status = list(qs.order_by().values("status").annotate(count=Count("pk")).order_by("-count"))
    by_month: list[dict[str, Any]] = [
        dict(row)
        for row in qs.order_by()
        .annotate(month=TruncMonth("expected_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    ]
    return {"by_member": by_member, "by_status": by_status, "by_month": by_month}


@dataclass
class CargoFigures:
    """Advance cargo in the period: filings per member with the on-time rate (counts shared with every
    official), and for the reader's own administration the lanes and what examinations found per lane."""

    by_member: list[dict[str, Any]]
    lanes: list[dict[str, Any]]
    examinations: list[dict[str, Any]]
    own: bool


def cargo_figures(*, user: Any, period: Period) -> CargoFigures:
    from caribclear.cargo.choices import ExaminationResult
    from caribclear.cargo.models import Consignment, Examination
    from caribclear.cargo.visibility import VOLUMES
    from caribclear.risk.choices import LANE_ORDER
    from caribclear.risk.selectors import with_risk

    start = dt.datetime.combine(period.date_from, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period.date_to, dt.time.max, tzinfo=dt.UTC)
    filed = visible(user, Consignment, VOLUMES).filter(
        created_at__gte=start, created_at__lte=end, administration__isnull=False
    )
    if period.members:
        filed = filed.filter(administration__code__in=period.members)
    by_member = [
        {**row, "on_time_rate": (row["count"] - row["late"]) / row["count"] if row["count"] else None}
        for row in filed.order_by()
        .values("administration__code", "administration__name")
        .annotate(count=Count("pk"), late=Count("pk", filter=Q(late=True)))
        .order_by("-count")
    ]
    admin = getattr(user, "administration_id", None)
    if not getattr(user, "is_official", False) or admin is None:
        return CargoFigures(by_member, [], [], own=False)
    own = visible(user, Consignment).filter(
        created_at__gte=start, created_at__lte=end, administration_id=admin
    )
    counts = {
        row["risk_lane"]: row["count"]
        for row in with_risk(own).order_by().values("risk_lane").annotate(count=Count("pk"))
    }
    total = sum(counts.values())
    lanes = [
        {
            "lane": str(lane),
            "count": counts.get(str(lane), 0),
            "share": counts.get(str(lane), 0) / total if total else None,
        }
        for lane in reversed(LANE_ORDER)
    ]
    if counts.get(""):
        lanes.append({"lane": "", "count": counts[""], "share": counts[""] / total})
    exams = with_risk(
        visible(user, Consignment).filter(
            administration_id=admin,
            pk__in=visible(user, Examination)
            .filter(created_at__gte=start, created_at__lte=end)
            .values("consignment_id"),
        )
    ).annotate(
        found=Count("examinations", filter=Q(examinations__result=ExaminationResult.FOUND), distinct=True)
    )
    per_lane: dict[str, dict[str, Any]] = {}
    for lane, found in exams.values_list("risk_lane", "found"):
        row = per_lane.setdefault(lane, {"lane": lane, "examined": 0, "found": 0})
        row["examined"] += 1
        row["found"] += 1 if found else 0
    examinations = [
        {**row, "rate": row["found"] / row["examined"]}
        for row in sorted(
            per_lane.values(),
            key=lambda r: (
                [str(v) for v in reversed(LANE_ORDER)].index(r["lane"]) if r["lane"] in LANE_ORDER else 9
            ),
        )
    ]
    return CargoFigures(by_member, lanes, examinations, own=True)


def risk_hit_rates(*, user: Any, period: Period) -> Dashboard | None:
    """Per criterion and per watchlist: checks, hits and false positives of the reader's administration
    in the period (None for a reader without an administration)."""
    if not getattr(user, "is_official", False) or user.administration_id is None:
        return None
    return dashboard_for(user, start=period.date_from, end=period.date_to)


def notable_seizures(*, user: Any, period: Period, limit: int = 20) -> list[Seizure]:
    """The largest seizures by estimated value, for the threat assessment (read through the access log)."""
    qs = seizures_in(user=user, period=period).filter(estimated_value_usd__isnull=False)
    return list(
        qs.select_related("port", "owner", "operation", "vessel")
        .prefetch_related("persons", "companies", "attachments", "released_to")
        .order_by("-estimated_value_usd", "-id")[:limit]
    )


# --- Strategic threat assessments ------------------------------------------------------------------------
def previous_period(period: Period) -> Period:
    """The period of the same length just before `period`, same region and commodity (for trends)."""
    length = period.date_to - period.date_from
    date_to = period.date_from - dt.timedelta(days=1)
    return Period(
        date_from=date_to - length, date_to=date_to, members=list(period.members), commodity=period.commodity
    )


def source_labels(*, user: Any, periods: list[Period]) -> set[str]:
    """The TLP labels of the records a report for `user` is built from (the visible seizures of each period)."""
    labels: set[str] = set()
    for period in periods:
        labels.update(
            seizures_in(user=user, period=period).order_by().values_list("tlp", flat=True).distinct()
        )
    return labels


def assessments_for(*, user: Any) -> QuerySet[Any]:
    """The threat assessments of the reader's administration (officials only; anyone else sees none)."""
    from .models import ThreatAssessment

    return visible(user, ThreatAssessment).select_related("author", "approved_by", "administration")


def assessment_get(*, user: Any, reference: str) -> Any:
    """One assessment the reader may see; any other is not found (404)."""
    return get_visible_or_404(user, assessments_for(user=user), reference=reference)
