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
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Manifest file"),
        help_text=_("CUSCAR or IFCSUM (UN/EDIFACT), ASYCUDA AWMDS XML, or IATA XFWB, XFZB or XFFM."),
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


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))
    is_admin = forms.BooleanField(label=_("May manage the filer's users"), required=False)


class WebhookForm(forms.Form):
    webhook_url = forms.URLField(
        label=_("Webhook address"),
        required=False,
        max_length=200,
        help_text=_("Your system's https:// address for every answer (leave empty to stop the webhook)."),
    )
