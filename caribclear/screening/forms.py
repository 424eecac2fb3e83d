from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.accounts.models import Administration
from caribclear.core.forms import BoundedDateField, TypedDateInput, bound_objects, bound_value

from .choices import FILE_FORMATS, Gender, LookoutKind, Sharing


def _members() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Named member administrations"),
        queryset=Administration.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when shared with named members."),
    )


class SharingMixin(forms.Form):
    """Who may screen against a list or lookout: every member, named members, or the owner only.

    ``administration`` is the owner's (the user's) administration, so the summary can leave it out of the
    named ones."""

    def __init__(self, *args: Any, administration: Administration | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.administration = administration

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sharing") == Sharing.NAMED and not data.get("shared_with"):
            self.add_error("shared_with", _("Name at least one member administration."))
        return data

    def sharing_summary(self) -> list[str]:
        """What saving would share, in plain words."""
        sharing = bound_value(self["sharing"])
        named = [a for a in bound_objects(self["shared_with"]) if a != self.administration]
        if sharing == Sharing.ALL:
            lines = [gettext("Screened against by every member administration.")]
        elif sharing == Sharing.NAMED and named:
            lines = [
                gettext("Screened against by your administration and %(names)s.")
                % {"names": ", ".join(str(a) for a in named)}
            ]
        elif sharing == Sharing.NAMED:
            lines = [
                gettext("Shared with nobody yet: tick the administrations under “%(label)s”.")
                % {"label": self.fields["shared_with"].label}
            ]
        elif sharing == Sharing.OWN:
            lines = [gettext("Screened against by your administration only.")]
        else:
            return []
        if named and sharing != Sharing.NAMED:
            lines.append(
                gettext("The administrations ticked (%(names)s) are not used unless you choose “%(choice)s”.")
                % {"names": ", ".join(str(a) for a in named), "choice": Sharing.NAMED.label}
            )
        return lines


class ListFilesForm(forms.Form):
    file = forms.FileField(label=_("List file"))
    alt_file = forms.FileField(
        label=_("OFAC aliases file (alt.csv)"), required=False, help_text=_("For the OFAC SDN format only.")
    )
    add_file = forms.FileField(
        label=_("OFAC addresses file (add.csv)"), required=False, help_text=_("For the OFAC SDN format only.")
    )


class WatchlistCreateForm(SharingMixin, ListFilesForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    source_format = forms.ChoiceField(label=_("Format"), choices=[(f.value, f.label) for f in FILE_FORMATS])
    description = forms.CharField(
        label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sharing = forms.ChoiceField(
        label=_("Who may screen against it"), choices=Sharing.choices, initial=Sharing.OWN
    )
    shared_with = _members()
    threshold = forms.DecimalField(
        label=_("Alert threshold"),
        min_value=0.5,
        max_value=1,
        decimal_places=2,
        initial="0.80",
        help_text=_("Matches scoring at least this (between 0.50 and 1.00) become hits."),
    )

    field_order = [
        "name",
        "source_format",
        "file",
        "alt_file",
        "add_file",
        "description",
        "sharing",
        "shared_with",
        "threshold",
    ]


class LookoutForm(SharingMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Person, vessel or organisation"), choices=LookoutKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("As it would appear on a passport or registry.")
    )
    aliases = forms.CharField(
        label=_("Other names (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    birth_date = forms.CharField(
        label=_("Date of birth (optional)"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM-DD, or YYYY-MM or YYYY when only part of it is known."),
    )
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities (optional)"),
        choices=countries,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), choices=[("", "—"), *Gender.choices], required=False
    )
    document_numbers = forms.CharField(
        label=_("Passport or identity numbers (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    flag = forms.ChoiceField(
        label=_("Flag (vessels, optional)"), choices=[("", "—"), *countries], required=False
    )
    imo_number = forms.CharField(
        label=_("IMO number (optional)"),
        max_length=20,  # "IMO 9074729" as written; the service keeps the seven digits and checks them
        required=False,
    )
    mmsi = forms.CharField(label=_("MMSI (optional)"), max_length=9, required=False)
    call_sign = forms.CharField(label=_("Call sign (optional)"), max_length=12, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the officer when it matches."),
    )
    valid_from = BoundedDateField(label=_("Valid from"), widget=TypedDateInput, initial=timezone.localdate)
    valid_until = BoundedDateField(label=_("Valid until (optional)"), widget=TypedDateInput, required=False)
    sharing = forms.ChoiceField(label=_("Shared with"), choices=Sharing.choices, initial=Sharing.ALL)
    shared_with = _members()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the lookout withdrawn?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search names"), required=False, max_length=100)


class WatchlistSettingsForm(SharingMixin, forms.Form):
    sharing = forms.ChoiceField(label=_("Who may screen against it"), choices=Sharing.choices)
    shared_with = _members()
    threshold = forms.DecimalField(label=_("Alert threshold"), min_value=0.5, max_value=1, decimal_places=2)
    is_active = forms.BooleanField(label=_("Screen notifications against this list"), required=False)
