"""Pages of the valuation risk database. The statistics are evidence for a person to weigh: no page offers
a value to copy into a declaration, and a case cannot end in another value before the importer was asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from caribclear.accounts.models import User
from caribclear.core.permissions import official_required
from caribclear.core.uploads import UploadRefused, read_upload

from . import readers, selectors, services
from .choices import CaseStatus, Outcome
from .forms import (
    AnswerForm,
    DecisionForm,
    DeclarationsFileForm,
    EvidenceRequestForm,
    LineForm,
    MirrorFileForm,
    RatesFileForm,
    ReasonForm,
)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@official_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "valuation/home.html",
        {
            "dashboard": selectors.dashboard(user),
            "cases": selectors.cases(user).exclude(status=CaseStatus.DECIDED)[:10],
            "batches": selectors.batches(user)[:5],
        },
    )


@official_required
@require_http_methods(["GET", "POST"])
def load(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    declarations_form, rates_form = DeclarationsFileForm(prefix="d"), RatesFileForm(prefix="r")
    report: Any = None
    rates_result: Any = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "declarations":
        declarations_form = DeclarationsFileForm(request.POST, request.FILES, prefix="d")
        if declarations_form.is_valid():
            upload = declarations_form.cleaned_data["file"]
            try:
                data = read_upload(upload, services.FILE_LIMITS)
            except UploadRefused as refused:
                declarations_form.add_error("file", refused.message)
            else:
                report = services.declarations_import(
                    actor=user,
                    administration=user.administration,
                    data=data,
                    name=upload.name,
                    fmt=declarations_form.cleaned_data["format"],
                    check=declarations_form.cleaned_data["check_only"],
                    default_date=dt.date.today(),  # noqa: DTZ011 - a calendar day, as the officer sees it
                )
                if report.ok and not declarations_form.cleaned_data["check_only"]:
                    messages.success(
                        request,
                        _("%(stored)s lines of %(declarations)s declarations were loaded.")
                        % {"stored": report.stored, "declarations": report.declarations},
                    )
        if not declarations_form.is_valid() or (report is not None and not report.ok):
            status = 422
    elif request.method == "POST" and request.POST.get("action") == "rates":
        rates_form = RatesFileForm(request.POST, request.FILES, prefix="r")
        if rates_form.is_valid():
            upload = rates_form.cleaned_data["file"]
            try:
                data = read_upload(upload, services.RATE_LIMITS)
            except UploadRefused as refused:
                rates_form.add_error("file", refused.message)
            else:
                rates_result = services.rates_load(
                    actor=user,
                    administration=user.administration,
                    data=data,
                    name=upload.name,
                    source=rates_form.cleaned_data["source"],
                )
                if not rates_result.errors:
                    messages.success(
                        request, _("%(count)s exchange rates were loaded.") % {"count": rates_result.rates}
                    )
                    return redirect("valuation:load")
        status = 422
    return render(
        request,
        "valuation/load.html",
        {
            "declarations_form": declarations_form,
            "rates_form": rates_form,
            "report": report,
            "rates_result": rates_result,
            "batches": selectors.batches(user)[:20],
            "rates_files": selectors.rates_files(user)[:10],
        },
        status=status,
    )


@official_required
@require_http_methods(["GET", "POST"])
def mirror(request: HttpRequest) -> HttpResponse:
    """Load a UN Comtrade extract for the mirror check, and the administration's extracts so far."""
    user: User = request.user  # type: ignore[assignment]
    form = MirrorFileForm(request.POST or None, request.FILES or None)
    report: services.MirrorReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload, services.MIRROR_LIMITS)
        except UploadRefused as refused:
            form.add_error("file", refused.message)
        else:
            check_only = form.cleaned_data["check_only"]
            report = services.mirror_load(
                actor=user, administration=user.administration, data=data, name=upload.name, check=check_only
            )
            if report.ok and not check_only:
                messages.success(
                    request,
                    _("%(stored)s export figures were loaded (%(replaced)s replaced figures loaded before).")
                    % {"stored": report.stored, "replaced": report.replaced},
                )
                return redirect("valuation:mirror")
            if not report.ok:
                form.add_error(
                    "file", _("The file was refused: nothing was loaded. The reasons are listed below.")
                )
    return render(
        request,
        "valuation/mirror.html",
        {"form": form, "report": report, "files": selectors.mirror_files(user)[:50]},
        status=422 if form.errors else 200,
    )


