"""Forms of the filer's portal and the officers' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ExaminationResult, ReferralKind

UPLOAD_FORMATS = [
    ("auto", _("Detect the format")),
    ("cuscar", "UN/EDIFACT CUSCAR"),
    ("ifcsum", "UN/EDIFACT IFCSUM"),
    ("awmds", "ASYCUDA World AWMDS (XML)"),
    ("xfwb", "IATA Cargo-XML XFWB"),
    ("xfzb", "IATA Cargo-XML XFZB"),
    ("xffm", "IATA Cargo-XML XFFM"),
    ("csv", _("The portal's template (CSV)")),
    ("xlsx", _("The portal's template (Excel .xlsx)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Manifest file"),
        help_text=_(
            "CUSCAR or IFCSUM (UN/EDIFACT), ASYCUDA AWMDS XML, IATA XFWB, XFZB or XFFM, or the portal's "
            "template filled in (CSV or Excel)."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=UPLOAD_FORMATS, initial="auto")


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Referral"), choices=ReferralKind.choices, widget=forms.RadioSelect)
    question = forms.CharField(
        label=_("What you ask or order"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    hours = forms.IntegerField(
        label=_("Answer within (hours)"),
        min_value=1,
        max_value=168,
        required=False,
        help_text=_("For a request for information: the filer's deadline, from now."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ReferralKind.INFORMATION and not data.get("hours"):
            self.add_error("hours", _("Give the number of hours the filer has to answer."))
        return data


class ExaminationForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ExaminationResult.choices, widget=forms.RadioSelect)
    findings = forms.CharField(
        label=_("What was found or done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReleaseForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class InvalidateForm(forms.Form):
    reason = forms.CharField(label=_("Why the filing is withdrawn"), max_length=500)


class WebhookForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("Webhook address"),
        assume_scheme="https",
        required=False,
        max_length=200,
        help_text=_("Your system's https:// address for every answer (leave empty to stop the webhook)."),
    )


# --- The web form for small filers: one manifest and its consignments -------------------------------------
# The fields are the template's columns (readers/table.py), so the form is read by the same reader as a
# CSV or XLSX file: one check of everything, its errors put back beside the fields.

_LOCODE_HINT = _("UN/LOCODE, 5 letters: BBBGI")
_WHEN_HINT = _("Day, month, year and the local time of the port: 14/09/2027 14:30.")
_COUNTRY_HINT = _("2 letters: BB")


def _text(
    label: Any, *, required: bool = False, max_length: int = 200, hint: Any = "", **attrs: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


def _when(label: Any, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=_WHEN_HINT,
        # A plain text box typed day first, as the template's cells are: a browser's date picker shows
        # the browser's order (month first to some), whatever the page's language.
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
    )


class ManifestEntryForm(forms.Form):
    """The voyage or flight."""

    mark_required = True
    prefix = "manifest"

    manifest_reference = _text(
        _("Your reference for this filing"),
        required=True,
        max_length=70,
        hint=_("Filing it again with the same reference amends it."),
    )
    mode = forms.ChoiceField(
        label=_("Transport"),
        choices=[("sea", _("Sea")), ("air", _("Air"))],
        initial="sea",
        widget=forms.RadioSelect,
    )
    vessel_or_aircraft = _text(
        _("Vessel or aircraft"), max_length=120, hint=_("A sea manifest names the vessel.")
    )
    imo = _text(_("IMO number"), max_length=10, inputmode="numeric")
    call_sign = _text(_("Call sign"), max_length=20)
    flag = _text(_("Flag"), max_length=2, hint=_COUNTRY_HINT)
    carrier_code = _text(
        _("Carrier code"), max_length=4, hint=_("SCAC or IATA airline code (required for air).")
    )
    voyage = _text(_("Voyage or flight number"), required=True, max_length=40)
    port_of_loading = _text(_("Port of loading"), required=True, max_length=5, hint=_LOCODE_HINT)
    departure = _when(_("Departure from the port of loading"), required=True)


class ConsignmentEntryForm(forms.Form):
    """One consignment (bill of lading or air waybill) with one goods item; more items: the template."""

    mark_required = True

    bill_number = _text(_("Bill of lading or air waybill number"), required=True, max_length=70)
    level = forms.ChoiceField(
        label=_("Kind of bill"),
        choices=[("master", _("Master bill")), ("house", _("House bill"))],
        initial="master",
    )
    master_bill = _text(_("Master bill number"), max_length=70, hint=_("For a house bill."))
    port_of_discharge = _text(_("Port of discharge"), required=True, max_length=5, hint=_LOCODE_HINT)
    arrival = _when(_("Expected arrival at the port of discharge"))
    consignor_name = _text(_("Consignor"), required=True)
    consignor_address = _text(_("Consignor's address"), max_length=300)
    consignor_country = _text(_("Consignor's country"), max_length=2, hint=_COUNTRY_HINT)
    consignor_id = _text(_("Consignor's TIN or EORI"), max_length=40)
    consignee_name = _text(_("Consignee"), required=True)
    consignee_address = _text(_("Consignee's address"), max_length=300)
    consignee_country = _text(_("Consignee's country"), max_length=2, hint=_COUNTRY_HINT)
    consignee_id = _text(_("Consignee's TIN or EORI"), max_length=40)
    notify_name = _text(_("Notify party"))
    hs_code = _text(
        _("HS code"), required=True, max_length=12, hint=_("At least 6 digits."), inputmode="numeric"
    )
    description = _text(
        _("Description of the goods"),
        required=True,
        max_length=512,
        hint=_("Plain words: not “general cargo” or “FAK”."),
    )
    packages = _text(_("Number of packages"), required=True, max_length=10, inputmode="numeric")
    package_kind = _text(
        _("Kind of packages"), max_length=2, hint=_("UN/ECE Rec. 21: CT carton, PK package, BX box.")
    )
    gross_mass_kg = _text(_("Gross mass (kg)"), required=True, max_length=16, inputmode="decimal")
    un_number = _text(_("UN number of dangerous goods"), max_length=6)
    value = _text(_("Declared value"), max_length=18, inputmode="decimal")
    currency = _text(_("Currency"), max_length=3, hint=_("3 letters: USD"))
    container = _text(_("Container number"), max_length=17)
    seals = _text(_("Seals"), max_length=100, hint=_("Separated by spaces."))


ConsignmentEntryFormSet = forms.formset_factory(
    ConsignmentEntryForm, extra=0, min_num=1, validate_min=True, max_num=50, validate_max=True
)
