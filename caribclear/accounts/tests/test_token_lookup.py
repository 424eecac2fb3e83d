"""The API token lookup (one plain statement built once per process) finds what the ORM's
``select_related`` query found: the token with its scopes, the active account, its administration; and
nothing for a revoked or expired token, an inactive account or a token of another form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caribclear.accounts.choices import TokenScope
from caribclear.accounts.models import ApiToken, User
from caribclear.accounts.selectors import user_for_api_token
from caribclear.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def _fields(instance: object) -> list[object]:
    return [getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields]  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["officer", "operator"])
def test_the_token_and_its_account_are_read_as_the_orm_reads_them(request, who):
    user: User = request.getfixturevalue(who)
    token, secret = api_token_create(user=user, name="system", scopes=[TokenScope.READ, TokenScope.FILE])
    assert user_for_api_token(raw=secret) is not None  # the first use is recorded
    expected = ApiToken.objects.select_related("user", "user__administration").get(pk=token.pk)
    with CaptureQueriesContext(connection) as captured:
        found = user_for_api_token(raw=secret)
        assert found is not None
        administration = found.administration  # loaded with it
        scopes = found.api_token.scopes  # type: ignore[attr-defined]
    assert len(captured) == 1
    assert _fields(found) == _fields(expected.user)
    assert _fields(found.api_token) == _fields(expected)  # type: ignore[attr-defined]
    assert sorted(scopes) == ["file", "read"] and found.api_token.has_scope(TokenScope.FILE)  # type: ignore[attr-defined]
    assert administration == expected.user.administration
    if administration is not None:
        assert _fields(administration) == _fields(expected.user.administration)
    assert found.api_token.user is found  # type: ignore[attr-defined]


def test_no_account_for_a_revoked_or_expired_token_or_an_inactive_account(operator):
    _token, secret = api_token_create(user=operator, name="system")
    assert user_for_api_token(raw=secret) == operator
    assert user_for_api_token(raw="cc_" + "x" * 43) is None
    assert user_for_api_token(raw=secret[3:]) is None  # not a token's form
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert user_for_api_token(raw=secret) is None
    ApiToken.objects.update(expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now())
    assert user_for_api_token(raw=secret) is None
    ApiToken.objects.update(revoked_at=None)
    assert user_for_api_token(raw=secret) == operator
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert user_for_api_token(raw=secret) is None
