from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import cast

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.core.memo import ProcessCache
from caribclear.core.models import RetentionSetting
from caribclear.core.retention import RetentionRule
from caribclear.core.retention import rules as retention_rules
from caribclear.core.rows import RowModels
from caribclear.core.visibility import visible

from .models import Administration, ApiToken, Organisation, OrganisationMember, User, hash_token
from .visibility import MANAGE


def _active_members() -> Mapping[str, Administration]:
    return MappingProxyType({a.code: a for a in Administration.objects.filter(is_active=True)})


#: Kept per process (`core.memo`): a filing reads it to know which ports are members' (it was a query of
#: some 40 rows on every filing); an administration joining or leaving is seen by other processes within
#: 10 seconds, by this one at once.
ACTIVE_MEMBERS = ProcessCache("accounts.active_members", _active_members, ttl=10, models=[Administration])


def active_members() -> Mapping[str, Administration]:
    """The active member administrations by ISO code (shared by the process's requests: read only)."""
    return ACTIVE_MEMBERS.get()


def officials_for_administrator(*, actor: User) -> QuerySet[User]:
    """The officials an administrator may manage: those of their own administration, nobody else."""
    return visible(actor, User, MANAGE)


# --- Organisations (carriers, agents, forwarders) and their users -----------------------------------------
def organisations_of(user: User) -> QuerySet[Organisation]:
    """The organisations an operator belongs to, the first joined first."""
    return visible(user, Organisation).order_by("pk")


def organisation_of(user: User) -> Organisation | None:
    """The organisation an operator files for (the first they joined, when they belong to several)."""
    return organisations_of(user).first()


def organisation_managed_by(user: User) -> Organisation | None:
    """The organisation whose users the operator manages (one they administer), if any."""
    return visible(user, Organisation, MANAGE).order_by("pk").first()


def organisation_members(user: User, organisation: Organisation) -> QuerySet[OrganisationMember]:
    """The users of one of the reader's organisations, administrators first."""
    return (
        visible(user, OrganisationMember)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_admin", "user__email")
    )


def organisation_member_managed(user: User, pk: int) -> OrganisationMember | None:
    """A user of an organisation the reader administers (None for any other)."""
    return (
        visible(user, OrganisationMember, MANAGE).select_related("user", "organisation").filter(pk=pk).first()
    )


@dataclass(frozen=True)
class OrganisationNav:
    """What the navigation needs to know of an operator's organisations, in one query."""

    member: bool = False
    admin: bool = False
    files_cargo: bool = False
    files_passenger_lists: bool = False


NAV_CACHE = "_organisation_nav"


def organisation_nav(user: User) -> OrganisationNav:
    """One query per request (kept on the account object the request carries): the navigation, the start
    page and the cargo and passengers portals all ask it."""
    if not getattr(user, "is_operator", False):
        return OrganisationNav()
    cached = getattr(user, NAV_CACHE, None)
    if cached is not None:
        return cached
    rows = list(
        OrganisationMember.objects.filter(user_id=user.pk).values_list(
            "is_admin", "organisation__files_cargo", "organisation__files_passenger_lists"
        )
    )
    answer = OrganisationNav(
        member=bool(rows),
        admin=any(row[0] for row in rows),
        files_cargo=any(row[1] for row in rows),
        files_passenger_lists=any(row[2] for row in rows),
    )
    setattr(user, NAV_CACHE, answer)
    return answer


def api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    return visible(user, ApiToken)


def active_api_tokens_for(*, user: User) -> QuerySet[ApiToken]:
    """The account's tokens that still work: not revoked, not expired."""
    return api_tokens_for(user=user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


#: A token's columns with its account's and the account's administration's, as the statement reads them.
_TOKEN_ROW = RowModels.of((ApiToken, "t"), (User, "u"), (Administration, "a"))


@cache
def _token_statement(vendor: str) -> str:
    """The SELECT of a token with its account and the account's administration (what
    ``ApiToken.objects.select_related("user", "user__administration")`` reads), written once per process
    from the models' fields, read into models by `core.rows`. Every API request reads it: the ORM's
    building of this three-table query cost some 1.3 ms of CPU each time, ten times what running it costs."""
    q = connection.ops.quote_name
    return (
        f"SELECT {_TOKEN_ROW.select_list()} FROM {q(ApiToken._meta.db_table)} t"  # noqa: S608 - the models' names
        f" INNER JOIN {q(User._meta.db_table)} u ON t.{q('user_id')} = u.{q('id')}"
        f" LEFT OUTER JOIN {q(Administration._meta.db_table)} a ON u.{q('administration_id')} = a.{q('id')}"
        f" WHERE t.{q('key_hash')} = %s AND t.{q('revoked_at')} IS NULL AND t.{q('expires_at')} > %s"
        f" AND u.{q('is_active')} = %s"
    )


def user_for_api_token(*, raw: str) -> User | None:
    """The active user behind a token that is neither revoked nor expired, or None. The token itself is
    `user.api_token` (its scopes are checked by `accounts.api_auth`), the user's administration is loaded
    with it. Marks the token as used (at most once a minute). One plain statement (`_token_statement`)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _token_statement(connection.vendor),
            [hash_token(raw), connection.ops.adapt_datetimefield_value(now), True],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # the administration is None for an account of none (the outer join found no row)
    (found_token, found_user, administration), _rest = _TOKEN_ROW.read(row)
    token, user = cast(ApiToken, found_token), cast(User, found_user)
    user.administration = cast(Administration | None, administration)
    token.user = user
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
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
