from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caribclear.core import declarations
from caribclear.core.forms import BoundedDateField, TypedDateInput

from .choices import Disposition, Lane
from .conditions import OPERATORS, OPERATORS_BY_TYPE, ConditionError, Fields, validate_condition


class ConditionForm(forms.Form):
    """One condition on one of the fields of the criterion's kind of declaration (``fields``)."""

    field = forms.ChoiceField(label=_("Field"), choices=(), required=False)
    operator = forms.ChoiceField(
        label=_("Comparison"), choices=[("", "—"), *OPERATORS.items()], required=False
    )
    values = forms.CharField(
        label=_("Values"),
        required=False,
        max_length=500,
        help_text=_(
            "Separated by commas: country codes (VE, CO), choices, or numbers (for “between”: lowest, highest)."
        ),
    )

    def __init__(self, *args: Any, fields: Fields, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.condition_fields = fields
        self.fields["field"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a field")),
            *((f.name, f.label) for f in fields.values()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("field") and not data.get("operator") and not data.get("values"):
            data["condition"] = None
            return data
        try:
            data["condition"] = validate_condition(
                {
                    "field": data.get("field"),
                    "operator": data.get("operator"),
                    "values": data.get("values", ""),
                },
                fields=self.condition_fields,
            )
        except ConditionError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class BaseConditionFormSet(forms.BaseFormSet):
    def conditions(self) -> list[dict[str, Any]]:
        return [f.cleaned_data["condition"] for f in self.forms if f.cleaned_data.get("condition")]

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if not self.conditions():
            raise forms.ValidationError(_("Add at least one condition."))


#: The most conditions one criterion may hold (each must be true: more would select nothing useful).
MAX_CONDITIONS = 12

ConditionFormSet = forms.formset_factory(
    ConditionForm,
    formset=BaseConditionFormSet,
    extra=0,
    max_num=MAX_CONDITIONS,
    absolute_max=MAX_CONDITIONS,
    validate_max=True,
)


def condition_formset(
    data: Any = None,
    conditions: list[dict[str, Any]] | None = None,
    blank_rows: int = 0,
    *,
    fields: Fields,
) -> BaseConditionFormSet:
    initial = [
        {"field": c["field"], "operator": c["operator"], "values": ", ".join(c.get("values", []))}
        for c in (conditions or [])
    ]
    initial += [{}] * blank_rows
    formset: BaseConditionFormSet = ConditionFormSet(  # type: ignore[assignment]
        data, initial=initial, prefix="c", form_kwargs={"fields": fields}
    )
    return formset


def posted_conditions(data: Any) -> list[dict[str, Any]]:
    """The conditions as typed in a posted editor (not validated), in order, for adding or removing one
    without losing anything typed."""
    try:
        total = int(data.get("c-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    rows = []
    for i in range(max(0, min(total, MAX_CONDITIONS))):
        rows.append({key: data.get(f"c-{i}-{key}", "") for key in ("field", "operator", "values")})
    return rows


def edited_conditions(data: Any, action: str) -> tuple[list[dict[str, Any]], int | None] | None:
    """For the editor's "add a condition" (``add``) and "remove condition n" (``remove-n``) buttons: the
    conditions after the change and the index of the condition to focus; None for any other action."""
    rows = posted_conditions(data)
    if action == "add":
        if len(rows) >= MAX_CONDITIONS:
            return rows, None
        rows.append({"field": "", "operator": "", "values": ""})
        return rows, len(rows) - 1
    if action.startswith("remove-") and action[7:].isdigit():
        index = int(action[7:])
        if 0 <= index < len(rows):
            del rows[index]
        return rows, None
    return None


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    documentation = forms.CharField(
        label=_("What the officer should do when it fires"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why it matters and what to check. The officer sees this on the notification."),
    )
    lane = forms.ChoiceField(label=_("Lane"), choices=Lane.choices)
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=100,
        initial=10,
        help_text=_("1 to 100: orders the reasons."),
    )
    valid_from = BoundedDateField(label=_("Valid from"), widget=TypedDateInput, initial=timezone.localdate)
    valid_until = BoundedDateField(label=_("Valid until (optional)"), widget=TypedDateInput, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    change_note = forms.CharField(label=_("What changed (optional)"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("valid_from")
        end: dt.date | None = data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The criterion must end after it starts."))
        return data


class OverrideForm(forms.Form):
    lane = forms.ChoiceField(label=_("New lane"), choices=Lane.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Required: it is recorded with your name."),
    )


class FiringDispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Disposition.TRUE_MATCH, Disposition.TRUE_MATCH.label),
            (Disposition.FALSE_POSITIVE, Disposition.FALSE_POSITIVE.label),
        ],
        error_messages={"required": _("Choose justified or false positive.")},
    )
    note = forms.CharField(
        label=_("Note (what you found)"),
        max_length=2000,
        error_messages={"required": _("Write a note: what did you find?")},
    )


class HitRuleForm(forms.Form):
    unreviewed_lane = forms.ChoiceField(
        label=_("While a hit is not reviewed, the declaration is at least in"),
        choices=Lane.choices[1:],
        widget=forms.RadioSelect,
        help_text=_("No agency can clear it until an official records a review with a note."),
    )
    true_match_lane = forms.ChoiceField(
        label=_("A true match puts the declaration in"),
        choices=Lane.choices[1:],
        widget=forms.RadioSelect,
        help_text=_("A true match also refers the declaration to a supervisor."),
    )


class RandomSelectionForm(forms.Form):
    from_lane = forms.ChoiceField(label=_("Notifications in lane"), choices=Lane.choices[:2])
    to_lane = forms.ChoiceField(label=_("are sent to lane"), choices=Lane.choices[1:])
    rate = forms.DecimalField(
        label=_("Share (%)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text=_("For example 5 or 2.5."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ExpectedRateForm(forms.Form):
    """The share of one kind of declaration a supervisor expects in a lane; left empty, the expectation is
    removed."""

    kind = forms.ChoiceField(label=_("Declarations"))
    lane = forms.ChoiceField(label=_("Lane"), choices=Lane.choices)
    rate = forms.DecimalField(
        label=_("Expected share (%)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        required=False,
        help_text=_("For example 5 for red. Leave empty to remove the expectation."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in declarations.kinds()]  # type: ignore[attr-defined]


class PeriodForm(forms.Form):
    start = BoundedDateField(label=_("From"), widget=TypedDateInput, required=False)
    end = BoundedDateField(label=_("To"), widget=TypedDateInput, required=False)

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or (end - dt.timedelta(days=89))
        if start > end:
            start, end = end, start
        return start, end


def operator_help() -> list[tuple[str, str]]:
    """Which comparisons each kind of field takes, for the criterion page's hint."""
    names = {
        "country": _("Countries"),
        "choice": _("Choices"),
        "text": _("Text"),
        "bool": _("Yes/no"),
        "number": _("Numbers"),
        "date": _("Dates (YYYY-MM-DD)"),
    }
    return [
        (str(names[t]), ", ".join(str(OPERATORS[o]) for o in ops)) for t, ops in OPERATORS_BY_TYPE.items()
    ]
