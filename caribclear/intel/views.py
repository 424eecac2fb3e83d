"""Intelligence pages for officials. Thin: parse, call one selector or service, render.

Every page that shows a record reads it through `access.read()`, which redacts and logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.core.permissions import official_required, supervisor_required
from caribclear.core.searches import search_data, search_save, url_query

from . import selectors, services
from .access import read, redact
from .choices import ChangeStatus, PersonalField, ReadVia, RecordType
from .exports import pdf_document, seizures_csv, seizures_pdf
from .forms import (
    ALERT_PERSONAL_CHOICES,
    SEIZURE_PERSONAL_CHOICES,
    AlertForm,
    AlertSearchForm,
    AnswerForm,
    CompanyFormSet,
    HandlingForm,
    InformationRequestForm,
    OperationForm,
    PersonFormSet,
    RfiStatusForm,
    SearchForm,
    SeizureForm,
)
from .models import DisseminatedRecord

PAGE_SIZE = 50
MAX_PAGE = 200


@dataclass
class UncountedPage:
    """A page of a search without a total count: counting every match of a rare filter means reading the
    whole table, so the list asks for one row more than it shows and offers "Next" when it is there."""

    number: int
    object_list: list[Any]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def uncounted_page(qs: Any, number: str | None) -> UncountedPage:
    try:
        page = min(max(int(number or 1), 1), MAX_PAGE)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    # Choose the page's ids first (the filters and order can be answered from indexes alone), then read
    # just those rows, still through the same restricted queryset.
    ids = list(qs.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
    rows = {row.pk: row for row in qs.filter(pk__in=ids[:PAGE_SIZE])}
    return UncountedPage(
        number=page,
        object_list=[rows[pk] for pk in ids[:PAGE_SIZE] if pk in rows],
        has_next=len(ids) > PAGE_SIZE,
    )


EXPORT_LIMIT = 5000
LIST_FIELDS = [
    "reference",
    "occurred_on",
    "port_label",
    "commodity_label",
    "description",
    "quantity",
    "unit_label",
    "route_origin",
    "route_destination",
    "tlp",
    "owner",
]


def _user(request: HttpRequest) -> User:
    """The signed-in official (the view guards ran before)."""
    return cast(User, request.user)


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _reviewing(request: HttpRequest) -> bool:
    """A sharing form posted to see who would see the record, not to save it."""
    return request.POST.get("action") == "review"


def _filters(form: SearchForm) -> selectors.SeizureFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.SeizureFilters(
        q=data.get("q", ""),
        commodity=data.get("commodity", ""),
        origin=data.get("origin", ""),
        destination=data.get("destination", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        person=data.get("person", ""),
        vessel=data.get("vessel", ""),
    )


SEIZURE_SEARCH = "intel.seizures"
SEIZURE_PERSONAL = ("q", "person", "vessel")  # words, names, documents: posted, kept in the session
ALERT_SEARCH = "intel.alerts"
ALERT_PERSONAL = ("q",)


def _posted_search(request: HttpRequest, *, scope: str, personal: tuple[str, ...], to: str) -> HttpResponse:
    """A posted search kept in the session (`core/searches.py`); the list shows it under `?search=`."""
    search_id = search_save(request, scope=scope, data=request.POST)
    query = url_query(request, personal=personal, search=search_id)
    query.pop("format", None)
    return redirect(f"{reverse(to)}?{query.urlencode()}")


@official_required
def seizure_list(request: HttpRequest) -> HttpResponse:
    """Search and list seizures; ?format=csv or ?format=pdf exports what the reader may see. The search is
    posted and kept in the session, so a person's name or a vessel never reaches a URL; the export links
    name the saved search, not its terms."""
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            return _posted_search(
                request, scope=SEIZURE_SEARCH, personal=SEIZURE_PERSONAL, to="intel:seizure_list"
            )
    else:
        form = SearchForm(search_data(request, scope=SEIZURE_SEARCH, personal=SEIZURE_PERSONAL))
    qs = selectors.seizure_search(user=_user(request), filters=_filters(form))
    searching = form.is_valid() and any(form.cleaned_data.values())
    export = request.GET.get("format") if request.method == "GET" else None
    if export in ("csv", "pdf"):
        records = list(
            qs.select_related("operation", "vessel").prefetch_related(
                "persons", "companies", "attachments", "released_to"
            )[:EXPORT_LIMIT]
        )
        views = read(_user(request), records, via=ReadVia.EXPORT)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        if export == "csv":
            return seizures_csv(views, filename=f"seizures-{stamp}.csv")
        pdf = seizures_pdf(
            views,
            title=_("Seizures"),
            subtitle=_("Exported %(when)s for %(who)s")
            % {"when": timezone.now().strftime("%Y-%m-%d %H:%M UTC"), "who": _user(request).email},
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="seizures-{stamp}.pdf"'
        return response
    page = uncounted_page(qs, request.GET.get("page"))
    views = read(
        _user(request), page.object_list, via=ReadVia.SEARCH if searching else ReadVia.LIST, only=LIST_FIELDS
    )
    query = url_query(request, personal=SEIZURE_PERSONAL)
    query.pop("format", None)
    return render(
        request,
        "intel/seizure_list.html",
        {
            "form": form,
            "page": page,
            "views": views,
            "searching": searching,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@official_required
def seizure_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SeizureForm(request.POST or None, request.FILES or None, user=user)
    persons = PersonFormSet(request.POST or None, prefix="person")
    companies = CompanyFormSet(request.POST or None, prefix="company")
    if (
        request.method == "POST"
        and form.is_valid()
        and persons.is_valid()
        and companies.is_valid()
        and not _reviewing(request)
    ):
        files = (
            [(form.cleaned_data["photo"], form.cleaned_data["photo_caption"])]
            if form.cleaned_data["photo"]
            else []
        )
        try:
            seizure = services.seizure_create(
                actor=user,
                fields=form.record_fields(),
                released_to=form.cleaned_data["released_to"],
                personal_released_to=form.cleaned_data["personal_released_to"],
                recipients=form.cleaned_data["recipients"],
                persons=[f.cleaned_data for f in persons if f.has_changed() and f.cleaned_data],
                companies=[f.cleaned_data for f in companies if f.has_changed() and f.cleaned_data],
                files=files,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Seizure %(reference)s recorded.") % {"reference": seizure.reference})
            return redirect("intel:seizure_detail", reference=seizure.reference)
    return render(
        request, "intel/seizure_form.html", {"form": form, "persons": persons, "companies": companies}
    )


def _owner_context(request: HttpRequest, record: DisseminatedRecord) -> dict[str, Any]:
    if _user(request).administration_id != record.owner_id:
        return {}
    log = list(selectors.access_log_for(user=_user(request), record=record)[:200])
    readers = selectors.access_log_users(log)
    return {
        "is_owner": True,
        "access_rows": [(row, readers.get(row.user_id)) for row in log],
        "changes": selectors.record_changes(user=_user(request), record=record)[:20],
    }


@official_required
def seizure_detail(request: HttpRequest, reference: str) -> HttpResponse:
    seizure = selectors.seizure_get(user=_user(request), reference=reference)
    [view] = read(_user(request), [seizure], via=ReadVia.DETAIL)
    voyages = []
    if view.data.get("vessel_id"):
        voyages = selectors.voyage_history(user=_user(request), vessel_id=view.data["vessel_id"])
    return render(
        request,
        "intel/seizure_detail.html",
        {
            "view": view,
            "voyages": voyages,
            "record_type": RecordType.SEIZURE,
            **_owner_context(request, seizure),
        },
    )


@official_required
def seizure_attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    seizure = selectors.seizure_get(user=_user(request), reference=reference)
    [view] = read(_user(request), [seizure], via=ReadVia.DETAIL, only=["reference", "attachments"])
    if not any(a["id"] == pk for a in view.data.get("attachments", [])):
        raise Http404
    attachment = seizure.attachments.get(pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=(attachment.file.name or "").rsplit("/", 1)[-1],
    )
    return cast(HttpResponse, response)


# --- Alerts -----------------------------------------------------------------------------------------
@official_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts and lookouts; words searched (a wanted person's name) are posted and kept in the session."""
    if request.method == "POST":
        form = AlertSearchForm(request.POST)
        if form.is_valid():
            return _posted_search(request, scope=ALERT_SEARCH, personal=ALERT_PERSONAL, to="intel:alert_list")
    else:
        form = AlertSearchForm(search_data(request, scope=ALERT_SEARCH, personal=ALERT_PERSONAL))
    data = form.cleaned_data if form.is_valid() else {}
    q = data.get("q", "")
    page = Paginator(
        selectors.alert_search(user=_user(request), q=q, current_only=bool(data.get("current"))),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    views = read(
        _user(request),
        page.object_list,
        via=ReadVia.SEARCH if q else ReadVia.LIST,
        only=["reference", "title", "subject_kind_label", "valid_from", "valid_until", "tlp", "owner"],
    )
    return render(
        request,
        "intel/alert_list.html",
        {
            "page": page,
            "views": views,
            "form": form,
            "query": url_query(request, personal=ALERT_PERSONAL).urlencode(),
        },
        status=400 if form.errors else 200,
    )


@official_required
def alert_new(request: HttpRequest) -> HttpResponse:
    form = AlertForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        try:
            alert = services.alert_create(
                actor=_user(request),
                fields=form.record_fields(),
                released_to=form.cleaned_data["released_to"],
                personal_released_to=form.cleaned_data["personal_released_to"],
                recipients=form.cleaned_data["recipients"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Alert %(reference)s issued.") % {"reference": alert.reference})
            return redirect("intel:alert_detail", reference=alert.reference)
    return render(request, "intel/alert_form.html", {"form": form})


@official_required
def alert_detail(request: HttpRequest, reference: str) -> HttpResponse:
    alert = selectors.alert_get(user=_user(request), reference=reference)
    [view] = read(_user(request), [alert], via=ReadVia.DETAIL)
    return render(
        request,
        "intel/alert_detail.html",
        {"view": view, "record_type": RecordType.ALERT, **_owner_context(request, alert)},
    )


# --- Requests for information -----------------------------------------------------------------------
@official_required
def rfi_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.information_request_list(user=_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    views = read(
        _user(request),
        page.object_list,
        via=ReadVia.LIST,
        only=["reference", "subject", "deadline", "status_label", "owner", "released_to"],
    )
    return render(request, "intel/rfi_list.html", {"page": page, "views": views})


@official_required
def rfi_new(request: HttpRequest) -> HttpResponse:
    form = InformationRequestForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        data = form.cleaned_data
        try:
            rfi = services.information_request_create(
                actor=_user(request),
                fields={k: data[k] for k in ("subject", "question", "deadline", "tlp")},
                addressed_to=data["addressed_to"],
                legal_basis=data["legal_basis"],
                include_personal=data["include_personal"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Request %(reference)s sent.") % {"reference": rfi.reference})
            return redirect("intel:rfi_detail", reference=rfi.reference)
    return render(request, "intel/rfi_form.html", {"form": form})


@official_required
def rfi_detail(request: HttpRequest, reference: str) -> HttpResponse:
    rfi = selectors.information_request_get(user=_user(request), reference=reference)
    user = _user(request)
    answer_form = AnswerForm(request.POST if request.POST.get("action") == "answer" else None)
    status_form = RfiStatusForm(request.POST if request.POST.get("action") == "status" else None)
    if request.method == "POST":
        try:
            if answer_form.is_bound and answer_form.is_valid():
                services.information_request_answer(
                    actor=user, rfi=rfi, text=answer_form.cleaned_data["text"]
                )
                messages.success(request, _("Answer sent."))
                return redirect("intel:rfi_detail", reference=rfi.reference)
            if status_form.is_bound and status_form.is_valid():
                services.information_request_set_status(
                    actor=user, rfi=rfi, status=status_form.cleaned_data["status"]
                )
                messages.success(request, _("Status changed."))
                return redirect("intel:rfi_detail", reference=rfi.reference)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _apply_errors(answer_form if answer_form.is_bound else status_form, error)
    [view] = read(user, [rfi], via=ReadVia.DETAIL)
    addressed = (
        user.administration_id is not None and rfi.released_to.filter(pk=user.administration_id).exists()
    )
    return render(
        request,
        "intel/rfi_detail.html",
        {
            "view": view,
            # Open to answers and status changes while the pipeline allows a move from its status.
            "rfi_open": bool(services.RFI_STATUS[rfi.status]),
            "answers": selectors.information_answers(user=user, rfi=rfi),
            "answer_form": answer_form if addressed else None,
            "status_form": status_form,
            "record_type": RecordType.RFI,
            **_owner_context(request, rfi),
        },
    )


# --- Handling changes (second official) -------------------------------------------------------------
def _record(request: HttpRequest, record_type: str, reference: str) -> DisseminatedRecord:
    getters = {
        RecordType.SEIZURE: selectors.seizure_get,
        RecordType.ALERT: selectors.alert_get,
        RecordType.RFI: selectors.information_request_get,
    }
    if record_type not in getters:
        raise Http404
    record: DisseminatedRecord = getters[RecordType(record_type)](user=_user(request), reference=reference)
    return record


DETAIL_URLS = {
    RecordType.SEIZURE: "intel:seizure_detail",
    RecordType.ALERT: "intel:alert_detail",
    RecordType.RFI: "intel:rfi_detail",
}


@official_required
def record_handling(request: HttpRequest, record_type: str, reference: str) -> HttpResponse:
    record = _record(request, record_type, reference)
    if record.owner_id != _user(request).administration_id:
        raise Http404
    choices = (
        ALERT_PERSONAL_CHOICES
        if record_type == RecordType.ALERT
        else (
            [(PersonalField.NARRATIVE.value, PersonalField.NARRATIVE.label)]
            if record_type == RecordType.RFI
            else SEIZURE_PERSONAL_CHOICES
        )
    )
    initial = {
        "tlp": record.tlp,
        "release_to_all": record.release_to_all,
        "legal_basis": record.legal_basis,
        "personal_fields": record.personal_fields,
        "released_to": record.released_to.all(),
        "personal_released_to": record.personal_released_to.all(),
        "recipients": ", ".join(record.recipients.values_list("email", flat=True)),
    }
    form = HandlingForm(
        request.POST or None,
        initial=initial,
        administration=_user(request).administration,  # type: ignore[arg-type]
        personal_choices=choices,
    )
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        data = form.cleaned_data
        try:
            change = services.dissemination_change_request(
                actor=_user(request),
                record=record,
                tlp=data["tlp"],
                release_to_all=data["release_to_all"],
                released_to=data["released_to"],
                personal_released_to=data["personal_released_to"],
                recipients=data["recipients"],
                legal_basis=data["legal_basis"],
                personal_fields=data["personal_fields"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if change.status == ChangeStatus.PENDING:
                messages.info(request, _("The change widens what is shared: it waits for a second official."))
            else:
                messages.success(request, _("Handling narrowed."))
            return redirect(DETAIL_URLS[RecordType(record_type)], reference=record.reference)
    view = redact(_user(request), record, only=["reference", "tlp_label"])
    return render(
        request, "intel/handling_form.html", {"form": form, "view": view, "record_type": record_type}
    )


@supervisor_required
def change_list(request: HttpRequest) -> HttpResponse:
    changes = selectors.pending_changes(user=_user(request))
    return render(
        request,
        "intel/change_list.html",
        {
            "pending": changes.filter(status=ChangeStatus.PENDING),
            "decided": changes.exclude(status=ChangeStatus.PENDING)[:50],
        },
    )


@supervisor_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_get(user=_user(request), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.dissemination_change_approve(actor=_user(request), change=change)
            messages.success(request, _("Change approved and applied."))
        else:
            services.dissemination_change_reject(actor=_user(request), change=change)
            messages.success(request, _("Change rejected."))
    except PermissionDenied:
        messages.error(request, _("A second official must decide: you cannot approve your own request."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("intel:changes")


# --- Operations -------------------------------------------------------------------------------------
@official_required
def operation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "intel/operation_list.html", {"operations": selectors.operations_for(user=_user(request))}
    )


@supervisor_required
def operation_new(request: HttpRequest) -> HttpResponse:
    form = OperationForm(request.POST or None, user=_user(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operation = services.operation_create(
                actor=_user(request),
                code=data["code"],
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                members=data["members"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect("intel:operation_detail", code=operation.code)
    return render(request, "intel/operation_form.html", {"form": form})


@official_required
def operation_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The operation's records the reader may see; ?format=pdf|csv is the operation report."""
    operation = selectors.operation_get(user=_user(request), code=code)
    qs = selectors.seizure_search(
        user=_user(request), filters=selectors.SeizureFilters(operation=operation.pk)
    )
    export = request.GET.get("format")
    if export in ("csv", "pdf"):
        records = list(
            qs.select_related("port", "owner").prefetch_related("persons", "released_to")[:EXPORT_LIMIT]
        )
        views = read(_user(request), records, via=ReadVia.REPORT)
        if export == "csv":
            return seizures_csv(views, filename=f"operation-{operation.code}.csv")
        totals = [[_("Commodity"), _("Seizures"), _("Estimated value (USD)")]] + [
            [row["commodity"], row["count"], row["value"] or ""]
            for row in selectors.seizure_counts(qs, "commodity")
        ]
        listing = [[_("Reference"), _("Date"), _("Place"), _("Commodity"), _("Quantity"), _("Label")]] + [
            [
                v.data["reference"],
                v.data["occurred_on"],
                v.data["port_label"],
                v.data["description"],
                f"{v.data['quantity']} {v.data['unit_label']}",
                v.data["tlp"],
            ]
            for v in views
        ]
        pdf = pdf_document(
            title=_("Operation report: %(name)s") % {"name": operation.name},
            subtitle=_("%(start)s to %(end)s — led by %(lead)s")
            % {"start": operation.starts_on, "end": operation.ends_on, "lead": operation.lead.name},
            sections=[(_("Totals by commodity"), totals), (_("Seizures"), listing)],
            notes=[_("Built only from the records the reader may see.")],
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="operation-{operation.code}.pdf"'
        return response
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    views = read(_user(request), page.object_list, via=ReadVia.LIST, only=LIST_FIELDS)
    return render(
        request,
        "intel/operation_detail.html",
        {
            "operation": operation,
            "page": page,
            "views": views,
            "totals": selectors.seizure_counts(qs, "commodity"),
            "ended": operation.ends_on < timezone.localdate(),
        },
    )
