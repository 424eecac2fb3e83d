from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.models import Administration
from caribclear.core.forms import TypedDateInput, bounded_formfield, typed_date
from caribclear.intel.choices import Commodity

from .selectors import Period

DATE = TypedDateInput()


class PeriodForm(forms.Form):
    date_from = typed_date(_("From"), required=False)
    date_to = typed_date(_("To"), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members (region)"),
        queryset=Administration.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
        help_text=_("None chosen: the whole region."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    commodity = forms.ChoiceField(
        label=_("Commodity"), choices=[("", _("All")), *Commodity.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def period(self) -> Period:
        default = Period.last_year()
        data = self.cleaned_data if self.is_valid() else {}
        return Period(
            date_from=data.get("date_from") or default.date_from,
            date_to=data.get("date_to") or default.date_to,
            members=[a.code for a in data.get("members") or []],
            commodity=data.get("commodity") or "",
        )


class AssessmentForm(forms.ModelForm):
    """The report's period, region and label, and the analyst's narrative."""

    members = forms.ModelMultipleChoiceField(
        label=_("Members (region)"),
        queryset=Administration.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
        help_text=_("None chosen: the whole region."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        from .models import ThreatAssessment

        formfield_callback = bounded_formfield
        model = ThreatAssessment
        fields = [
            "title",
            "date_from",
            "date_to",
            "commodity",
            "tlp",
            "key_judgements",
            "assessment",
            "outlook",
            "recommendations",
        ]
        widgets = {
            "date_from": DATE,
            "date_to": DATE,
            "key_judgements": forms.Textarea(attrs={"rows": 5}),
            "assessment": forms.Textarea(attrs={"rows": 10}),
            "outlook": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = ["title", "date_from", "date_to", "members", "commodity", "tlp"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {})["members"] = list(
                Administration.objects.filter(code__in=instance.members)
            )
        super().__init__(*args, **kwargs)
        if instance is None or not instance.pk:
            default = Period.last_year()
            self.fields["date_from"].initial = default.date_from
            self.fields["date_to"].initial = default.date_to
            self.fields["title"].initial = _("Strategic threat assessment")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def values(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["members"] = sorted(a.code for a in self.cleaned_data["members"])
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
