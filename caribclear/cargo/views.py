"""The filer's portal: upload a manifest file, see the MRNs and answers, answer referrals, withdraw a
filing, download the CUSRES answer, and (the filer's administrator) manage the filer's users."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.core.permissions import operator_required
from caribclear.core.uploads import UploadLimits, UploadRefused, read_upload

from . import selectors, services
from .entry import entry_file, template_csv, template_xlsx
from .forms import (
    AnswerForm,
    ConsignmentEntryFormSet,
    InvalidateForm,
    ManifestEntryForm,
    UploadForm,
    WebhookForm,
)
from .responses import cusres_for_answer

#: A manifest file of 10,000 consignments is some 20 MB of EDIFACT.
UPLOAD_LIMITS = UploadLimits(max_bytes=50 * 1024 * 1024)


def _filer_or_404(user: User) -> object:
    filer = selectors.filer_for(user)
    if filer is None:
        raise Http404
    return filer


@operator_required
def home(request: HttpRequest) -> HttpResponse:
    """The filer's manifests and the upload form; the errors of a refused file, all at once."""
    user: User = request.user  # type: ignore[assignment]
    filer = selectors.filer_for(user)
    if filer is None:
        return render(request, "cargo/filer/no_filer.html", status=200)
    form = UploadForm()
    rejection = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = read_upload(form.cleaned_data["file"], UPLOAD_LIMITS)
                filed = services.manifest_file(actor=user, data=data, fmt=form.cleaned_data["format"])
            except UploadRefused as exc:
                form.add_error("file", exc.message)
            except services.FilingRejected as exc:
                rejection = exc
                form.add_error(
                    "file", _("The file was not registered: correct the errors below and send it again.")
                )
            else:
                for manifest in filed.manifests:
                    messages.success(
                        request,
                        _("Manifest %(lrn)s registered: MRN %(mrn)s.")
                        % {"lrn": manifest.lrn, "mrn": manifest.mrn},
                    )
                for manifest in filed.amended:
                    messages.success(
                        request,
                        _("Manifest %(mrn)s amended (version %(version)s).")
                        % {"mrn": manifest.mrn, "version": manifest.version},
                    )
                for manifest in filed.invalidated:
                    messages.success(request, _("Manifest %(mrn)s invalidated.") % {"mrn": manifest.mrn})
                first = (filed.manifests or filed.amended or filed.invalidated)[0]
                return redirect("cargo:manifest", first.mrn)
    return render(
        request,
        "cargo/filer/home.html",
        {
            "filer": filer,
            "form": form,
            "rejection": rejection,
            "manifests": selectors.manifests_for(user)[:100],
            "is_filer_admin": selectors.filer_admin_of(user) is not None,
        },
    )


def _filed_messages(request: HttpRequest, filed: services.Filed) -> None:
    for manifest in filed.manifests:
        messages.success(
            request,
            _("Manifest %(lrn)s registered: MRN %(mrn)s.") % {"lrn": manifest.lrn, "mrn": manifest.mrn},
        )
    for manifest in filed.amended:
        messages.success(
            request,
            _("Manifest %(mrn)s amended (version %(version)s).")
            % {"mrn": manifest.mrn, "version": manifest.version},
        )


