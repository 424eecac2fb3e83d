from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.core.forms import bounded_formfield, typed_date

from .choices import DocumentType, PersonCategory
from .identifiers import imo_number_compact, validate_imo_number
from .models import Person, TravelDocument, Vessel, Weapon
from .mrz import MrzError, MrzResult, parse_mrz
from .services import PERSON_FIELDS, VESSEL_FIELDS, WEAPON_FIELDS


def birth_date() -> forms.DateField:
    """The date of birth, typed day first (finding 5 of issue 9: no browser date picker, whose order
    varies); shown back in words on every page."""
    return typed_date(_("Date of birth"), help_text=_("Day, month, year: 23/04/1985."))


def _country_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose a country")), *countries]


class ImoNumberField(forms.CharField):
    """An IMO number as people write it ("IMO 9074729", "imo9074729"), cleaned to the seven digits kept and
    checked with its check digit. One clear message beside the field, not a generic "too long" as well."""

    default_validators = [validate_imo_number]

    def __init__(self, **kwargs: Any) -> None:
        kwargs["max_length"] = None  # the validator wants exactly seven digits, after the prefix is gone
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return imo_number_compact(super().to_python(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": "20"}  # room for "IMO" and spaces


class VesselForm(forms.ModelForm):
    mark_required = True  # the form's required fields carry a mark (includes/field.html)

    class Meta:
        formfield_callback = bounded_formfield
        model = Vessel
        fields = VESSEL_FIELDS
        field_classes = {"imo_number": ImoNumberField}
        widgets = {
            "mmsi": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 9, "autocomplete": "off"}),
            "imo_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "length_m": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "gross_tonnage": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
            "owner_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "mmsi": _("Maritime Mobile Service Identity: nine digits, from your ship station licence."),
            "imo_number": _(
                "IMO ship identification number: seven digits, e.g. IMO 9074729, as on the certificate of "
                "registry. Leave it empty if the vessel has none, as many pleasure craft do."
            ),
            "hull_id": _("Hull identification number (HIN), e.g. the 12 or 14 characters on the transom."),
            "call_sign": _("Radio call sign, if any."),
        }


class WeaponForm(forms.ModelForm):
    class Meta:
        formfield_callback = bounded_formfield
        model = Weapon
        fields = WEAPON_FIELDS
        widgets = {"quantity": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})}
        help_texts = {"quantity": _("Number of pieces; for ammunition, the number of rounds.")}


class MrzField(forms.CharField):
    widget = forms.Textarea(
        attrs={
            "rows": 3,
            "spellcheck": "false",
            "autocapitalize": "characters",
            "autocomplete": "off",
            "class": "mrz mono",
        }
    )


MRZ_HELP = _(
    "Optional. The two lines at the bottom of the passport photo page (or the three lines on the back of an "
    "identity card), with their < signs. Press “Fill in from MRZ” to fill the form, then check it."
)


class ExpiryWarningMixin:
    """An expired document can be saved (the list must be accurate) but the operator is told."""

    expiry_field = "expiry_date"

    def expiry_warning(self) -> str:
        data = getattr(self, "cleaned_data", None) or {}
        value = data.get(self.expiry_field)
        if isinstance(value, dt.date) and value < timezone.localdate():
            return str(
                _("This document expired on %(date)s. You can save it, but it will be shown as Expired.")
                % {"date": formats.date_format(value, "DATE_FORMAT")}
            )
        return ""


