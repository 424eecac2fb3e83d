from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.core.models import RetentionSetting
from caribclear.core.retention import RetentionRule
from caribclear.core.retention import rules as retention_rules
from caribclear.core.visibility import visible

from .models import ApiToken, User, hash_token
from .visibility import MANAGE


def officials_for_administrator(*, actor: User) -> QuerySet[User]:
    """The officials an administrator may manage: those of their own administration, nobody else."""
    return visible(actor, User, MANAGE)


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    return visible(user, ApiToken)


def active_api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    """The account's tokens that still work: not revoked, not expired."""
    return api_tokens_for(user=user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def user_for_api_token(*, raw: str) -> User | None:
    """The active user behind a token that is neither revoked nor expired, or None. The token itself is
    `user.api_token` (its scopes are checked by `accounts.api_auth`). Marks the token as used (at most once
    a minute)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__administration")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user.api_token = token  # type: ignore[attr-defined]
    return user


# --- Signing in: the account being proved (not records shown to a reader) ----------------------------------
def user_from_confirmation_link(uidb64: str) -> User | None:
    """The account an e-mail confirmation link names (the link's token is checked by the caller)."""
    try:
        return User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def unconfirmed_account(email: str) -> User | None:
    """The account with this address still waiting for its confirmation, if any."""
    return User.objects.filter(email__iexact=email, email_confirmed_at__isnull=True).first()


def pending_login_user(user_id: int | None) -> User | None:
    """The official who gave a right password in this session and still owes the second step."""
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def authenticator_devices(user: User, *, confirmed: bool) -> QuerySet[TOTPDevice]:
    """The account's own authenticator devices (confirmed, or still being enrolled)."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed)


def retention_rules_all() -> list[RetentionRule]:
    return retention_rules()


def retention_rules_for_administrations() -> list[RetentionRule]:
    """The retention rules whose period each administration sets for itself."""
    return [r for r in retention_rules() if r.per_administration]


def retention_days_of(*, actor: User) -> dict[str, int]:
    """The periods the actor's administration chose (rule key -> days); rules not listed use their default."""
    if actor.administration_id is None:
        return {}
    return dict(
        RetentionSetting.objects.filter(administration_id=actor.administration_id).values_list("rule", "days")
    )
