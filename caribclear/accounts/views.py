from __future__ import annotations

import base64

import segno
from axes.helpers import get_lockout_message
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.core.permissions import administrator_required, login_required, operator_required

from . import selectors, services
from .forms import (
    ApiTokenForm,
    LanguageForm,
    LoginForm,
    OfficialCreateForm,
    OfficialUpdateForm,
    OrganisationInviteForm,
    OtpForm,
    RegistrationForm,
    RetentionForm,
)
from .lockout import account_locked, address_locked, registrations_exhausted, second_step_failed
from .models import User
from .tokens import email_confirmation_token

PENDING_USER = "caribclear_pending_2fa_user"
PENDING_NEXT = "caribclear_pending_2fa_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("home")


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and registrations_exhausted(request):
        form.add_error(None, _("Too many accounts were registered from your network. Try again in an hour."))
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.operator_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
                phone=data["phone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "accounts/register_done.html", {"email": data["email"]})
    return render(request, "accounts/register.html", {"form": form})


def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = selectors.user_from_confirmation_link(uidb64)
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    services.user_confirm_email(user=user)
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    return redirect("accounts:login")


def resend_confirmation(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = selectors.unconfirmed_account(request.POST.get("email", ""))
        if user is not None:
            services.send_email_confirmation(user=user)
        # The same answer whether or not the address has an account, so nobody can probe for accounts.
        messages.info(request, _("If that address has an unconfirmed account, a new link is on its way."))
        return redirect("accounts:login")
    return render(request, "accounts/resend_confirmation.html")


def _locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"message": get_lockout_message()}, status=429)


def _has_authenticator(user: User) -> bool:
    return selectors.authenticator_devices(user, confirmed=True).exists()


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.method == "POST" and address_locked(request):
        return _locked_out(request)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request)
        if user is None or not isinstance(user, User):
            form.add_error(None, _("The e-mail address or password is not right."))
        elif user.is_operator and user.email_confirmed_at is None:
            form.add_error(
                None,
                _("Confirm your e-mail address first: follow the link we sent you, or ask for a new one."),
            )
        elif user.needs_second_factor or _has_authenticator(user):
            # Officials, secretariat staff and tutors always; operators once they turned it on.
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_NEXT] = _safe_next(request, next_url)
            return redirect("accounts:verify" if _has_authenticator(user) else "accounts:enrol")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(_safe_next(request, next_url))
    return render(request, "accounts/login.html", {"form": form, "next": next_url or ""})


def _pending_user(request: HttpRequest) -> User:
    user_id = request.session.get(PENDING_USER)
    user = selectors.pending_login_user(user_id)
    if user is None:
        raise Http404
    return user


def _finish_official_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    next_url = request.session.get(PENDING_NEXT) or reverse("home")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return HttpResponseRedirect(next_url)


def verify(request: HttpRequest) -> HttpResponse:
    try:
        user = _pending_user(request)
    except Http404:
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and (account_locked(request, user.email) or address_locked(request)):
        return _locked_out(request)
    if request.method == "POST" and form.is_valid():
        for device in selectors.authenticator_devices(user, confirmed=True):
            verified, _reason = device.verify_is_allowed()
            if not verified:
                form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
                break
            if device.verify_token(form.cleaned_data["code"]):
                return _finish_official_login(request, user, device)
        else:
            # A wrong code counts towards the account's lock-out like a wrong password.
            second_step_failed(request, user.email)
            if account_locked(request, user.email):
                return _locked_out(request)
            form.add_error("code", _("That code is not right, or it has expired. Enter the current code."))
    return render(request, "accounts/verify.html", {"form": form})


