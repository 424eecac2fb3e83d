"""Writes on accounts: registration, confirmation, officials, organisations and their users, two-factor
devices and API tokens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.core.audit import audit_record
from caribclear.core.mail import mail_user
from caribclear.core.models import RetentionSetting
from caribclear.core.retention import rules as retention_rules

from .choices import DEFAULT_TOKEN_LIFETIME, OFFICIAL_ROLES, TOKEN_LIFETIMES, Agency, Role, TokenScope
from .models import Administration, ApiToken, Organisation, OrganisationMember, User, hash_token
from .tokens import email_confirmation_token


def send_email_confirmation(*, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    link = settings.SITE_URL + reverse("accounts:confirm_email", args=[uid, token])
    with translation.override(user.language):
        subject = _("Confirm your e-mail address for CaribClear")
    mail_user(user=user, template="accounts/email/confirm_email.txt", subject=subject, context={"link": link})


def send_registration_attempt_notice(*, user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:password_reset")
    with translation.override(user.language):
        subject = _("Someone tried to register with your e-mail address")
    mail_user(
        user=user, template="accounts/email/registration_attempt.txt", subject=subject, context={"link": link}
    )


@transaction.atomic
def operator_register(
    *, email: str, password: str, first_name: str, last_name: str, language: str, phone: str = ""
) -> User | None:
    """Creates an operator account and e-mails a confirmation link. If the address already has an account,
    nothing is created and its owner is told by e-mail that someone tried to register with it: the
    caller answers the same in both cases, so registration does not reveal which addresses have accounts.
    Returns the new account, or None."""
    email = User.objects.normalize_email(email).strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the same work as a new account, so the answer takes as long
        audit_record(actor=None, action="account.register_existing", obj=existing)
        transaction.on_commit(lambda: send_registration_attempt_notice(user=existing))
        return None
    user = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        phone=phone.strip(),
        role=Role.OPERATOR,
    )
    user.set_password(password)
    user.full_clean(exclude=["password", "username"])
    user.save()
    audit_record(actor=user, action="account.register", obj=user, summary="Operator registered")
    transaction.on_commit(lambda: send_email_confirmation(user=user))
    return user


@transaction.atomic
def user_confirm_email(*, user: User) -> User:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        audit_record(actor=user, action="account.confirm_email", obj=user)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


def _require_administrator_of(actor: User, administration: Administration | None) -> None:
    if not actor.is_administrator or administration is None or actor.administration_id != administration.pk:
        raise PermissionDenied


@transaction.atomic
def official_create(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    agency: str,
    language: str = "en",
    staff_number: str = "",
) -> User:
    """An administrator adds an official to their own administration and e-mails a set-password link."""
    administration = actor.administration
    _require_administrator_of(actor, administration)
    staff_number = _check_staff_number(administration, staff_number)
    if role not in [r.value for r in OFFICIAL_ROLES]:
        raise ValidationError({"role": _("Choose officer, supervisor or administrator.")})
    if agency not in Agency.values:
        raise ValidationError({"agency": _("Choose customs, immigration or port health.")})
    email = User.objects.normalize_email(email).strip()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    official = User(
        username=email.lower(),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        agency=agency,
        administration=administration,
        language=language,
        staff_number=staff_number,
        email_confirmed_at=timezone.now(),
    )
    official.set_unusable_password()
    official.full_clean(exclude=["password", "username"])
    official.save()
    audit_record(
        actor=actor,
        action="official.create",
        obj=official,
        summary=f"Added {official.email} as {role} ({agency})",
        data={"role": role, "agency": agency},
    )
    transaction.on_commit(lambda: send_set_password_link(user=official))
    return official


# --- Organisations (carriers, agents, forwarders) and their users -----------------------------------------
@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    administrator: User | None = None,
    trader_id: str = "",
    carrier_code: str = "",
    country: str = "",
    administrations: Iterable[Administration] = (),
    files_cargo: bool = False,
    files_passenger_lists: bool = False,
) -> Organisation:
    """A trading or transport organisation, with its first administrator (an operator account)."""
    trader_id, carrier_code = trader_id.strip(), carrier_code.strip().upper()
    if trader_id and Organisation.objects.filter(trader_id=trader_id).exists():
        raise ValidationError({"trader_id": _("An organisation with this trader identifier already exists.")})
    if administrator is not None and not administrator.is_operator:
        raise ValidationError(_("Only carriers' and agents' accounts can belong to an organisation."))
    organisation = Organisation(
        name=name.strip(),
        trader_id=trader_id,
        carrier_code=carrier_code,
        country=country.strip().upper(),
        files_cargo=files_cargo,
        files_passenger_lists=files_passenger_lists,
    )
    organisation.full_clean()
    organisation.save()
    organisation.administrations.set(list(administrations))
    if administrator is not None:
        OrganisationMember.objects.create(organisation=organisation, user=administrator, is_admin=True)
    audit_record(actor=actor, action="organisation.create", obj=organisation, summary=organisation.name)
    return organisation


def organisation_files(
    *, organisation: Organisation, cargo: bool = False, passenger_lists: bool = False
) -> None:
    """Mark what an organisation files (an app adds its profile of the organisation)."""
    changed = []
    if cargo and not organisation.files_cargo:
        organisation.files_cargo = True
        changed.append("files_cargo")
    if passenger_lists and not organisation.files_passenger_lists:
        organisation.files_passenger_lists = True
        changed.append("files_passenger_lists")
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])


def _require_organisation_admin(actor: User, organisation: Organisation) -> None:
    if not (
        actor.is_operator
        and OrganisationMember.objects.filter(
            organisation=organisation, user_id=actor.pk, is_admin=True
        ).exists()
    ):
        raise PermissionDenied


def send_organisation_invitation(*, user: User, organisation: Organisation) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    with translation.override(user.language):
        subject = _("You are invited to file for %(name)s on CaribClear") % {"name": organisation.name}
    mail_user(
        user=user,
        template="accounts/email/organisation_invite.txt",
        subject=subject,
        context={"link": link, "organisation": organisation},
    )


@transaction.atomic
def organisation_member_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_admin: bool = False,
) -> OrganisationMember:
    """An organisation's administrator adds a user by e-mail address: an existing carrier's or agent's
    account joins at once; for a new address an account is made and a link to set its password is sent."""
    _require_organisation_admin(actor, organisation)
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not user.is_operator:
        raise ValidationError(
            {"email": _("This address belongs to an official's account, which cannot file.")}
        )
    if user is not None and organisation.members.filter(user=user).exists():
        raise ValidationError({"email": _("This account is already a user of the organisation.")})
    if user is None:
        if not (first_name.strip() and last_name.strip()):
            raise ValidationError(
                {
                    "first_name": _(
                        "No account has this address yet: give the person's name to invite them."
                    ),
                }
            )
        user = User(
            username=email.lower(),
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=Role.OPERATOR,
            language=actor.language,
            email_confirmed_at=timezone.now(),  # the invitation link proves the address
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password", "username"])
        user.save()
        audit_record(
            actor=actor, action="account.invite", obj=user, summary=f"Invited to {organisation.name}"
        )
        invited = user
        transaction.on_commit(lambda: send_organisation_invitation(user=invited, organisation=organisation))
    member = OrganisationMember.objects.create(organisation=organisation, user=user, is_admin=is_admin)
    audit_record(
        actor=actor,
        action="organisation.member_add",
        obj=organisation,
        summary=f"user {user.pk}{' (administrator)' if is_admin else ''}",
    )
    return member


def _other_admins(member: OrganisationMember) -> bool:
    return (
        OrganisationMember.objects.filter(organisation_id=member.organisation_id, is_admin=True)
        .exclude(pk=member.pk)
        .exists()
    )


@transaction.atomic
def organisation_member_set_admin(
    *, actor: User, member: OrganisationMember, is_admin: bool
) -> OrganisationMember:
    """Make a user an administrator of the organisation, or no longer one (never its last)."""
    member = (
        OrganisationMember.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=member.pk)
    )
    _require_organisation_admin(actor, member.organisation)
    if member.is_admin and not is_admin and not _other_admins(member):
        raise ValidationError(
            _("The organisation needs at least one administrator: make another user one first.")
        )
    if member.is_admin != is_admin:
        member.is_admin = is_admin
        member.save(update_fields=["is_admin"])
        audit_record(
            actor=actor,
            action="organisation.member_admin" if is_admin else "organisation.member_not_admin",
            obj=member.organisation,
            summary=f"user {member.user_id}",
        )
    return member


@transaction.atomic
def organisation_member_remove(*, actor: User, member: OrganisationMember) -> None:
    """Remove a user from the organisation (their account stays; they no longer file for it). The last
    administrator cannot be removed."""
    member = (
        OrganisationMember.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=member.pk)
    )
    _require_organisation_admin(actor, member.organisation)
    if member.is_admin and not _other_admins(member):
        raise ValidationError(
            _("The organisation needs at least one administrator: make another user one first.")
        )
    organisation, user_id = member.organisation, member.user_id
    member.delete()
    audit_record(
        actor=actor, action="organisation.member_remove", obj=organisation, summary=f"user {user_id}"
    )


def send_set_password_link(*, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    with translation.override(user.language):
        subject = _("Your CaribClear official account")
    mail_user(
        user=user, template="accounts/email/official_invite.txt", subject=subject, context={"link": link}
    )


def _check_staff_number(
    administration: Administration | None, staff_number: str, *, official: User | None = None
) -> str:
    """An administration's own number for an official (learning platforms match people by it): one
    official per number within an administration."""
    staff_number = (staff_number or "").strip()
    if staff_number:
        taken = User.objects.filter(administration=administration, staff_number__iexact=staff_number)
        if official is not None:
            taken = taken.exclude(pk=official.pk)
        if taken.exists():
            raise ValidationError(
                {"staff_number": _("Another official of your administration has this staff number.")}
            )
    return staff_number


@transaction.atomic
def official_update(
    *,
    actor: User,
    official: User,
    role: str,
    agency: str,
    is_active: bool,
    staff_number: str | None = None,
) -> User:
    _require_administrator_of(actor, official.administration)
    if official.pk == actor.pk and (not is_active or role != Role.ADMINISTRATOR):
        raise ValidationError(_("You cannot remove your own administrator access."))
    if staff_number is None:
        staff_number = official.staff_number
    staff_number = _check_staff_number(official.administration, staff_number, official=official)
    fields = ("role", "agency", "is_active", "staff_number")
    before = {name: getattr(official, name) for name in fields}
    official.role, official.agency, official.is_active = role, agency, is_active
    official.staff_number = staff_number
    official.full_clean(exclude=["password", "username"])
    official.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action="official.update",
        obj=official,
        data={"before": before, "after": {name: getattr(official, name) for name in fields}},
    )
    return official


@transaction.atomic
def official_reset_two_factor(*, actor: User, official: User) -> None:
    """Removes the official's authenticator so they enrol a new one at their next login."""
    _require_administrator_of(actor, official.administration)
    TOTPDevice.objects.filter(user=official).delete()
    audit_record(actor=actor, action="official.reset_2fa", obj=official)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    if device.user_id != user.pk or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="account.enrol_2fa", obj=user)
    return True


