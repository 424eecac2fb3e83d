"""Operator pages for vessels, people on board, travel documents and weapons. Thin: forms, one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.core.permissions import operator_required

from . import selectors, services
from .choices import PersonCategory
from .forms import (
    DocumentForm,
    PersonCreateForm,
    PersonForm,
    UploadForm,
    VesselForm,
    WeaponForm,
    document_mrz_initial,
    mrz_initial,
)
from .imports import COLUMNS, ImportErrors, RowError, read_people_file, template_csv
from .models import Person, TravelDocument, Vessel


def _add_service_errors(form: BaseForm, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError beside the form's fields (unknown fields go to the summary)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        name = (rename or {}).get(key, key)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _show_mrz_error(form: BaseForm, errors: Any) -> None:
    """An unbound form (filled with what was typed) that shows only the MRZ's error beside the MRZ box."""
    shown = ErrorDict(renderer=form.renderer)
    shown["mrz"] = form.error_class(errors, renderer=form.renderer)
    form._errors = shown  # type: ignore[attr-defined]


def _posted_initial(request: HttpRequest, form: BaseForm) -> dict[str, Any]:
    """What the operator typed, as initial values for an unbound form (so nothing is lost)."""
    return {name: request.POST.get(name) for name in form.fields if name in request.POST}


@operator_required
def vessel_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    vessels = selectors.vessel_list(request.user, include_archived=show_archived)
    people = selectors.people_for(request.user, include_archived=show_archived)
    return render(
        request,
        "vessels/list.html",
        {"vessels": vessels, "people": people, "show_archived": show_archived},
    )


# Vessels ---------------------------------------------------------------------------------------------


