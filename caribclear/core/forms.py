"""Form fields and helpers shared by every app: a bounded date field, and helpers for forms that
describe themselves (e.g. a sharing form's summary of who will see a record)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Dates people type, filter by or upload: anything outside these years is a typing mistake, and a date
# near the ends of Python's calendar (9999-12-31) breaks the arithmetic of a period ("the day after").
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


# Dates are typed day first, as every language shipped writes them, in a plain text box: the browsers'
# date pickers show the browser's order (month first to some), whatever the page's language. ISO is read
# too (a date pasted from another system, or a form kept from before).
TYPED_DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"]
TYPED_DATE_DISPLAY = "%d/%m/%Y"


class BoundedDateField(forms.DateField):
    """A date field that refuses years before 1900 and after 2100 with an error beside the field."""

    default_error_messages = {
        "invalid": _("Enter the date as day, month, year: 14/09/2027."),
        "min_value": _("Enter a date in 1900 or later."),
        "max_value": _("Enter a date in 2100 or earlier."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Day first in every language (and ISO, as a browser's date picker or another system sends it):
        # never the month first that Django's English formats would read.
        kwargs.setdefault("input_formats", TYPED_DATE_FORMATS)
        super().__init__(*args, **kwargs)
        if isinstance(self.widget, TypedDateInput) and not self.help_text:
            self.help_text = _("Day, month, year: 14/09/2027.")
        self.validators.append(MinValueValidator(EARLIEST_DATE, self.error_messages["min_value"]))
        self.validators.append(MaxValueValidator(LATEST_DATE, self.error_messages["max_value"]))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", "") == "date":
            attrs.update({"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()})
        return attrs


class TypedDateInput(forms.DateInput):
    """A plain text box for a date typed day first (numeric keyboard on a phone)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})}, format=TYPED_DATE_DISPLAY
        )


def typed_date(label: Any = None, *, required: bool = True, help_text: Any = None) -> BoundedDateField:
    """A bounded date typed day first in a text box, with the example in the hint and the error."""
    return BoundedDateField(
        label=label,
        required=required,
        input_formats=TYPED_DATE_FORMATS,
        widget=TypedDateInput(),
        help_text=help_text if help_text is not None else _("Day, month, year: 14/09/2027."),
        error_messages={"invalid": _("Enter the date as day, month, year: 14/09/2027.")},
    )


def bounded_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """`Meta.formfield_callback` for model forms: every date of the model gets the bounded field."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", BoundedDateField)
        kwargs.setdefault("widget", TypedDateInput())
        if not db_field.help_text:
            kwargs.setdefault("help_text", _("Day, month, year: 14/09/2027."))
    return db_field.formfield(**kwargs)


def bound_value(field: forms.BoundField) -> Any:
    """What a field holds now: its cleaned value once the form is checked (None when it did not clean),
    else its initial value."""
    form = field.form
    if form.is_bound:
        form.errors  # noqa: B018 - checks the form once, if nobody did yet
        return getattr(form, "cleaned_data", {}).get(field.name)
    return form.get_initial_for_field(field.field, field.name)


def bound_objects(field: forms.BoundField) -> list[Any]:
    value = bound_value(field) or []
    queryset = field.field.queryset  # type: ignore[attr-defined]
    if value and not hasattr(next(iter(value)), "pk"):
        value = queryset.filter(pk__in=[getattr(v, "pk", v) for v in value])
    return sorted(value, key=str)