@transaction.atomic
def totp_device_disable(*, user: User, code: str) -> bool:
    """An operator turns two-step sign-in off, proving it with a current code. Officials cannot."""
    if not user.is_operator:
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action="account.disable_2fa", obj=user)
    return True


def api_token_scopes_allowed(*, user: User, second_factor: bool) -> list[str]:
    """The scopes an account may give its tokens: everyone reads and files; officials also reach
    intelligence and the TAXII feed, but only with a token created in a session that passed the second
    factor. A partner agency's analyst may give only the TAXII scope (and only after the second factor):
    their token reads the feed and nothing else."""
    if user.is_partner:
        return [TokenScope.TAXII.value] if second_factor else []
    scopes = [TokenScope.READ.value, TokenScope.FILE.value]
    if user.is_official and second_factor:
        scopes += [TokenScope.INTEL.value, TokenScope.TAXII.value]
    return scopes


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str] | None = None,
    lifetime_days: int = DEFAULT_TOKEN_LIFETIME,
    second_factor: bool = False,
) -> tuple[ApiToken, str]:
    """Returns the token and its secret; the secret is never stored and cannot be shown again.

    `scopes` defaults to every scope the account may give (`api_token_scopes_allowed`); `second_factor`
    says whether the session creating it passed the second factor (the intel scope needs it)."""
    allowed = api_token_scopes_allowed(user=user, second_factor=second_factor)
    chosen = sorted(set(allowed if scopes is None else scopes))
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, for example the system that will use it.")
    if not chosen:
        errors["scopes"] = _("Choose at least one thing the token may do.")
    elif set(chosen) - set(allowed):
        errors["scopes"] = (
            _("Intelligence needs a session signed in with your authenticator code: sign out and in again.")
            if (user.is_official or user.is_partner) and {TokenScope.INTEL, TokenScope.TAXII} & set(chosen)
            else _("Your account cannot give a token this scope.")
        )
    if lifetime_days not in TOKEN_LIFETIMES:
        errors["lifetime_days"] = _("Choose how long the token lasts.")
    if errors:
        raise ValidationError(errors)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        key_hash=hash_token(raw),
        hint=raw[:10],
        scopes=chosen,
        expires_at=timezone.now() + timedelta(days=lifetime_days),
        second_factor=second_factor,
    )
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        summary=token.name,
        data={"scopes": chosen, "expires_at": token.expires_at.isoformat(), "second_factor": second_factor},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", obj=token, summary=token.name)
    return token


@transaction.atomic
def retention_setting_set(*, actor: User, rule_key: str, days: int) -> RetentionSetting:
    """An administrator sets how long their administration keeps what one retention rule covers."""
    if not actor.is_administrator or actor.administration_id is None:
        raise PermissionDenied
    rule = next((r for r in retention_rules() if r.key == rule_key and r.per_administration), None)
    if rule is None:
        raise ValidationError(_("There is no such retention rule."))
    if not rule.min_days <= days <= rule.max_days:
        raise ValidationError(
            {
                rule_key: _("Choose between %(low)s and %(high)s days.")
                % {"low": rule.min_days, "high": rule.max_days}
            }
        )
    setting, _created = RetentionSetting.objects.update_or_create(
        administration_id=actor.administration_id, rule=rule_key, defaults={"days": days}
    )
    audit_record(
        actor=actor,
        action="retention.setting",
        obj=setting,
        summary=f"{rule_key}: {days}",
        data={"days": days},
    )
    return setting
