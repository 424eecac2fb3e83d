"""Who may see accounts and API tokens: an administrator manages the officials of their own
administration; everyone sees their own tokens only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_signed_in, register

from .choices import OFFICIAL_ROLES
from .models import ApiToken, User

MANAGE = "manage"


@register(User, actions=(MANAGE,))
def officials_managed(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """The officials an administrator manages: those of their own administration."""
    own = administration_id(reader)
    if not is_signed_in(reader) or not getattr(reader, "is_administrator", False) or own is None:
        return qs.none()
    return qs.filter(administration_id=own, role__in=OFFICIAL_ROLES)


@register(ApiToken)
def own_tokens(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(user_id=reader.pk) if is_signed_in(reader) else qs.none()
