"""Pages of the passengers app: carriers' lists and upload; officers' arrivals, lists, travellers; unmasking
approval and retention settings. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.permissions import (
    login_required,
    official_required,
    operator_required,
    supervisor_required,
)
from caribclear.core.uploads import UploadLimits, UploadRefused, read_upload
from caribclear.edifact.limits import MAX_BYTES

from . import selectors, services
from .choices import UnmaskStatus
from .declaration import arrival_day, document_expired
from .forms import (
    ArrivalCheckForm,
    DecisionForm,
    RetentionForm,
    TypedListForm,
    TypedPeopleFormSet,
    UnmaskForm,
    UploadForm,
)

UPLOAD_LIMITS = UploadLimits(max_bytes=MAX_BYTES)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_official:
        return redirect("passengers:arrivals")
    if not user.is_operator:
        raise Http404
    carrier = selectors.carrier_for(user)
    lists = selectors.lists_for(user).order_by("-filed_at", "-pk")[:100] if carrier else []
    return render(request, "passengers/carrier_home.html", {"carrier": carrier, "lists": lists})


@operator_required
def upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    carrier = selectors.carrier_for(user)
    if carrier is None:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    report: dict[str, Any] | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            data = read_upload(form.cleaned_data["file"], UPLOAD_LIMITS)
        except UploadRefused as refused:
            form.add_error("file", refused.message)
        else:
            outcome = services.passenger_list_import(
                actor=user,
                data=data,
                format=form.cleaned_data["format"],
                carrier=carrier,
                max_bytes=MAX_BYTES,
            )
            report = outcome.to_json()
            if outcome.ok:
                count = len(outcome.filings)
                messages.success(
                    request,
                    _("%(count)s list(s) received: the administration of arrival screens them now.")
                    % {"count": count},
                )
                if count == 1:
                    return redirect("passengers:list", outcome.filings[0].travel_list.reference)
                return redirect("passengers:home")
            form.add_error("file", _("The file was not accepted: see the problems below."))
    if request.method == "POST" and form.errors:
        status = 422
    return render(
        request, "passengers/upload.html", {"form": form, "report": report, "carrier": carrier}, status=status
    )


MORE_ROWS = 5


def _quiet(form: Any) -> None:
    """Keep what was typed but show no errors (the page was sent to add rows, not to file the list)."""
    form.full_clean()
    form._errors = ErrorDict()


@operator_required
def list_type(request: HttpRequest) -> HttpResponse:
    """A list typed in on the page, for a carrier without a system: the flight, then one row per person.
    Errors are shown beside each field and at the top, and everything typed stays."""
    user = _user(request)
    carrier = selectors.carrier_for(user)
    if carrier is None:
        raise Http404
    status, quiet = 200, False
    if request.method != "POST":
        form, people = TypedListForm(), TypedPeopleFormSet(prefix="people")
    elif "more" in request.POST:
        quiet = True
        data = request.POST.copy()
        total = data.get("people-TOTAL_FORMS", "0")
        rows = int(total) if total.isdigit() else 0
        data["people-TOTAL_FORMS"] = str(min(rows + MORE_ROWS, TypedPeopleFormSet.max_num))
        form, people = TypedListForm(data), TypedPeopleFormSet(data, prefix="people")
        _quiet(form)
        for row in people.forms:
            _quiet(row)
    else:
        form, people = TypedListForm(request.POST), TypedPeopleFormSet(request.POST, prefix="people")
        if form.is_valid() and people.is_valid():
            typed = [row.cleaned_data for row in people.forms if row.has_changed()]
            try:
                filing = services.passenger_list_type(
                    actor=user, carrier=carrier, flight=form.cleaned_data, people=typed
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The list of %(number)s is received: the administration of arrival screens it now.")
                    % {"number": f"{carrier.code} {filing.travel_list.number}"},
                )
                return redirect("passengers:list", filing.travel_list.reference)
        status = 422
    extra_errors: list[tuple[str, str]] = []
    if request.method == "POST" and not quiet:
        extra_errors = [("#people", str(e)) for e in people.non_form_errors()]
        for number, row in enumerate(people.forms, start=1):
            for name, errors in row.errors.items():
                if name in row.fields:
                    label = _("Person %(number)s, %(field)s") % {
                        "number": number,
                        "field": row.fields[name].label,
                    }
                    extra_errors += [(f"#{row[name].id_for_label}", f"{label}: {e}") for e in errors]
    return render(
        request,
        "passengers/list_type.html",
        {
            "form": form,
            "people": people,
            "carrier": carrier,
            "quiet": quiet,
            "extra_errors": extra_errors,
            "more_rows": MORE_ROWS,
        },
        status=status,
    )


@official_required
def arrivals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.arrivals_for(user)
    return render(request, "passengers/arrivals.html", {"rows": rows, "hours": 72})


@login_required
def list_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    if not (user.is_official or user.is_operator):
        raise Http404
    travel_list = selectors.list_for(user, reference)
    travellers = list(selectors.travellers_of(user, travel_list))
    hits = selectors.hits_by_traveller(user, travel_list)
    on = arrival_day(travel_list)
    rows: list[dict[str, Any]] = [
        {
            "traveller": t,
            "hits": hits.get(t.subject_key, []),
            "expired": any(document_expired(d.expiry, on) for d in t.documents.all()),
        }
        for t in travellers
    ]
    rows.sort(key=lambda r: (r["traveller"].removed_in is not None, -len(r["hits"]), r["traveller"].role))
    return render(
        request,
        "passengers/list_detail.html",
        {
            "travel_list": travel_list,
            "rows": rows,
            "counts": selectors.list_counts(travellers),
            "versions": selectors.versions_of(user, travel_list),
            "is_arrival_official": user.is_official
            and user.administration_id == travel_list.administration_id,
            "hit_total": sum(len(h) for h in hits.values()),
        },
    )


@official_required
def traveller_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    traveller = selectors.traveller_for(user, reference, pk)
    travel_list = traveller.travel_list
    is_arrival = user.administration_id == travel_list.administration_id
    arrival_form = ArrivalCheckForm(prefix="arrival")
    unmask_form = UnmaskForm(prefix="unmask")
    status = 200
    if request.method == "POST":
        if not is_arrival:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "arrival":
                arrival_form = ArrivalCheckForm(request.POST, prefix="arrival")
                if arrival_form.is_valid():
                    services.arrival_check_record(
                        actor=user, traveller=traveller, **arrival_form.cleaned_data
                    )
                    messages.success(request, _("What happened at arrival is recorded."))
                    return redirect(request.path)
            elif action == "unmask":
                unmask_form = UnmaskForm(request.POST, prefix="unmask")
                if unmask_form.is_valid():
                    services.unmask_request_create(
                        actor=user, traveller=traveller, **unmask_form.cleaned_data
                    )
                    messages.success(request, _("Your request is sent to a second official for approval."))
                    return redirect(request.path)
            else:
                raise Http404
        except ValidationError as error:
            _add_errors(arrival_form if action == "arrival" else unmask_form, error)
        status = 422
    services.traveller_read_log(actor=user, traveller=traveller)
    hits = selectors.hits_by_traveller(user, travel_list).get(traveller.subject_key, [])
    on = arrival_day(travel_list)
    documents = [
        {"document": d, "expired": document_expired(d.expiry, on)} for d in traveller.documents.all()
    ]
    return render(
        request,
        "passengers/traveller_detail.html",
        {
            "traveller": traveller,
            "travel_list": travel_list,
            "documents": documents,
            "hits": hits,
            "is_arrival_official": is_arrival,
            "earlier": selectors.earlier_travel(user, traveller),
            "checks": selectors.arrival_checks_of(user, traveller),
            "unmask_requests": selectors.unmask_requests_of(user, traveller),
            "unmasked": services.unmasked_data(actor=user, traveller=traveller),
            "arrival_form": arrival_form,
            "unmask_form": unmask_form,
            "risk_url": reverse("risk:declaration", args=["passenger-lists", travel_list.reference])
            if travel_list.declaration_id and is_arrival
            else "",
        },
        status=status,
    )


@official_required
def unmask_requests(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "passengers/unmask_requests.html",
        {
            "requests": selectors.pending_unmask_requests(user),
            "can_decide": user.is_supervisor or user.is_administrator,
        },
    )


@supervisor_required
def unmask_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    unmask = selectors.unmask_request_for(user, pk)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if unmask.status != UnmaskStatus.PENDING:
            form.add_error(None, _("This request is already decided."))
        elif form.is_valid():
            try:
                services.unmask_request_decide(
                    actor=user,
                    request=unmask,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect("passengers:unmask_requests")
        status = 422
    return render(request, "passengers/unmask_decide.html", {"unmask": unmask, "form": form}, status=status)


@supervisor_required
def retention(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    policy = selectors.policy_for_user(user) or services.policy_for(user.administration_id or 0)
    initial = {
        "mask_after_months": policy.mask_after_months,
        "delete_after_years": policy.delete_after_years,
        "default_answer": policy.default_answer,
        "answer_within_ms": policy.answer_within_ms,
    }
    form = RetentionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.retention_policy_set(actor=user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The retention of passenger data is saved."))
                return redirect("passengers:retention")
        status = 422
    return render(request, "passengers/retention.html", {"form": form, "policy": policy}, status=status)