@operator_required
def vessel_create(request: HttpRequest) -> HttpResponse:
    form = VesselForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vessel = services.vessel_create(actor=request.user, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Vessel added."))
            return redirect("vessels:vessel_detail", pk=vessel.pk)
    return render(request, "vessels/vessel_form.html", {"form": form, "vessel": None})


def _vessel(request: HttpRequest, pk: int) -> Vessel:
    return get_object_or_404(selectors.vessels_for(request.user, include_archived=True), pk=pk)


@operator_required
def vessel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vessel = _vessel(request, pk)
    return render(
        request,
        "vessels/vessel_detail.html",
        {"vessel": vessel, "weapons": vessel.weapons.all(), "weapon_form": WeaponForm()},
    )


@operator_required
def vessel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vessel = _vessel(request, pk)
    form = VesselForm(request.POST or None, instance=vessel)
    if request.method == "POST" and form.is_valid():
        try:
            services.vessel_update(actor=request.user, vessel=vessel, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Vessel updated."))
            return redirect("vessels:vessel_detail", pk=vessel.pk)
    return render(request, "vessels/vessel_form.html", {"form": form, "vessel": vessel})


@operator_required
@require_POST
def vessel_archive(request: HttpRequest, pk: int) -> HttpResponse:
    vessel = _vessel(request, pk)
    restore = request.POST.get("restore") == "1"
    try:
        services.vessel_archive(actor=request.user, vessel=vessel, archived=not restore)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("vessels:vessel_detail", pk=vessel.pk)
    if restore:
        messages.success(request, _("Vessel restored."))
        return redirect("vessels:vessel_detail", pk=vessel.pk)
    messages.success(request, _("Vessel archived. You can find it under “Show archived”."))
    return redirect("vessels:list")


# Weapons ---------------------------------------------------------------------------------------------


@operator_required
def weapon_add(request: HttpRequest, pk: int) -> HttpResponse:
    vessel = _vessel(request, pk)
    form = WeaponForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.weapon_add(actor=request.user, vessel=vessel, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Weapon or ammunition added."))
            return redirect("vessels:vessel_detail", pk=vessel.pk)
    return render(request, "vessels/weapon_form.html", {"form": form, "vessel": vessel, "weapon": None})


def _weapon(request: HttpRequest, pk: int, weapon_pk: int) -> Any:
    return get_object_or_404(selectors.weapons_for(request.user), pk=weapon_pk, vessel_id=pk)


@operator_required
def weapon_edit(request: HttpRequest, pk: int, weapon_pk: int) -> HttpResponse:
    weapon = _weapon(request, pk, weapon_pk)
    form = WeaponForm(request.POST or None, instance=weapon)
    if request.method == "POST" and form.is_valid():
        try:
            services.weapon_update(actor=request.user, weapon=weapon, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Weapon or ammunition updated."))
            return redirect("vessels:vessel_detail", pk=weapon.vessel_id)
    return render(
        request, "vessels/weapon_form.html", {"form": form, "vessel": weapon.vessel, "weapon": weapon}
    )


@operator_required
@require_POST
def weapon_remove(request: HttpRequest, pk: int, weapon_pk: int) -> HttpResponse:
    weapon = _weapon(request, pk, weapon_pk)
    services.weapon_remove(actor=request.user, weapon=weapon)  # type: ignore[arg-type]
    messages.success(request, _("Weapon or ammunition removed."))
    return redirect("vessels:vessel_detail", pk=pk)


# People ----------------------------------------------------------------------------------------------


@operator_required
def person_create(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", PersonCategory.CREW)
    notes: list[str] = []
    warning = ""
    if request.method == "POST" and request.POST.get("action") == "mrz":
        # Fill the form from the pasted MRZ; keep everything else the operator typed; save nothing yet.
        probe = PersonCreateForm(request.POST)
        initial = _posted_initial(request, probe)
        probe.is_valid()
        if probe.mrz_result is not None:
            result = probe.mrz_result
            initial.update(mrz_initial(result))
            notes = list(result.notes)
            if result.is_expired():
                warning = _(
                    "This document expired on %(date)s. You can save it, but it will be shown as Expired."
                ) % {"date": formats.date_format(result.expiry_date, "DATE_FORMAT")}
            form = PersonCreateForm(initial=initial)
            messages.info(
                request, _("The form is filled from the MRZ. Check it, add what is missing, then save.")
            )
        else:
            form = PersonCreateForm(initial=initial)
            _show_mrz_error(
                form, probe.errors.get("mrz") or [_("Paste the lines of the machine-readable zone (MRZ).")]
            )
    elif request.method == "POST":
        form = PersonCreateForm(request.POST)
        if form.is_valid():
            try:
                person = services.person_create(
                    actor=request.user,  # type: ignore[arg-type]
                    data=form.person_data(),
                    documents=form.document_data(),
                )
            except ValidationError as error:
                _add_service_errors(form, error, PersonCreateForm.SERVICE_FIELDS)
            else:
                messages.success(request, _("%(name)s added.") % {"name": person.full_name})
                if form.expiry_warning():
                    messages.warning(request, form.expiry_warning())
                return redirect("vessels:person_detail", pk=person.pk)
        warning = form.expiry_warning()
    else:
        form = PersonCreateForm(initial={"category": category})
    return render(request, "vessels/person_create.html", {"form": form, "notes": notes, "warning": warning})


def _person(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(selectors.people_for(request.user, include_archived=True), pk=pk)


@operator_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return render(
        request, "vessels/person_detail.html", {"person": person, "documents": person.documents.all()}
    )


@operator_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Details updated."))
            return redirect("vessels:person_detail", pk=person.pk)
    return render(request, "vessels/person_form.html", {"form": form, "person": person})


@operator_required
@require_POST
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    restore = request.POST.get("restore") == "1"
    services.person_archive(actor=request.user, person=person, archived=not restore)  # type: ignore[arg-type]
    if restore:
        messages.success(request, _("%(name)s is back on your list.") % {"name": person.full_name})
        return redirect("vessels:person_detail", pk=person.pk)
    messages.success(request, _("%(name)s is archived.") % {"name": person.full_name})
    return redirect("vessels:list")


# Travel documents ------------------------------------------------------------------------------------


def _document(request: HttpRequest, pk: int, document_pk: int) -> TravelDocument:
    return get_object_or_404(selectors.documents_for(request.user), pk=document_pk, person_id=pk)


def _document_page(request: HttpRequest, person: Person, document: TravelDocument | None) -> HttpResponse:
    notes: list[str] = []
    warning = ""
    if request.method == "POST" and request.POST.get("action") == "mrz":
        probe = DocumentForm(request.POST, instance=document)
        initial = _posted_initial(request, probe)
        probe.is_valid()
        if probe.mrz_result is not None:
            initial.update(document_mrz_initial(probe.mrz_result))
            notes = list(probe.mrz_result.notes)
            if probe.mrz_result.is_expired():
                warning = _(
                    "This document expired on %(date)s. You can save it, but it will be shown as Expired."
                ) % {"date": formats.date_format(probe.mrz_result.expiry_date, "DATE_FORMAT")}
            form = DocumentForm(initial=initial)
        else:
            form = DocumentForm(initial=initial)
            _show_mrz_error(
                form, probe.errors.get("mrz") or [_("Paste the lines of the machine-readable zone (MRZ).")]
            )
    else:
        form = DocumentForm(request.POST or None, instance=document)
        if request.method == "POST" and form.is_valid():
            data = {
                k: form.cleaned_data[k]
                for k in ("document_type", "number", "issuing_state", "expiry_date", "mrz")
            }
            try:
                if document is None:
                    services.document_add(actor=request.user, person=person, data=data)  # type: ignore[arg-type]
                else:
                    services.document_update(actor=request.user, document=document, data=data)  # type: ignore[arg-type]
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Travel document saved."))
                if form.expiry_warning():
                    messages.warning(request, form.expiry_warning())
                return redirect("vessels:person_detail", pk=person.pk)
        warning = form.expiry_warning()
    return render(
        request,
        "vessels/document_form.html",
        {"form": form, "person": person, "document": document, "notes": notes, "warning": warning},
    )


@operator_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _document_page(request, _person(request, pk), None)


@operator_required
def document_edit(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    return _document_page(request, document.person, document)


@operator_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(request, pk, document_pk)
    try:
        services.document_remove(actor=request.user, document=document)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Travel document removed."))
    return redirect("vessels:person_detail", pk=pk)


# Bulk upload -----------------------------------------------------------------------------------------


def _row_errors(error: ValidationError) -> list[RowError]:
    """people_import's errors ("<row>:<field>" keys) as rows of the error table."""
    if not hasattr(error, "error_dict"):
        return [RowError(0, "", message) for message in error.messages]
    rows = []
    for key, messages_ in error.message_dict.items():
        row, _sep, name = key.partition(":")
        for message in messages_:
            rows.append(RowError(int(row) if row.isdigit() else 0, name, message))
    return rows


@operator_required
def people_upload(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        category = form.cleaned_data["category"]
        try:
            result = read_people_file(upload, name=upload.name, category=category)
            outcome = services.people_import(
                actor=request.user,  # type: ignore[arg-type]
                rows=result.rows,
                source=upload.name,
            )
        except ImportErrors as error:
            errors = error.errors
        except ValidationError as error:
            errors = _row_errors(error)
        else:
            messages.success(
                request,
                _("List imported: %(created)s added, %(updated)s already on your list and updated.")
                % {"created": len(outcome.created), "updated": len(outcome.updated)},
            )
            for warning in result.warnings:
                messages.warning(request, str(warning))
            return redirect("vessels:list")
    return render(
        request,
        "vessels/upload.html",
        {
            "form": form,
            "errors": errors,
            "columns": [
                {
                    "header": column.header_in(language),
                    "required": column.required,
                    "help": column.help,
                    "aliases": column.also_accepted(language),
                }
                for column in COLUMNS
            ],
            "crew": PersonCategory.CREW,
            "passenger": PersonCategory.PASSENGER,
        },
    )


@operator_required
def upload_template(request: HttpRequest, category: str) -> HttpResponse:
    if category not in PersonCategory.values:
        return redirect("vessels:people_upload")
    response = HttpResponse(
        template_csv(category, get_language() or "en"), content_type="text/csv; charset=utf-8"
    )
    filename = "crew-list-fal5.csv" if category == PersonCategory.CREW else "passenger-list-fal6.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
