"""Forms of partner sharing: a partner agency and its agreement, an analyst's account, a bundle upload."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caribclear.core.forms import BoundedDateField, typed_date

from .choices import Category
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
