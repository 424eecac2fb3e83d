from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

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


#: The models a token is read with, in the order of their columns, and the alias of each one's table.
_TOKEN_MODELS = ((ApiToken, "t"), (User, "u"), (Administration, "a"))


@cache
def _token_statement(vendor: str) -> tuple[str, list[tuple[Any, list[Any]]], list[tuple[int, list[str]]]]:
    """The SELECT of a token with its account and the account's administration (what
    ``ApiToken.objects.select_related("user", "user__administration")`` reads), written once per process
    from the models' fields; each column's converters from the database (as the ORM applies them); and
    where each model's columns start, with their names. Every API request reads it: the ORM's building of
    this three-table query cost some 1.3 ms of CPU each time, ten times what running it costs."""
    q = connection.ops.quote_name
    columns: list[str] = []
    converters: list[tuple[Any, list[Any]]] = []
    parts: list[tuple[int, list[str]]] = []
    for model, alias in _TOKEN_MODELS:
        fields = model._meta.concrete_fields
        parts.append((len(columns), [f.attname for f in fields]))
        for field in fields:
            col = field.get_col(alias)
            columns.append(f"{alias}.{q(field.column)}")
            converters.append(
                (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
            )
    sql = (
        f"SELECT {', '.join(columns)} FROM {q(ApiToken._meta.db_table)} t"  # noqa: S608 - the models' names
        f" INNER JOIN {q(User._meta.db_table)} u ON t.{q('user_id')} = u.{q('id')}"
        f" LEFT OUTER JOIN {q(Administration._meta.db_table)} a ON u.{q('administration_id')} = a.{q('id')}"
        f" WHERE t.{q('key_hash')} = %s AND t.{q('revoked_at')} IS NULL AND t.{q('expires_at')} > %s"
        f" AND u.{q('is_active')} = %s"
    )
    return sql, converters, parts


def user_for_api_token(*, raw: str) -> User | None:
    """The active user behind a token that is neither revoked nor expired, or None. The token itself is
    `user.api_token` (its scopes are checked by `accounts.api_auth`), the user's administration is loaded
    with it. Marks the token as used (at most once a minute). One plain statement (`_token_statement`)."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    now = timezone.now()
    sql, converters, parts = _token_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_token(raw), connection.ops.adapt_datetimefield_value(now), True])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for n, (col, functions) in enumerate(converters):
        for function in functions:
            values[n] = function(values[n], col, connection)
    (token_at, token_names), (user_at, user_names), (admin_at, admin_names) = parts
    token = ApiToken.from_db(connection.alias, token_names, values[token_at:user_at])
    user = User.from_db(connection.alias, user_names, values[user_at:admin_at])
    # the administration's columns are all NULL for an account of none (the outer join)
    user.administration = (
        Administration.from_db(connection.alias, admin_names, values[admin_at:])
        if values[admin_at] is not None
        else None
    )
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