def enrol(request: HttpRequest) -> HttpResponse:
    try:
        user = _pending_user(request)
    except Http404:
        return redirect("accounts:login")
    if selectors.authenticator_devices(user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = selectors.authenticator_devices(user, confirmed=False).first() or services.totp_device_start(
        user=user
    )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and (account_locked(request, user.email) or address_locked(request)):
        return _locked_out(request)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            return _finish_official_login(request, user, device)
        second_step_failed(request, user.email)
        form.add_error(
            "code", _("That code is not right. Check the time on your phone and try the current code.")
        )
    return render(request, "accounts/enrol.html", {"form": form, **_enrolment(device)})


def _enrolment(device: TOTPDevice) -> dict[str, str]:
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")
    base32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return {"qr_svg": qr_svg, "secret": " ".join(base32[i : i + 4] for i in range(0, len(base32), 4))}


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's sign-in settings: an operator may turn on (and off) a code from an authenticator app;
    officials always sign in with one."""
    user: User = request.user  # type: ignore[assignment]
    enabled = _has_authenticator(user)
    form = OtpForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and user.is_operator:
        if action == "start" and not enabled:
            services.totp_device_start(user=user)
            return redirect("accounts:security")
        if action == "confirm" and not enabled and form.is_valid():
            device = selectors.authenticator_devices(user, confirmed=False).first()
            if device is not None and services.totp_device_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            ):
                messages.success(request, _("Two-step sign-in is on: from now on we ask for a code."))
                return redirect("accounts:security")
            form.add_error(
                "code", _("That code is not right. Check the time on your phone and try the current code.")
            )
        if action == "disable" and enabled and form.is_valid():
            if services.totp_device_disable(user=user, code=form.cleaned_data["code"]):
                messages.success(request, _("Two-step sign-in is off."))
                return redirect("accounts:security")
            form.add_error("code", _("That code is not right, or it has expired. Enter the current code."))
    pending = None if enabled else selectors.authenticator_devices(user, confirmed=False).first()
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "enabled": enabled,
            "pending": pending is not None,
            **(_enrolment(pending) if pending is not None else {}),
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response = HttpResponseRedirect(next_url)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",
        )
        return response
    return HttpResponseRedirect(next_url)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Only a session that passed the second factor may give a token the intel scope.
    second_factor = bool(getattr(user, "is_verified", lambda: False)())
    allowed = services.api_token_scopes_allowed(user=user, second_factor=second_factor)
    form = ApiTokenForm(request.POST or None, allowed_scopes=allowed)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                user=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                lifetime_days=form.cleaned_data["lifetime_days"],
                second_factor=second_factor,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(allowed_scopes=allowed)
    tokens = selectors.api_tokens_for(user=user)
    now = timezone.now()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "active_tokens": [t for t in tokens if t.is_active_at(now)],
            "old_tokens": [t for t in tokens if not t.is_active_at(now)],
            "new_secret": new_secret,
            "now": now,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = get_object_or_404(selectors.api_tokens_for(user=user), pk=pk)
    services.api_token_revoke(user=user, token=token)
    messages.success(request, _("The token is revoked: systems using it can no longer sign in."))
    return redirect("accounts:api_tokens")


@administrator_required
def officials(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    administration = actor.administration
    assert administration is not None  # guaranteed for administrators by the model constraint
    form = OfficialCreateForm(request.POST or None, initial={"language": administration.document_language})
    if request.method == "POST" and form.is_valid():
        try:
            official = services.official_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(email)s is added; a link to set a password is on its way.") % {"email": official.email},
            )
            return redirect("accounts:officials")
    return render(
        request,
        "accounts/officials.html",
        {"form": form, "officials": selectors.officials_for_administrator(actor=actor).order_by("last_name")},
    )


@administrator_required
def official_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    official = get_object_or_404(selectors.officials_for_administrator(actor=actor), pk=pk)
    form = OfficialUpdateForm(
        request.POST or None,
        initial={
            "role": official.role,
            "agency": official.agency,
            "is_active": official.is_active,
            "staff_number": official.staff_number,
        },
    )
    if request.method == "POST" and "reset_2fa" in request.POST:
        services.official_reset_two_factor(actor=actor, official=official)
        messages.success(
            request, _("The authenticator is removed: they enrol a new one at their next sign-in.")
        )
        return redirect("accounts:official_edit", pk=official.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.official_update(actor=actor, official=official, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:officials")
    return render(request, "accounts/official_edit.html", {"form": form, "official": official})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@administrator_required
def retention(request: HttpRequest) -> HttpResponse:
    """How long the administration keeps personal data, per retention rule that is its to set."""
    actor: User = request.user  # type: ignore[assignment]
    rules = selectors.retention_rules_for_administrations()
    current = selectors.retention_days_of(actor=actor)
    form = RetentionForm(request.POST or None, rules=rules, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            for rule in rules:
                if form.cleaned_data[rule.key] != current.get(rule.key, rule.default_days):
                    services.retention_setting_set(
                        actor=actor, rule_key=rule.key, days=form.cleaned_data[rule.key]
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The retention periods are saved."))
            return redirect("accounts:retention")
    others = [r for r in selectors.retention_rules_all() if not r.per_administration]
    fixed = [r for r in others if not r.set_on]
    elsewhere = [(r, reverse(r.set_on)) for r in others if r.set_on]
    return render(
        request,
        "accounts/retention.html",
        {"form": form, "fixed_rules": fixed, "elsewhere_rules": elsewhere},
        status=400 if form.errors else 200,
    )


@operator_required
def organisation(request: HttpRequest) -> HttpResponse:
    """The organisation's users, one page whatever it files (cargo manifests, passenger lists): every user
    sees who files with them; its administrators invite, remove and make administrators."""
    actor: User = request.user  # type: ignore[assignment]
    organisation = selectors.organisation_of(actor)
    if organisation is None:
        raise Http404
    managed = selectors.organisation_managed_by(actor)
    if managed is not None:
        organisation = managed
    form = OrganisationInviteForm()
    if request.method == "POST":
        if managed is None:
            raise Http404
        action = request.POST.get("action", "invite")
        if action == "invite":
            form = OrganisationInviteForm(request.POST)
            if form.is_valid():
                try:
                    member = services.organisation_member_invite(
                        actor=actor, organisation=managed, **form.cleaned_data
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("%(email)s was added.") % {"email": member.user.email})
                    return redirect("accounts:organisation")
        else:
            try:
                pk = int(request.POST.get("member", ""))
            except ValueError:
                raise Http404 from None
            target = selectors.organisation_member_managed(actor, pk)
            if target is None or target.organisation_id != managed.pk:
                raise Http404
            try:
                if action == "remove":
                    services.organisation_member_remove(actor=actor, member=target)
                    messages.success(request, _("%(email)s was removed.") % {"email": target.user.email})
                elif action in ("make_admin", "not_admin"):
                    services.organisation_member_set_admin(
                        actor=actor, member=target, is_admin=action == "make_admin"
                    )
                    messages.success(request, _("Saved."))
                else:
                    raise Http404
            except ValidationError as error:
                for text in error.messages:
                    messages.error(request, text)
            return redirect("accounts:organisation")
    members = list(selectors.organisation_members(actor, organisation))
    return render(
        request,
        "accounts/organisation.html",
        {
            "organisation": organisation,
            "members": members,
            "administrators": sum(1 for m in members if m.is_admin),
            "manages": managed is not None,
            "form": form,
        },
    )
