"""What a strategic threat assessment says, gathered for one reader: the figures of the period and of the
period before it (same length), the largest seizures (read through the access log), the overall TLP label,
and the analyst's narrative. `pdf.py` lays it out; the CSV writes its tables.

Everything is counted through `dashboards.selectors`, i.e. only from records the reader may see.
Numbers and dates are written the way the reader's language writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django_countries import countries

from caribclear.intel.access import RecordView, read
from caribclear.intel.choices import TLP_RANK, Commodity, ConcealmentMethod, DetectionMethod, ReadVia, Tlp

from . import selectors
from .models import ThreatAssessment
from .selectors import Period, SeizureSummary


# --- Writing numbers and dates per language --------------------------------------------------------------
def fmt_number(value: float | int | Decimal | None) -> str:
    """2,200,000 in English, 2.200.000 in Spanish and Dutch, 2 200 000 in French (Django's formats)."""
    return number_format(round(value or 0), decimal_pos=0, use_l10n=True, force_grouping=True)


def fmt_date(value: dt.date | None) -> str:
    """The language's one date format (its DATE_FORMAT)."""
    return date_format(value) if value else ""


def fmt_month(value: dt.date) -> str:
    return date_format(value, "M Y")


def fmt_change(current: float, previous: float) -> str:
    """The change against the previous period: "+3 (+25 %)", a minus sign when down, "no change"."""
    difference = current - previous
    if difference == 0:
        return _("no change")
    sign = "+" if difference > 0 else "\u2212"  # the minus sign
    if not previous:
        return _("%(sign)s%(value)s (none before)") % {"sign": sign, "value": fmt_number(abs(difference))}
    percent = abs(difference) * 100 / previous
    return _("%(sign)s%(value)s (%(sign)s%(percent)s%%)") % {
        "sign": sign,
        "value": fmt_number(abs(difference)),
        "percent": fmt_number(percent),
    }


def most_restrictive(labels: Sequence[str]) -> str:
    """TLP 2.0 order: CLEAR < GREEN < AMBER < AMBER+STRICT < RED."""
    return max(labels, key=lambda label: TLP_RANK[label]) if labels else Tlp.CLEAR


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "?"


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.date_from.replace(day=1)
    while day <= period.date_to:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_key(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass
class Row:
    """One line of a breakdown: its label, this period's and the previous period's count, value."""

    label: str
    count: int
    previous: int = 0
    value: float = 0.0

    @property
    def change(self) -> str:
        return fmt_change(self.count, self.previous)


@dataclass
class AssessmentReport:
    title: str
    period: Period
    previous_period: Period
    region: str
    commodity: str
    tlp: str
    summary: SeizureSummary
    previous: SeizureSummary
    notable: list[RecordView]
    reader: str
    generated_at: dt.datetime
    final: bool
    reference: str = ""
    status: str = ""
    prepared_by: str = ""
    author: str = ""
    approved: str = ""
    narrative: dict[str, str] = field(default_factory=dict)

    # Breakdowns, each with the previous period beside it where that reads well.
    def by_commodity(self) -> list[Row]:
        before = {r["commodity"]: r["count"] for r in self.previous.by_commodity}
        rows = [
            Row(
                _label(Commodity, r["commodity"]),
                r["count"],
                before.pop(r["commodity"], 0),
                float(r["value"] or 0),
            )
            for r in self.summary.by_commodity
        ]
        rows += [Row(_label(Commodity, key), 0, count) for key, count in before.items()]
        return rows

    def by_month(self) -> list[tuple[str, int, int]]:
        """(month, seizures this period, seizures the same month of the previous period) for every month."""
        now = {_month_key(r["month"]): r["count"] for r in self.summary.by_month}
        before = {_month_key(r["month"]): r["count"] for r in self.previous.by_month}
        months, earlier = _months(self.period), _months(self.previous_period)
        offset = len(earlier) - len(months)  # pair months from the end of each period
        rows = []
        for i, month in enumerate(months):
            j = i + offset
            rows.append(
                (
                    fmt_month(month),
                    now.get(month, 0),
                    before.get(earlier[j], 0) if 0 <= j < len(earlier) else 0,
                )
            )
        return rows

    def routes(self) -> list[Row]:
        def name(code: str | None) -> str:
            return str(countries.name(code)) if code and countries.name(code) else "?"

        before = {(r["route_origin"], r["route_destination"]): r["count"] for r in self.previous.top_routes}
        return [
            Row(
                f"{name(r['route_origin'])} → {name(r['route_destination'])}",
                r["count"],
                before.get((r["route_origin"], r["route_destination"]), 0),
                float(r["value"] or 0),
            )
            for r in self.summary.top_routes
        ]

    def concealment(self) -> list[Row]:
        before = {r["concealment_method"]: r["count"] for r in self.previous.top_concealment}
        return [
            Row(
                _label(ConcealmentMethod, r["concealment_method"]),
                r["count"],
                before.get(r["concealment_method"], 0),
            )
            for r in self.summary.top_concealment
        ]

    def detection(self) -> list[Row]:
        before = {r["detection_method"]: r["count"] for r in self.previous.by_detection}
        return [
            Row(
                _label(DetectionMethod, r["detection_method"]),
                r["count"],
                before.get(r["detection_method"], 0),
            )
            for r in self.summary.by_detection
        ]

    def places(self) -> list[Row]:
        return [Row(f"{r['port__name']} ({r['port__locode']})", r["count"]) for r in self.summary.top_places]

    def notable_rows(self) -> list[list[str]]:
        rows = []
        for view in self.notable:
            d = view.data
            rows.append(
                [
                    d["reference"],
                    fmt_date(d["occurred_on"]),
                    d["port_label"],
                    f"{d['commodity_label']}: {d['description']}",
                    f"{fmt_number(d['quantity'])} {d['unit_label']}",
                    fmt_number(d["estimated_value_usd"]),
                    f"{d['route_origin'] or '?'} → {d['route_destination'] or '?'}",
                    f"TLP:{d['tlp']}",
                ]
            )
        return rows


def _region(members: Sequence[str]) -> str:
    from caribclear.accounts.models import Administration

    if not members:
        return _("the whole region")
    names = Administration.objects.filter(code__in=members).order_by("name").values_list("name", flat=True)
    return ", ".join(names)


def build_report(
    *, user: Any, period: Period, assessment: ThreatAssessment | None = None
) -> AssessmentReport:
    """Gather the report for `user`: only what they may see, the largest seizures read through the log."""
    previous_period = selectors.previous_period(period)
    summary = selectors.seizure_summary(user=user, period=period, top=15)
    previous = selectors.seizure_summary(user=user, period=previous_period, top=50)
    notable = read(user, selectors.notable_seizures(user=user, period=period), via=ReadVia.REPORT)
    labels = selectors.source_labels(user=user, periods=[period, previous_period])
    if assessment is not None:
        labels.add(assessment.tlp)
    report = AssessmentReport(
        title=assessment.title if assessment else _("Strategic threat assessment"),
        period=period,
        previous_period=previous_period,
        region=_region(period.members),
        commodity=_label(Commodity, period.commodity) if period.commodity else "",
        tlp=most_restrictive(sorted(labels)),
        summary=summary,
        previous=previous,
        notable=notable,
        reader=f"{user.get_full_name()} <{user.email}>".strip(),
        generated_at=timezone.now(),
        final=bool(assessment and assessment.is_final),
    )
    if assessment is not None:
        report.reference = assessment.reference
        report.status = assessment.get_status_display()
        report.prepared_by = str(assessment.administration)
        report.author = assessment.author.get_full_name() or assessment.author.email
        if assessment.approved_by is not None and assessment.approved_at is not None:
            report.approved = _("%(name)s, %(date)s") % {
                "name": assessment.approved_by.get_full_name() or assessment.approved_by.email,
                "date": fmt_date(timezone.localdate(assessment.approved_at)),
            }
        report.narrative = {
            "key_judgements": assessment.key_judgements,
            "assessment": assessment.assessment,
            "outlook": assessment.outlook,
            "recommendations": assessment.recommendations,
        }
    return report


def csv_rows(report: AssessmentReport) -> list[list[Any]]:
    """The report as rows of a CSV: its marking first, then each table with the previous period beside it.
    Numbers stay plain (no grouping) so that a spreadsheet reads them as numbers."""
    marking = f"TLP:{report.tlp}"
    rows: list[list[Any]] = [
        [marking],
        [report.title, report.reference, report.status if report.final else _("DRAFT")],
        [_("Period"), report.period.date_from.isoformat(), report.period.date_to.isoformat()],
        [
            _("Previous period"),
            report.previous_period.date_from.isoformat(),
            report.previous_period.date_to.isoformat(),
        ],
        [_("Region"), report.region],
        [_("Seizures"), report.summary.total, report.previous.total],
        [_("Estimated value (USD)"), round(report.summary.total_value), round(report.previous.total_value)],
    ]
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            _("Seizures by commodity"),
            [_("Commodity"), _("Seizures"), _("Previous period"), _("Estimated value (USD)")],
            [[r.label, r.count, r.previous, round(r.value)] for r in report.by_commodity()],
        ),
        (
            _("Seizures by month"),
            [_("Month"), _("Seizures"), _("Previous period")],
            [list(row) for row in report.by_month()],
        ),
        (
            _("Top routes"),
            [_("Route"), _("Seizures"), _("Previous period"), _("Estimated value (USD)")],
            [[r.label, r.count, r.previous, round(r.value)] for r in report.routes()],
        ),
        (
            _("Top concealment methods"),
            [_("Method"), _("Seizures"), _("Previous period")],
            [[r.label, r.count, r.previous] for r in report.concealment()],
        ),
        (
            _("Detection methods"),
            [_("Method"), _("Seizures"), _("Previous period")],
            [[r.label, r.count, r.previous] for r in report.detection()],
        ),
        (_("Places"), [_("Port"), _("Seizures")], [[r.label, r.count] for r in report.places()]),
        (
            _("Largest seizures"),
            [
                _("Reference"),
                _("Date"),
                _("Place"),
                _("Commodity"),
                _("Quantity"),
                _("Unit"),
                _("Value (USD)"),
                _("Route"),
                _("Label"),
            ],
            [
                [
                    v.data["reference"],
                    v.data["occurred_on"].isoformat() if v.data.get("occurred_on") else "",
                    v.data["port_label"],
                    f"{v.data['commodity_label']}: {v.data['description']}",
                    v.data["quantity"],
                    v.data["unit_label"],
                    v.data["estimated_value_usd"],
                    f"{v.data['route_origin'] or '?'} → {v.data['route_destination'] or '?'}",
                    v.data["tlp"],
                ]
                for v in report.notable
            ],
        ),
    ]
    for heading, header, body in tables:
        rows += [[], [heading], header, *body]
    rows += [[], [marking]]
    return rows
