"""Officers' pages: the pre-arrival worklist, manifests calling at the administration's ports, a manifest
with its consignments, and a consignment with its lane, hits, referrals, examination and release."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.core.permissions import official_required
from caribclear.core.pipeline import status_history

from . import selectors, services
from .choices import Status
from .exports import awmds_for
from .forms import ExaminationForm, ReferralForm, ReleaseForm
from .pipeline import CONSIGNMENT_STATUS


@official_required
def worklist(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lane = request.GET.get("lane", "")
    lane = lane if lane in ("red", "yellow", "blue", "green") else ""
    port = request.GET.get("port", "").strip()[:5]
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    data = selectors.worklist_for(user, port=port, lane=lane, page=page)
    return render(
        request,
        "cargo/officer/worklist.html",
        {
            "worklist": data,
            "query": urlencode({k: v for k, v in (("port", port), ("lane", lane)) if v}),
            "all_open": sum(data.by_lane.values()),
            "lane_counts": [
                (key, label, data.by_lane[key])
                for key, label in (
                    ("red", _("Red")),
                    ("yellow", _("Yellow")),
                    ("blue", _("Blue")),
                    ("green", _("Green")),
                    ("", _("not assessed yet")),
                )
                if data.by_lane.get(key)
            ],
        },
    )


@official_required
def manifests(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "cargo/officer/manifests.html", {"manifests": selectors.manifests_for(user)[:200]})


@official_required
def manifest(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    return render(
        request,
        "cargo/officer/manifest.html",
        {
            "manifest": record,
            "calls": selectors.port_calls(user, record),
            "consignments": selectors.consignments_of(user, record),
            "on_board": selectors.stays_on_board(user, record),
            "versions": selectors.versions_for(user, record),
        },
    )


@official_required
def awmds(request: HttpRequest, mrn: str) -> HttpResponse:
    """The administration's consignments of the manifest as ASYCUDA World AWMDS XML, for a customs office."""
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    consignments = list(selectors.consignments_of(user, record).prefetch_related("goods"))
    try:
        data = awmds_for(
            record,
            consignments,
            list(selectors.port_calls(user, record)),
            office=request.GET.get("office", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cargo_officer:manifest", record.mrn)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="AWMDS-{record.mrn}.xml"'
    return response


@require_POST
@official_required
def arrive(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    count = services.manifest_arrive(actor=user, manifest=record)
    messages.success(request, _("Arrival recorded for %(count)s consignments.") % {"count": count})
    return redirect("cargo_officer:manifest", record.mrn)


@official_required
def consignment(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.consignment_for(user, mrn)
    forms: dict[str, Form] = {"refer": ReferralForm(), "examine": ExaminationForm(), "release": ReleaseForm()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "refer":
                forms["refer"] = refer = ReferralForm(request.POST)
                if refer.is_valid():
                    hours = refer.cleaned_data.get("hours")
                    services.consignment_refer(
                        actor=user,
                        consignment=record,
                        kind=refer.cleaned_data["kind"],
                        question=refer.cleaned_data["question"],
                        deadline=timezone.now() + dt.timedelta(hours=hours) if hours else None,
                    )
                    messages.success(request, _("The referral was sent to the filer."))
                    return redirect("cargo_officer:consignment", record.mrn)
            elif action == "examine":
                forms["examine"] = examine = ExaminationForm(request.POST)
                if examine.is_valid():
                    services.consignment_examine(
                        actor=user,
                        consignment=record,
                        result=examine.cleaned_data["result"],
                        findings=examine.cleaned_data["findings"],
                    )
                    messages.success(request, _("The examination result was recorded."))
                    return redirect("cargo_officer:consignment", record.mrn)
            elif action == "release":
                forms["release"] = release = ReleaseForm(request.POST)
                if release.is_valid():
                    services.consignment_release(
                        actor=user, consignment=record, note=release.cleaned_data["note"]
                    )
                    messages.success(request, _("The consignment was released."))
                    return redirect("cargo_officer:consignment", record.mrn)
        except ValidationError as exc:
            target = forms.get(action)
            if target is not None and hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        target.add_error(field if field in target.fields else None, error)
            elif target is not None:
                target.add_error(None, " ".join(exc.messages))
    allowed = {
        s
        for s in (Status.REFERRED, Status.INSPECTED, Status.RELEASED)
        if CONSIGNMENT_STATUS.allows(record.status, s)
    }
    return render(
        request,
        "cargo/officer/consignment.html",
        {
            "c": record,
            **selectors.consignment_parts(user, record),
            "forms": forms,
            "allowed": allowed,
            "history": [
                (
                    h,
                    Status(h.from_status).label if h.from_status in Status.values else h.from_status,
                    Status(h.to_status).label,
                )
                for h in status_history(record)
            ],
            "Status": Status,
        },
    )