@official_required
def template_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(readers.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="valuation-declarations-template.csv"'
    return response


@official_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = LineForm(request.POST or None)
    reason_form = ReasonForm(request.POST if request.POST.get("action") == "open" else None)
    result: services.Check | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.line_check(administration_id=user.administration_id or 0, line=form.raw)
            except ValueError as error:
                form.add_error(None, str(error))
        if result is not None and request.POST.get("action") == "open" and reason_form.is_valid():
            try:
                case = services.case_open(actor=user, check=result, reason=reason_form.cleaned_data["reason"])
            except ValidationError as error:
                _add_errors(reason_form, error)
            else:
                messages.success(request, _("The reason to doubt was recorded."))
                return redirect("valuation:case", pk=case.pk)
        if form.errors or reason_form.errors:
            status = 422
    return render(
        request,
        "valuation/check.html",
        {"form": form, "reason_form": reason_form if result else None, "result": result},
        status=status,
    )


@official_required
def flags(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, "valuation/flags.html", {"lines": selectors.flagged_lines(user)[:200]})


def _raw(line: Any) -> readers.RawLine:
    return readers.RawLine(
        declaration=line.declaration,
        line=line.line,
        date=line.date,
        hs_code=line.hs_code,
        origin=line.origin,
        quantity=line.quantity,
        unit=line.unit_declared,
        net_mass_kg=line.net_mass_kg,
        value=line.value,
        currency=line.currency,
        importer=line.importer,
        exporter=line.exporter,
        incoterm=line.incoterm,
        description=line.description,
    )


@official_required
@require_http_methods(["GET", "POST"])
def line(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.line(user, pk)
    raw = _raw(record)
    try:
        result: services.Check | None = services.line_check(
            administration_id=user.administration_id or 0, line=raw
        )
    except ValueError:
        result = None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and result is not None and form.is_valid():
        try:
            case = services.case_open(
                actor=user, check=result, reason=form.cleaned_data["reason"], line=record
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The reason to doubt was recorded."))
            return redirect("valuation:case", pk=case.pk)
    return render(
        request,
        "valuation/line.html",
        {"line": record, "result": result, "form": form},
        status=422 if form.errors else 200,
    )


@official_required
def cases(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    status = request.GET.get("status", "")
    if status not in CaseStatus.values:
        status = ""
    return render(
        request,
        "valuation/cases.html",
        {"cases": selectors.cases(user, status)[:200], "status": status, "statuses": CaseStatus.choices},
    )


@official_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.case(user, pk)
    action = request.POST.get("action", "")
    request_form = EvidenceRequestForm(
        request.POST if action == "request" else None, initial={"email": record.importer_email}
    )
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    if request.method == "POST":
        try:
            if action == "request" and request_form.is_valid():
                services.case_request_evidence(actor=user, case=record, **request_form.cleaned_data)
                messages.success(request, _("The importer was asked for evidence by e-mail."))
                return redirect("valuation:case", pk=record.pk)
            if action == "decide" and decision_form.is_valid():
                data = decision_form.cleaned_data
                services.case_decide(
                    actor=user,
                    case=record,
                    outcome=data["outcome"],
                    method=data["method"],
                    determined_value=data["determined_value"],
                    reason=data["reason"],
                )
                messages.success(request, _("The decision was recorded."))
                return redirect("valuation:case", pk=record.pk)
        except ValidationError as error:
            _add_errors(request_form if action == "request" else decision_form, error)
    can = {
        "request": record.status in (CaseStatus.OPEN, CaseStatus.ANSWERED),
        "decide": record.status != CaseStatus.DECIDED,
    }
    return render(
        request,
        "valuation/case.html",
        {
            "case": record,
            "documents": selectors.case_documents(user, record),
            "history": selectors.case_history(record),
            "request_form": request_form,
            "decision_form": decision_form,
            "can": can,
            "determined": Outcome.DETERMINED,
        },
        status=422 if request_form.errors or decision_form.errors else 200,
    )


@official_required
def case_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.case(user, pk)
    document = selectors.case_document(user, record, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The importer's page, reached from the e-mail's link (no account needed): the question, the
    deadline, and a form for the answer and documents. Nothing of the statistics is shown."""
    record = services.case_for_token(token)
    if record is None:
        raise Http404
    form = AnswerForm(request.POST or None, request.FILES or None)
    done = record.status != CaseStatus.EVIDENCE_REQUESTED
    if request.method == "POST" and not done and form.is_valid():
        files = request.FILES.getlist("documents")
        documents = [(f.name or "document", f.read(services.MAX_DOCUMENT_BYTES + 1)) for f in files]
        try:
            services.case_answer(case=record, answer=form.cleaned_data["answer"], documents=documents)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(request, "valuation/answer.html", {"case": record, "done": True, "sent": True})
    return render(
        request,
        "valuation/answer.html",
        {"case": record, "form": form, "done": done},
        status=422 if form.errors else 200,
    )
