"""Dashboards and the strategic threat assessment. Thin views over `dashboards.selectors`."""

from __future__ import annotations

import csv
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries

from caribclear.accounts.models import User
from caribclear.clearance.choices import Status
from caribclear.core.permissions import official_required
from caribclear.intel.access import read
from caribclear.intel.choices import Commodity, ConcealmentMethod, DetectionMethod, ReadVia
from caribclear.intel.exports import pdf_document

from . import selectors
from .charts import bar_chart, column_chart
from .forms import PeriodForm


def _user(request: HttpRequest) -> User:
    """The signed-in official (the view guards ran before)."""
    return cast(User, request.user)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "?"


def _route(row: dict[str, Any]) -> str:
    return f"{row['route_origin'] or '?'} → {row['route_destination'] or '?'}"


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value else "?"


@official_required
def home(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period()
    summary = selectors.seizure_summary(user=_user(request), period=period)
    volumes = selectors.clearance_volumes(user=_user(request), period=period)
    hit_rates = selectors.risk_hit_rates(user=_user(request), period=period)
    commodity_rows = [(_label(Commodity, r["commodity"]), r["count"]) for r in summary.by_commodity]
    route_rows = [(_route(r), r["count"]) for r in summary.top_routes]
    concealment_rows = [
        (_label(ConcealmentMethod, r["concealment_method"]), r["count"]) for r in summary.top_concealment
    ]
    month_rows = [(_month(r["month"]), r["count"]) for r in summary.by_month]
    volume_rows = [(r["administration__code"], r["count"]) for r in volumes["by_member"]]
    context = {
        "form": form,
        "period": period,
        "summary": summary,
        "volumes": volumes,
        "hit_rates": hit_rates,
        "charts": {
            "commodity": bar_chart(commodity_rows, title=_("Seizures by commodity")),
            "month": column_chart(month_rows, title=_("Seizures by month")),
            "routes": bar_chart(route_rows, title=_("Top routes")),
            "concealment": bar_chart(concealment_rows, title=_("Top concealment methods")),
            "volumes": bar_chart(volume_rows, title=_("Clearance volumes per member")),
            "volume_month": column_chart(
                [(_month(r["month"]), r["count"]) for r in volumes["by_month"]],
                title=_("Notifications by month"),
            ),
        },
        "tables": {
            "commodity": commodity_rows,
            "routes": route_rows,
            "concealment": concealment_rows,
            "month": month_rows,
            "volumes": volume_rows,
        },
        "statuses": [(_label(Status, r["status"]), r["count"]) for r in volumes["by_status"]],
    }
    return render(request, "dashboards/home.html", context)


def _assessment_sections(summary: selectors.SeizureSummary) -> list[tuple[str, list[list[Any]]]]:
    return [
        (
            _("Seizures by commodity"),
            [[_("Commodity"), _("Seizures"), _("Estimated value (USD)")]]
            + [
                [_label(Commodity, r["commodity"]), r["count"], r["value"] or 0] for r in summary.by_commodity
            ],
        ),
        (
            _("Seizures by month"),
            [[_("Month"), _("Seizures")]] + [[_month(r["month"]), r["count"]] for r in summary.by_month],
        ),
        (
            _("Top routes"),
            [[_("Origin"), _("Destination"), _("Seizures"), _("Estimated value (USD)")]]
            + [
                [
                    countries.name(r["route_origin"]) or "?",
                    countries.name(r["route_destination"]) or "?",
                    r["count"],
                    r["value"] or 0,
                ]
                for r in summary.top_routes
            ],
        ),
        (
            _("Top concealment methods"),
            [[_("Method"), _("Seizures")]]
            + [
                [_label(ConcealmentMethod, r["concealment_method"]), r["count"]]
                for r in summary.top_concealment
            ],
        ),
        (
            _("Detection methods"),
            [[_("Method"), _("Seizures")]]
            + [[_label(DetectionMethod, r["detection_method"]), r["count"]] for r in summary.by_detection],
        ),
        (
            _("Places"),
            [[_("Port"), _("Seizures")]]
            + [[f"{r['port__name']} ({r['port__locode']})", r["count"]] for r in summary.top_places],
        ),
    ]


@official_required
def threat_assessment(request: HttpRequest) -> HttpResponse:
    """Strategic threat assessment for a period and region: ?format=pdf or csv; built only from what the
    reader may see (aggregates through the visibility rule; notable seizures redacted and logged)."""
    form = PeriodForm(request.GET or None)
    export = request.GET.get("format")
    if export not in ("pdf", "csv") or not form.is_valid():
        return render(request, "dashboards/threat_assessment.html", {"form": form})
    period = form.period()
    summary = selectors.seizure_summary(user=_user(request), period=period, top=15)
    notable = read(
        _user(request), selectors.notable_seizures(user=_user(request), period=period), via=ReadVia.REPORT
    )
    region = ", ".join(period.members) or _("whole region")
    title = _("Strategic threat assessment")
    subtitle = _("%(start)s to %(end)s — %(region)s — %(count)s seizures, estimated value USD %(value)s") % {
        "start": date_format(period.date_from),
        "end": date_format(period.date_to),
        "region": region,
        "count": summary.total,
        "value": f"{summary.total_value:,.0f}",
    }
    sections = _assessment_sections(summary)
    notable_rows = [
        [
            _("Reference"),
            _("Date"),
            _("Place"),
            _("Commodity"),
            _("Quantity"),
            _("Value (USD)"),
            _("Route"),
            _("Label"),
        ]
    ] + [
        [
            v.data["reference"],
            v.data["occurred_on"],
            v.data["port_label"],
            v.data["description"],
            f"{v.data['quantity']} {v.data['unit_label']}",
            v.data["estimated_value_usd"],
            f"{v.data['route_origin'] or '?'} → {v.data['route_destination'] or '?'}",
            v.data["tlp"],
        ]
        for v in notable
    ]
    sections.append((_("Largest seizures"), notable_rows))
    stamp = timezone.now().strftime("%Y%m%d")
    if export == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="threat-assessment-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow([title, subtitle])
        for heading, rows in sections:
            writer.writerow([])
            writer.writerow([heading])
            writer.writerows(rows)
        return response
    pdf = pdf_document(
        title=title,
        subtitle=subtitle,
        sections=sections,
        notes=[
            _(
                "Prepared for %(who)s of %(administration)s. Built only from records this reader may see; "
                "handle according to each record's TLP label."
            )
            % {"who": _user(request).email, "administration": _user(request).administration}
        ],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="threat-assessment-{stamp}.pdf"'
    return response
