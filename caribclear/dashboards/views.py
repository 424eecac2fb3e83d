"""Dashboards and the strategic threat assessment. Thin views over `dashboards.selectors`."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.clearance.choices import Status
from caribclear.core.csv_export import csv_response
from caribclear.core.permissions import official_required
from caribclear.core.replica import replica_reads
from caribclear.intel.choices import Commodity, ConcealmentMethod
from caribclear.risk.choices import Lane

from . import selectors, services
from .charts import bar_chart, column_chart
from .choices import AssessmentStatus
from .forms import AssessmentForm, PeriodForm, ReturnForm
from .models import ThreatAssessment
from .pdf import assessment_pdf
from .report import AssessmentReport, build_report, csv_rows


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
@replica_reads
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
    cargo = selectors.cargo_figures(user=_user(request), period=period)
    cargo_rows = [(r["administration__code"], r["count"]) for r in cargo.by_member]
    context = {
        "form": form,
        "period": period,
        "summary": summary,
        "volumes": volumes,
        "hit_rates": hit_rates,
        "cargo": cargo,
        "cargo_lanes": [
            {**row, "label": _label(Lane, row["lane"]) if row["lane"] else _("Not assessed yet")}
            for row in cargo.lanes
        ],
        "cargo_examinations": [
            {**row, "label": _label(Lane, row["lane"]) if row["lane"] else _("Not assessed yet")}
            for row in cargo.examinations
        ],
        "charts": {
            "cargo": bar_chart(cargo_rows, title=_("Consignments filed per member")),
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
            "cargo": cargo_rows,
        },
        "statuses": [(_label(Status, r["status"]), r["count"]) for r in volumes["by_status"]],
    }
    return render(request, "dashboards/home.html", context)


def _export(report: AssessmentReport, export: str, name: str) -> HttpResponse:
    if export == "csv":
        # The shared writer neutralises formulas in every cell (also after blanks, a tab or a CR).
        response, writer = csv_response(f"{name}.csv")
        writer.writerows(csv_rows(report))
        return response
    response = HttpResponse(assessment_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@official_required
@replica_reads
def threat_assessment(request: HttpRequest) -> HttpResponse:
    """The administration's threat assessments, and a quick one for any period and region: ?format=pdf or
    csv exports it at once, marked DRAFT (only an approved, saved report exports as final). Built only
    from what the reader may see (aggregates through the visibility rule; largest seizures redacted and
    logged)."""
    form = PeriodForm(request.GET or None)
    export = request.GET.get("format")
    if export in ("pdf", "csv") and form.is_valid():
        report = build_report(user=_user(request), period=form.period())
        return _export(report, export, f"threat-assessment-draft-{timezone.now():%Y%m%d}")
    return render(
        request,
        "dashboards/threat_assessment.html",
        {"form": form, "assessments": selectors.assessments_for(user=_user(request))[:50]},
    )


@official_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(actor=_user(request), **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Draft %(reference)s saved.") % {"reference": assessment.reference})
            return redirect("dashboards:assessment", reference=assessment.reference)
    return render(request, "dashboards/assessment_form.html", {"form": form})


def _period(assessment: ThreatAssessment) -> selectors.Period:
    return selectors.Period(
        date_from=assessment.date_from,
        date_to=assessment.date_to,
        members=list(assessment.members),
        commodity=assessment.commodity,
    )


@official_required
def assessment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A saved assessment: its narrative (editable while a draft), its status and the next steps."""
    user = _user(request)
    assessment = selectors.assessment_get(user=user, reference=reference)
    editable = assessment.status == AssessmentStatus.DRAFT
    form = AssessmentForm(request.POST or None, instance=assessment) if editable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.assessment_update(actor=user, assessment=assessment, **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Draft saved."))
            return redirect("dashboards:assessment", reference=assessment.reference)
    second_official = user.is_supervisor and user.pk != assessment.author_id
    return render(
        request,
        "dashboards/assessment_detail.html",
        {
            "assessment": assessment,
            "form": form,
            "return_form": ReturnForm(),
            "can_submit": editable and user.pk == assessment.author_id,
            "can_decide": assessment.status == AssessmentStatus.SUBMITTED and second_official,
            "waits_for_second": assessment.status == AssessmentStatus.SUBMITTED and not second_official,
            "can_release": assessment.status == AssessmentStatus.APPROVED
            and (user.is_supervisor or user.pk == assessment.author_id),
        },
    )


ACTIONS = {
    "submit": services.assessment_submit,
    "approve": services.assessment_approve,
    "release": services.assessment_release,
}


@official_required
@require_POST
def assessment_action(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    assessment = selectors.assessment_get(user=user, reference=reference)
    action = request.POST.get("action", "")
    try:
        if action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say what should change before returning the report."))
                return redirect("dashboards:assessment", reference=reference)
            services.assessment_return(actor=user, assessment=assessment, note=form.cleaned_data["note"])
            messages.success(request, _("Returned to its author."))
        elif action in ACTIONS:
            ACTIONS[action](actor=user, assessment=assessment)
            done = {
                "submit": _("Submitted: a second official approves it before release."),
                "approve": _("Approved: it now exports as final."),
                "release": _("Released."),
            }
            messages.success(request, done[action])
        else:
            raise Http404
    except PermissionDenied:
        messages.error(
            request, _("A second official must approve: not the author, a supervisor of the administration.")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("dashboards:assessment", reference=reference)


@official_required
def assessment_export(request: HttpRequest, reference: str) -> HttpResponse:
    """The saved assessment as PDF or CSV for this reader; marked DRAFT until it is approved."""
    assessment = selectors.assessment_get(user=_user(request), reference=reference)
    export = request.GET.get("format", "pdf")
    if export not in ("pdf", "csv"):
        raise Http404
    report = build_report(user=_user(request), period=_period(assessment), assessment=assessment)
    suffix = "" if assessment.is_final else "-draft"
    return _export(report, export, f"threat-assessment-{assessment.reference}{suffix}")