class PersonForm(forms.ModelForm):
    date_of_birth = birth_date()

    class Meta:
        formfield_callback = bounded_formfield
        model = Person
        fields = PERSON_FIELDS
        widgets = {"category": forms.RadioSelect}
        help_texts = {
            "surname": _("As in the travel document."),
            "port_of_embarkation": _("Passengers: where they joined the vessel."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = _country_choices()  # type: ignore[attr-defined]


class PersonCreateForm(ExpiryWarningMixin, PersonForm):
    """A person and their main travel document on one page, optionally filled from a pasted MRZ."""

    expiry_field = "document_expiry_date"
    mrz = MrzField(label=_("Machine-readable zone (MRZ)"), help_text=MRZ_HELP, required=False)
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.PASSPORT
    )
    document_number = forms.CharField(label=_("Document number"), max_length=20, required=False)
    document_issuing_state = forms.ChoiceField(
        label=_("Issuing state"), choices=_country_choices, required=False
    )
    document_expiry_date = typed_date(_("Expiry date"), required=False)

    field_order = ["mrz", *PERSON_FIELDS]

    mrz_result: MrzResult | None = None

    def clean_mrz(self) -> str:
        text: str = self.cleaned_data.get("mrz", "")
        if not text.strip():
            return ""
        try:
            self.mrz_result = parse_mrz(text)
        except MrzError as error:
            raise ValidationError(error.message, code=error.field) from None
        return self.mrz_result.text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(k) for k in ("document_number", "document_issuing_state", "document_expiry_date")]
        if any(given):
            if not data.get("document_number"):
                self.add_error("document_number", _("Enter the document number."))
            if not data.get("document_issuing_state"):
                self.add_error("document_issuing_state", _("Choose the state that issued the document."))
            if not data.get("document_expiry_date") and "document_expiry_date" not in self.errors:
                self.add_error("document_expiry_date", _("Enter the expiry date of the document."))
        return data

    def person_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in PERSON_FIELDS if k in self.cleaned_data}

    def document_data(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not data.get("document_number"):
            return []
        return [
            {
                "document_type": data["document_type"],
                "number": data["document_number"],
                "issuing_state": data["document_issuing_state"],
                "expiry_date": data["document_expiry_date"],
                "mrz": data.get("mrz", ""),
            }
        ]

    # Service errors come back as "documents.0.<field>": put them on this form's fields.
    SERVICE_FIELDS = {
        "documents.0.document_type": "document_type",
        "documents.0.number": "document_number",
        "documents.0.issuing_state": "document_issuing_state",
        "documents.0.expiry_date": "document_expiry_date",
        "documents.0.mrz": "mrz",
    }


def mrz_initial(result: MrzResult) -> dict[str, Any]:
    """Person-form values from a read MRZ (ICAO codes that are not countries are left for the operator)."""
    values: dict[str, Any] = {
        "surname": result.surname.title(),
        "given_names": result.given_names.title(),
        "sex": result.sex,
        "date_of_birth": result.date_of_birth,
        "document_type": result.document_type,
        "document_number": result.document_number,
        "document_expiry_date": result.expiry_date,
        "mrz": result.text,
    }
    if result.nationality:
        values["nationality"] = result.nationality
    if result.issuing_state:
        values["document_issuing_state"] = result.issuing_state
    return values


class DocumentForm(ExpiryWarningMixin, forms.ModelForm):
    mrz = MrzField(label=_("Machine-readable zone (MRZ)"), help_text=MRZ_HELP, required=False)
    expiry_date = typed_date(_("Expiry date"))

    class Meta:
        formfield_callback = bounded_formfield
        model = TravelDocument
        fields = ("mrz", "document_type", "number", "issuing_state", "expiry_date")

    mrz_result: MrzResult | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_state"].choices = _country_choices()  # type: ignore[attr-defined]

    def clean_mrz(self) -> str:
        text: str = self.cleaned_data.get("mrz", "")
        if not text.strip():
            return ""
        try:
            self.mrz_result = parse_mrz(text)
        except MrzError as error:
            raise ValidationError(error.message, code=error.field) from None
        return self.mrz_result.text


def document_mrz_initial(result: MrzResult) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": result.document_type,
        "number": result.document_number,
        "expiry_date": result.expiry_date,
        "mrz": result.text,
    }
    if result.issuing_state:
        values["issuing_state"] = result.issuing_state
    return values


class UploadForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Which list is it?"),
        choices=[
            (PersonCategory.CREW, _("Crew list (IMO FAL Form 5)")),
            (PersonCategory.PASSENGER, _("Passenger list (IMO FAL Form 6)")),
        ],
        widget=forms.RadioSelect,
        initial=PersonCategory.CREW,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv or .xlsx file, at most 2 MB and 500 people; the first row holds the column headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
