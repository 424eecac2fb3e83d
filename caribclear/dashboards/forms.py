from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.models import Administration
from caribclear.core.forms import BoundedDateField
from caribclear.intel.choices import Commodity

from .selectors import Period

DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(forms.Form):
    date_from = BoundedDateField(label=_("From"), required=False, widget=DATE)
    date_to = BoundedDateField(label=_("To"), required=False, widget=DATE)
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
