"""Forms of partner sharing: a partner agency and its agreement, an analyst's account, a bundle upload, a
subscription to a partner's TAXII collection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.core.forms import BoundedDateField, typed_date
from caribclear.intel.choices import SourceReliability, Tlp

from .choices import Category, TaxiiAuth
from .selectors import partner_sources

MAX_BUNDLE_BYTES = 20 * 1024 * 1024


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> BoundedDateField:
    return typed_date(label, required=required, help_text=help_text or None)


class AgreementForm(forms.Form):
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_(
            'The treaty article, memorandum of understanding or law, e.g. "MOU CCLEC-IMPACS 2026, art. 4".'
        ),
    )
    signed_on = _date(_("Signed on"))
    expires_on = _date(_("Expires on"), required=False, help_text=_("Leave empty if it does not expire."))
    categories = forms.MultipleChoiceField(
        label=_("Categories it may receive"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only records released to the agency by their owner, and of these categories, reach it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("signed_on") and data.get("expires_on") and data["expires_on"] < data["signed_on"]:
            self.add_error("expires_on", _("The agreement cannot expire before it was signed."))
        return data


class PartnerAgencyForm(AgreementForm):
    name = forms.CharField(
        label=_("Agency's name"), max_length=100, help_text=_("For example CARICOM IMPACS.")
    )

    field_order = ["name", "legal_basis", "signed_on", "expires_on", "categories"]


class PartnerAnalystForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)


class BundleUploadForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Partner agency it came from"), queryset=partner_sources())
    bundle = forms.FileField(label=_("STIX 2.1 bundle (JSON)"), help_text=_("A file of at most 20 MB."))

    def clean_bundle(self) -> Any:
        bundle = self.cleaned_data["bundle"]
        if bundle.size > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return bundle


class SubscriptionForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Partner agency whose server it is"), queryset=partner_sources())
    api_root = forms.URLField(
        assume_scheme="https",
        label=_("API root address"),
        max_length=500,
        help_text=_("As the partner's TAXII 2.1 server lists it, e.g. https://taxii.partner.example/api1/"),
    )
    collection_id = forms.CharField(
        label=_("Collection id"),
        max_length=100,
        help_text=_("The id of the collection to take in, as the partner gave it."),
    )
    auth = forms.ChoiceField(label=_("Signing in"), choices=TaxiiAuth.choices, widget=forms.RadioSelect)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        help_text=_("Only with a user name and password."),
    )
    secret = forms.CharField(
        label=_("Token or password"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Kept encrypted and never shown again."),
    )
    unmarked_tlp = forms.ChoiceField(
        label=_("TLP label for objects without one"),
        choices=Tlp.choices,
        initial=Tlp.AMBER,
        help_text=_("Objects the partner marked keep their own TLP label."),
    )
    source_reliability = forms.ChoiceField(
        label=_("Source evaluation"),
        choices=SourceReliability.choices,
        initial=SourceReliability.UNTESTED,
        help_text=_("Given to objects that carry no 3x5x2 grading of their own."),
    )
    interval_minutes = forms.IntegerField(
        label=_("Poll every (minutes)"), min_value=5, max_value=7 * 24 * 60, initial=60
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("auth") == TaxiiAuth.BASIC and not (data.get("username") or "").strip():
            self.add_error("username", _("Give the user name the partner gave you."))
        return data
