"""Forms of the passengers pages: a carrier's upload, officers' arrival checks, unmasking, retention."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DefaultAnswer, Outcome

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
    outcome = forms.ChoiceField(label=_("What happened"), choices=Outcome.choices)
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
