from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import (
    DEFAULT_TOKEN_LIFETIME,
    OFFICIAL_ROLES,
    TOKEN_LIFETIMES,
    TOKEN_SCOPE_HELP,
    Agency,
    TokenScope,
)
from .models import User


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), help_text=_("We send a link to confirm it."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    # No check that the address is free: the answer must not tell who has an account (the service
    # e-mails the owner of an existing account instead).

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            probe = User(
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(forms.Form):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return code


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class OfficialCreateForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in OFFICIAL_ROLES])
    agency = forms.ChoiceField(label=_("Agency"), choices=Agency.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    staff_number = forms.CharField(
        label=_("Staff number"),
        max_length=40,
        required=False,
        help_text=_("Your administration's own number for the official; training imports match by it."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class OfficialUpdateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in OFFICIAL_ROLES])
    agency = forms.ChoiceField(label=_("Agency"), choices=Agency.choices)
    is_active = forms.BooleanField(label=_("Account active"), required=False)
    staff_number = forms.CharField(
        label=_("Staff number"),
        max_length=40,
        required=False,
        help_text=_("Your administration's own number for the official; training imports match by it."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("For example the system or app that will use it.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("What may the token do?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the token may do.")},
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("How long does it last?"),
        coerce=int,
        initial=DEFAULT_TOKEN_LIFETIME,
        help_text=_("After that it stops working: create a new one and give it to the system."),
    )

    def __init__(self, *args: Any, allowed_scopes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = cast(forms.MultipleChoiceField, self.fields["scopes"])
        scopes.choices = [
            (value, f"{TokenScope(value).label}: {TOKEN_SCOPE_HELP[TokenScope(value)]}")
            for value in allowed_scopes
        ]
        # Wider scopes are chosen on purpose; a partner's only scope is TAXII, so it is ticked.
        scopes.initial = [v for v in allowed_scopes if v not in (TokenScope.INTEL, TokenScope.TAXII)] or list(
            allowed_scopes
        )
        lifetime = cast(forms.TypedChoiceField, self.fields["lifetime_days"])
        lifetime.choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in TOKEN_LIFETIMES
        ]


class RetentionForm(forms.Form):
    """One number of days per retention rule an administration may set (`core.retention`)."""

    def __init__(self, *args: Any, rules: list[Any], current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in rules:
            self.fields[rule.key] = forms.IntegerField(
                label=rule.label,
                min_value=rule.min_days,
                max_value=rule.max_days,
                initial=current.get(rule.key, rule.default_days),
                help_text=_("%(what)s Days, between %(low)s and %(high)s; by default %(default)s.")
                % {
                    "what": rule.description,
                    "low": rule.min_days,
                    "high": rule.max_days,
                    "default": rule.default_days,
                },
            )


class OrganisationInviteForm(forms.Form):
    """An organisation's administrator adds a user: an existing account by its address, or a new person."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(
        label=_("Given names"),
        max_length=150,
        required=False,
        help_text=_("Only for someone without an account yet: they get a link to set their password."),
    )
    last_name = forms.CharField(label=_("Surname"), max_length=150, required=False)
    is_admin = forms.BooleanField(label=_("May manage the organisation's users"), required=False)
