from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.core.forms import BoundedDateField, TypedDateInput

from . import readers
from .choices import Method, Outcome

FORMATS = (
    ("auto", _("Recognise it")),
    ("wco-dm", _("WCO Data Model XML")),
    ("csv", _("CSV (template)")),
    ("xlsx", _("XLSX (template)")),
)


class DeclarationsFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of assessed import declarations"),
        help_text=_(
            "WCO Data Model 3.6 XML, or the CSV/XLSX template (an ASYCUDA extract's usual columns are understood)."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="auto")
    check_only = forms.BooleanField(label=_("Only check the file, store nothing"), required=False)


class RatesFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of exchange rates"),
        help_text=_(
            "CSV or XLSX with columns date, currency and per_usd: units of the currency one US dollar bought that day."
        ),
    )
    source = forms.CharField(
        label=_("Source of the rates"),
        max_length=200,
        help_text=_("For example: Eastern Caribbean Central Bank, daily rates."),
    )


class MirrorFileForm(forms.Form):
    file = forms.FileField(
        label=_("UN Comtrade extract"),
        help_text=_(
            "The CSV as UN Comtrade gives it (the current Comtrade+ download or bulk file, or a legacy "
            "Comtrade CSV): the exporting countries as reporters, your country as partner, the flow Export, "
            "HS codes of 6 digits."
        ),
    )
    check_only = forms.BooleanField(label=_("Only check the file, store nothing"), required=False)


LINE_FIELDS = {
    "declaration": "declaration",
    "line": "line",
    "date": "date",
    "hs_code": "hs_code",
    "origin": "origin",
    "quantity": "quantity",
    "unit": "unit",
    "net_mass_kg": "net_mass_kg",
    "value": "value",
    "currency": "currency",
    "importer": "importer",
    "exporter": "exporter",
}

#: What a person reads for a reader's column error, by column (the readers' messages are for files).
LINE_MESSAGES = {
    "declaration": _("Enter the declaration number."),
    "line": _("Enter the line (item) number."),
    "date": _("Enter the date of the declaration."),
    "hs_code": _("Enter a tariff code of 6 to 12 digits, for example 851713."),
    "origin": _("Choose the country of origin (two letters, for example CN)."),
    "quantity": _("Enter a quantity more than zero, or the net mass."),
    "unit": _(
        "Enter a unit we know: kg, l, u (units), pr (pairs), m2, m, or a UN/ECE code such as KGM or NAR."
    ),
    "net_mass_kg": _("Enter the net mass in kg, more than zero."),
    "value": _("Enter the customs value, more than zero."),
    "currency": _("Enter a currency code of three letters, for example USD."),
    "importer": _("Enter the importer's identifier."),
    "incoterm": _("Enter an Incoterm such as FOB or CIF, or leave it empty."),
}


class LineForm(forms.Form):
    declaration = forms.CharField(label=_("Declaration"), max_length=40)
    line = forms.CharField(label=_("Line (item)"), max_length=20, initial="1")
    date = BoundedDateField(
        label=_("Date of the declaration"), widget=TypedDateInput, initial=timezone.localdate
    )
    hs_code = forms.CharField(label=_("Tariff code"), max_length=14, help_text=_("6 to 12 digits."))
    origin = forms.CharField(
        label=_("Country of origin"), max_length=2, help_text=_("Two letters, for example CN.")
    )
    quantity = forms.CharField(
        label=_("Quantity (optional if the net mass is given)"), max_length=30, required=False
    )
    unit = forms.CharField(
        label=_("Unit of the quantity"),
        max_length=20,
        required=False,
        help_text=_("kg, l, u, pr, m2... or KGM, NAR, PR."),
    )
    net_mass_kg = forms.CharField(label=_("Net mass in kg (optional)"), max_length=30, required=False)
    value = forms.CharField(label=_("Customs value"), max_length=30)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    importer = forms.CharField(label=_("Importer's identifier"), max_length=40)
    exporter = forms.CharField(label=_("Exporter (optional)"), max_length=120, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.raw = readers.check_line(**{key: data.get(key) for key in LINE_FIELDS})  # type: ignore[arg-type]
        except readers.LineError as error:
            self.add_error(
                error.column if error.column in self.fields else None,
                LINE_MESSAGES.get(error.column, error.message),
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Your reason to doubt the declared value"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What makes you doubt it beyond the statistics: a difference alone is not evidence."),
    )


class EvidenceRequestForm(forms.Form):
    email = forms.EmailField(label=_("Importer's e-mail address"))
    questions = forms.CharField(
        label=_("What the importer is asked to explain or send"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    deadline = BoundedDateField(
        label=_("Answer by"),
        widget=TypedDateInput,
        initial=lambda: timezone.localdate() + dt.timedelta(days=14),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("Method of the Valuation Agreement (when another value is determined)"),
        choices=[("", "—"), *[(m.value, m.label) for m in Method if m != Method.TRANSACTION]],
        required=False,
    )
    determined_value = forms.DecimalField(
        label=_("Customs value determined (in the declared currency)"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=4,
    )
    reason = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("How the price was set"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text=_("For example: the contract, discounts, the relationship with the seller, payments."),
    )
    documents = MultipleFileField(
        label=_("Documents (PDF, PNG or JPEG; up to 5 files of 10 MB)"), required=False
    )
