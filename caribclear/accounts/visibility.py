"""Who may see accounts, organisations and API tokens: an administrator manages the officials of their own
administration; an organisation's users see their organisation and its users (its administrators manage
them); everyone sees their own tokens only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import VIEW, administration_id, is_operator, is_signed_in, register

from .choices import OFFICIAL_ROLES
from .models import ApiToken, Organisation, OrganisationMember, User

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


@register(Organisation, actions=(VIEW, MANAGE))
def organisations(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """An operator sees the organisations they belong to, and manages those they administer."""
    if not is_operator(reader):
        return qs.none()
    members = OrganisationMember.objects.filter(user_id=reader.pk)
    if action == MANAGE:
        members = members.filter(is_admin=True)
    return qs.filter(pk__in=members.values("organisation_id"))


@register(OrganisationMember, actions=(VIEW, MANAGE))
def organisation_members(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """The users of the reader's organisations; to manage, those of the organisations they administer."""
    return qs.filter(organisation__in=organisations(reader, Organisation.objects.all(), action).values("pk"))
