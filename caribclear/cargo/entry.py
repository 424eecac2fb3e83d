"""The portal's template (CSV and XLSX) and its web form, both read by the table reader
(``readers/table.py``): a form's consignments are the rows of a table, so a typed filing and an uploaded
one are checked alike, and the reader's errors go back beside the fields they name."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caribclear.accounts.models import User

from . import readers, services
from .forms import ManifestEntryForm
from .readers.table import MANIFEST_COLUMNS, Record, template_rows

#: What the reader's error codes say to a person typing in the form (the readers are pure Python and
#: speak English; the file upload shows their messages with the row and column).
MESSAGES = {
    "required": gettext_lazy("Enter this."),
    "format": gettext_lazy("This is not in the form asked for (see the hint)."),
    "datetime": gettext_lazy("Enter a date and time."),
    "number": gettext_lazy("Enter a number above 0 (use . for decimals)."),
    "vague_description": gettext_lazy(
        "Say what the goods are: a description such as “general cargo” or “FAK” is refused."
    ),
    "hs_code": gettext_lazy("Enter an HS code of the nomenclature, at least 6 digits."),
    "imo": gettext_lazy("This is not an IMO number (7 digits, the last a check digit)."),
    "mode": gettext_lazy("Choose sea or air."),
    "level": gettext_lazy("Only a house bill names a master bill."),
    "un_number": gettext_lazy("A UN number has 4 digits."),
    "package_kind": gettext_lazy("Use a UN/ECE Recommendation 21 code of 2 characters."),
    "container_check_digit": gettext_lazy("This container number fails the ISO 6346 check digit."),
    "container_number": gettext_lazy("This is not a container number (4 letters, 6 digits, a check digit)."),
    "duplicate_bill": gettext_lazy("This bill is listed twice."),
    "not_amendable": gettext_lazy("This cannot be amended: withdraw the filing and file it again."),
}


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")  # the BOM: Excel opens UTF-8 as such


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "manifest"
    header, example = template_rows()
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[readers.table.column_letter(index - 1)].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _values(form: forms.Form) -> dict[str, str]:
    return {name: str(form[name].value() or "") for name in form.fields}


def entry_records(form: ManifestEntryForm, formset: Any) -> list[Record]:
    manifest = _values(form)
    return [
        Record(row=n, values={**manifest, **_values(sub)}) for n, sub in enumerate(formset.forms, start=1)
    ]


def _put(form: forms.Form, field: str | None, message: str) -> None:
    if field is not None and field in form.fields:
        if form[field].errors:
            return  # Django's own error (required, too long) says it already
        form.add_error(field, message)
    elif message not in form.non_field_errors():
        form.add_error(None, message)


def _message(issue: Any) -> str:
    return str(MESSAGES.get(issue.code, issue.message))


def place_issues(form: ManifestEntryForm, formset: Any, issues: list[Any]) -> None:
    """Each issue beside its field: the row is the consignment's number, the column the field."""
    for issue in issues:
        column, row = issue.where.column, issue.where.row
        if column in MANIFEST_COLUMNS or column == "manifest_reference":
            _put(form, column, _message(issue))
        elif row and 1 <= row <= len(formset.forms):
            _put(formset.forms[row - 1], column, _message(issue))
        else:
            _put(form, None, issue.message)


def entry_file(*, actor: User, form: ManifestEntryForm, formset: Any) -> services.Filed | None:
    """Register the typed manifest, or put every error beside its field and return None."""
    django_ok = form.is_valid() & formset.is_valid()
    records = entry_records(form, formset)
    result = readers.read_records(records, "web")
    place_issues(form, formset, result.errors)
    if not django_ok or result.errors:
        return None
    digest = hashlib.sha256(
        json.dumps([dict(r.values) for r in records], sort_keys=True).encode()
    ).hexdigest()
    try:
        return services.manifest_register(
            actor=actor, filer=services.filer_of(actor), result=result, digest=digest
        )
    except services.FilingRejected as exc:
        place_issues(form, formset, exc.errors)
        if not form.errors and not any(f.errors for f in formset.forms):
            form.add_error(None, _("The manifest was not registered."))
        return None