@operator_required
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The CSV or XLSX template: the columns and one example row."""
    _filer_or_404(request.user)  # type: ignore[arg-type]
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caribclear-cargo-manifest.{fmt}"'
    return response


@operator_required
def new(request: HttpRequest) -> HttpResponse:
    """The web form: a manifest and its consignments (one goods item each), read as the template is; on
    errors everything typed is shown again with the error beside each field."""
    user: User = request.user  # type: ignore[assignment]
    _filer_or_404(user)
    if request.method != "POST":
        form = ManifestEntryForm()
        formset = ConsignmentEntryFormSet(prefix="consignment")
        return _new_page(request, form, formset)
    data = request.POST.copy()
    action = data.get("action", "file")
    if action == "add":
        total = int(data.get("consignment-TOTAL_FORMS", "1") or 1)
        data["consignment-TOTAL_FORMS"] = str(min(total + 1, 50))
    elif action.startswith("remove-") and action.removeprefix("remove-").isdigit():
        # Remove one consignment: the forms after it move up one place, as a person reads the list.
        index = int(action.removeprefix("remove-"))
        total = int(data.get("consignment-TOTAL_FORMS", "1") or 1)
        if total > 1:
            names = [f.name for f in ConsignmentEntryFormSet(prefix="consignment").empty_form]
            for i in range(index, total - 1):
                for name in names:
                    data[f"consignment-{i}-{name}"] = data.get(f"consignment-{i + 1}-{name}", "")
            data["consignment-TOTAL_FORMS"] = str(total - 1)
    form = ManifestEntryForm(data)
    formset = ConsignmentEntryFormSet(data, prefix="consignment")
    if action != "file":
        return _new_page(request, form, formset)
    filed = entry_file(actor=user, form=form, formset=formset)
    if filed is None:
        return _new_page(request, form, formset, status=422)
    _filed_messages(request, filed)
    first = (filed.manifests or filed.amended)[0]
    return redirect("cargo:manifest", first.mrn)


def _new_page(request: HttpRequest, form: Any, formset: Any, *, status: int = 200) -> HttpResponse:
    errors = []
    for index, sub in enumerate(formset.forms):
        for error in sub.non_field_errors():
            errors.append((f"#consignment-{index}", error))
        for field in sub:
            for error in field.errors:
                errors.append(
                    (
                        f"#{field.auto_id}",
                        _("Consignment %(n)s, %(field)s: %(error)s")
                        % {"n": index + 1, "field": field.label, "error": error},
                    )
                )
    errors += [("#consignments", error) for error in formset.non_form_errors()]
    return render(
        request,
        "cargo/filer/new.html",
        {"form": form, "formset": formset, "extra_errors": errors},
        status=status,
    )


@operator_required
def manifest(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    answer = selectors.answer_json(user, record)
    consignments = list(selectors.consignments_of(user, record))
    return render(
        request,
        "cargo/filer/manifest.html",
        {
            "manifest": record,
            "answer": answer,
            "consignments": consignments,
            "calls": selectors.port_calls(user, record),
            "versions": selectors.versions_for(user, record),
            "invalidate_form": InvalidateForm(),
            "answer_form": AnswerForm(),
        },
    )


@operator_required
def cusres(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    data = cusres_for_answer(selectors.answer_json(user, record), recipient=record.filer.trader_id)
    response = HttpResponse(data, content_type="application/edifact")
    response["Content-Disposition"] = f'attachment; filename="CUSRES-{record.mrn}.edi"'
    return response


@require_POST
@operator_required
def invalidate(request: HttpRequest, mrn: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = selectors.manifest_for(user, mrn)
    form = InvalidateForm(request.POST)
    if form.is_valid():
        try:
            services.manifest_invalidate(actor=user, manifest=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The filing was invalidated. You may file it again."))
    else:
        messages.error(request, _("Say why the filing is withdrawn."))
    return redirect("cargo:manifest", record.mrn)


@require_POST
@operator_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    referral = selectors.referral_for_filer(user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.referral_answer(actor=user, referral=referral, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your answer was sent to the officers."))
    else:
        messages.error(request, _("Write your answer."))
    return redirect("cargo:manifest", referral.consignment.manifest.mrn)


@operator_required
def users(request: HttpRequest) -> HttpResponse:
    """The filer's users are its organisation's: one page for everything the organisation files."""
    return redirect("accounts:organisation")


@operator_required
def webhook(request: HttpRequest) -> HttpResponse:
    """The filer's administrators set the webhook that receives every answer."""
    user: User = request.user  # type: ignore[assignment]
    filer = selectors.filer_admin_of(user)
    if filer is None:
        raise Http404
    webhook_form = WebhookForm(initial={"webhook_url": filer.webhook_url})
    secret = ""
    if request.method == "POST":
        webhook_form = WebhookForm(request.POST)
        if webhook_form.is_valid():
            try:
                secret = services.filer_webhook_set(actor=user, url=webhook_form.cleaned_data["webhook_url"])
            except ValidationError as exc:
                for error in exc.messages:
                    webhook_form.add_error("webhook_url", error)
            else:
                messages.success(request, _("The webhook was saved."))
    return render(
        request, "cargo/filer/webhook.html", {"filer": filer, "webhook_form": webhook_form, "secret": secret}
    )
