"""Forms of the passengers pages: a carrier's upload or typed list, officers' arrival checks, unmasking,
retention."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.core.forms import typed_date

from .choices import DefaultAnswer, ListKind, Outcome

FORMAT_CHOICES = (
    ("auto", _("Find out from the file")),
    ("paxlst", _("UN/EDIFACT PAXLST")),
    ("csv", _("CSV")),
    ("xlsx", _("Excel (XLSX)")),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Passenger or crew list"),
        help_text=_(
            "A PAXLST file as sent over SITA/ARINC, or a CSV or Excel sheet with one row per person."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")


class ArrivalCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        # Nothing chosen for the officer: "nothing found" is recorded only when they say so.
        choices=[("", _("Choose what happened")), *Outcome.choices],
        error_messages={"required": _("Choose what happened when the traveller was met.")},
    )
    notes = forms.CharField(
        label=_("What was found"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    case_reference = forms.CharField(
        label=_("Seizure, alert or case reference"),
        required=False,
        max_length=40,
        help_text=_("Links the traveller to a case: the data is then kept beyond the retention period."),
    )


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this traveller's data?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A second official must approve; the reason is kept with the request."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("approve", _("Approve")), ("refuse", _("Refuse"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RetentionForm(forms.Form):
    mask_after_months = forms.IntegerField(
        label=_("Mask personal data after (months)"), min_value=1, max_value=60
    )
    delete_after_years = forms.IntegerField(label=_("Delete lists after (years)"), min_value=1, max_value=10)
    default_answer = forms.ChoiceField(
        label=_("Answer when screening is late"), choices=DefaultAnswer.choices, widget=forms.RadioSelect
    )
    answer_within_ms = forms.IntegerField(
        label=_("Time allowed for an interactive answer (ms)"), min_value=100, max_value=10_000
    )


# --- A list typed in (carriers without a system of their own) ---------------------------------------------
PORT_HINT = _("The UN/LOCODE (BBBGI) or the airport's code (BGI).")


def _code(value: str) -> str:
    return "".join(value.split()).upper()


class TypedListForm(forms.Form):
    """The flight or voyage of a list typed in on the page."""

    number = forms.CharField(
        label=_("Flight or voyage number"), max_length=20, help_text=_("As on the ticket, e.g. BW484.")
    )
    kind = forms.ChoiceField(
        label=_("Who is on this list?"),
        choices=ListKind.choices,
        initial=ListKind.PASSENGERS,
        widget=forms.RadioSelect,
    )
    vessel_name = forms.CharField(
        label=_("Ship's name"), max_length=100, required=False, help_text=_("Only for a voyage by sea.")
    )
    departure_port = forms.CharField(label=_("Port of departure"), max_length=5, help_text=PORT_HINT)
    departure_date = typed_date(_("Day of departure"))
    departure_time = forms.TimeField(
        label=_("Time of departure"),
        help_text=_("Local time at the port of departure, e.g. 14:30."),
        widget=forms.TimeInput(attrs={"inputmode": "numeric", "autocomplete": "off"}, format="%H:%M"),
    )
    arrival_port = forms.CharField(label=_("Port of arrival"), max_length=5, help_text=PORT_HINT)
    arrival_date = typed_date(_("Day of arrival"))
    arrival_time = forms.TimeField(
        label=_("Time of arrival"),
        help_text=_("Local time at the port of arrival."),
        widget=forms.TimeInput(attrs={"inputmode": "numeric", "autocomplete": "off"}, format="%H:%M"),
    )

    def clean_number(self) -> str:
        return _code(self.cleaned_data["number"])

    def clean_departure_port(self) -> str:
        return _code(self.cleaned_data["departure_port"])

    def clean_arrival_port(self) -> str:
        return _code(self.cleaned_data["arrival_port"])


GENDER_CHOICES = (("", _("Not given")), ("F", _("Female")), ("M", _("Male")), ("X", _("Unspecified")))
DOCUMENT_CHOICES = (
    ("P", _("Passport")),
    ("I", _("Identity card")),
    ("C", _("Crew member certificate")),
    ("O", _("Other travel document")),
)


class TypedPersonForm(forms.Form):
    """One person on a typed list; a row left blank is not a person."""

    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_names = forms.CharField(label=_("Given names"), max_length=100, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=GENDER_CHOICES, required=False)
    date_of_birth = typed_date(_("Date of birth"))
    nationality = forms.CharField(
        label=_("Nationality"), max_length=3, help_text=_("Three letters, as in the passport: TTO, GBR.")
    )
    document_type = forms.ChoiceField(label=_("Travel document"), choices=DOCUMENT_CHOICES, initial="P")
    document_number = forms.CharField(label=_("Document number"), max_length=30)
    document_issuing_state = forms.CharField(
        label=_("Issued by"), max_length=3, help_text=_("Three letters: the state that issued it.")
    )
    document_expiry = typed_date(_("Expires"))

    def has_changed(self) -> bool:
        # The document type has an initial choice: a row is blank when nothing else was typed in it.
        return any(name != "document_type" for name in self.changed_data)

    def clean_nationality(self) -> str:
        return _code(self.cleaned_data["nationality"])

    def clean_document_number(self) -> str:
        return _code(self.cleaned_data["document_number"])

    def clean_document_issuing_state(self) -> str:
        return _code(self.cleaned_data["document_issuing_state"])


class BaseTypedPeopleFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Type at least one person."))


TypedPeopleFormSet = forms.formset_factory(
    TypedPersonForm, formset=BaseTypedPeopleFormSet, extra=3, max_num=300, validate_max=True
)
