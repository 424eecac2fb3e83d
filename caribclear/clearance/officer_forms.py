from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.models import Administration
from caribclear.core.forms import BoundedDateField, TypedDateInput
from caribclear.core.refs import InvalidReference, parse_reference
from caribclear.reference.models import Port

from .choices import Decision, Kind, Status
from .officer_selectors import QueueFilters


class QueueFilterForm(forms.Form):
    """Search and filters of the officer queue (a GET form: every field optional)."""

    reference = forms.CharField(
        label=_("Reference"), required=False, max_length=40, help_text=_("For example K7PM-4QXB.")
    )
    vessel = forms.CharField(
        label=_("Vessel"),
        required=False,
        max_length=100,
        help_text=_("Name, registration number, MMSI or IMO number."),
    )
    person = forms.CharField(
        label=_("Person on board"), required=False, max_length=100, help_text=_("Name or document number.")
    )
    port = forms.ModelChoiceField(label=_("Port"), queryset=Port.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + [c for c in Status.choices if c[0] != Status.DRAFT],
    )
    kind = forms.ChoiceField(
        label=_("Arrival or departure"), required=False, choices=[("", _("Both")), *Kind.choices]
    )
    date_from = BoundedDateField(label=_("Expected from"), required=False, widget=TypedDateInput)
    date_to = BoundedDateField(label=_("Expected until"), required=False, widget=TypedDateInput)

    def __init__(self, *args: Any, administration: Administration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["port"].queryset = Port.objects.ports_of_entry().filter(administration=administration)  # type: ignore[attr-defined]

    def clean_reference(self) -> str:
        text = self.cleaned_data["reference"].strip()
        if not text:
            return ""
        try:
            return parse_reference(text)
        except InvalidReference as error:
            raise forms.ValidationError(
                _("This is not a valid reference: check the letters and digits.")
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    def to_filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        port = data.get("port")
        return QueueFilters(
            reference=data.get("reference", ""),
            vessel=data.get("vessel", ""),
            person=data.get("person", ""),
            port_id=port.pk if port else None,
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class DecisionForm(forms.Form):
    """One agency's decision on a notification."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(c, label) for c, label in Decision.choices if c != Decision.PENDING],
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you refuse or refer for inspection. The operator will see them."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision and decision != Decision.CLEARED and not data.get("remarks", "").strip():
            self.add_error("remarks", _("Give the reason: the operator and other officers will see it."))
        return data
