from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from caribclear.core.visibility import visible

from .models import ApiToken, User, hash_token
from .visibility import MANAGE


def officials_for_administrator(*, actor: User) -> QuerySet[User]:
    """The officials an administrator may manage: those of their own administration, nobody else."""
    return visible(actor, User, MANAGE)


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    return visible(user, ApiToken)


def user_for_api_token(*, raw: str) -> User | None:
    """The active user behind a token, or None. Marks the token as used (at most once a minute)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__administration")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
