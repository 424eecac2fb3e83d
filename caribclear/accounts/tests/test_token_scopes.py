"""API tokens expire, carry scopes (read, file, intel) and are listed per account; the intel scope only
for a token created in a session that passed the second factor (issue 15, point 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from caribclear.accounts.models import ApiToken, User
from caribclear.accounts.services import api_token_create
from caribclear.conftest import sign_in

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_an_expired_token_is_refused(operator: User) -> None:
    token, raw = api_token_create(user=operator, name="agent", lifetime_days=30)
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    assert Client().get("/api/vessels", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get("/api/vessels", **bearer(raw))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_read_token_reads_but_does_not_file(operator: User) -> None:
    _token, raw = api_token_create(user=operator, name="reader", scopes=["read"])
    client = Client()
    assert client.get("/api/vessels", **bearer(raw)).status_code == 200
    response = client.post(
        "/api/vessels",
        {"name": "Sea Breeze"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **bearer(raw),
    )
    assert response.status_code == 403
    assert response.json()["type"].endswith("insufficient-scope")
    assert 'scope="file"' in response["WWW-Authenticate"]


def test_a_file_only_token_does_not_read(operator: User) -> None:
    _token, raw = api_token_create(user=operator, name="filer", scopes=["file"])
    assert Client().get("/api/vessels", **bearer(raw)).status_code == 403


def test_intelligence_needs_the_intel_scope(officer: User) -> None:
    _token, without = api_token_create(user=officer, name="plain", second_factor=True, scopes=["read"])
    _token, with_intel = api_token_create(user=officer, name="intel", second_factor=True)
    assert Client().get("/api/intel/seizures", **bearer(without)).status_code == 403
    assert Client().get("/api/intel/seizures", **bearer(with_intel)).status_code == 200


def test_the_intel_scope_needs_a_second_factor_sign_in(officer: User, operator: User) -> None:
    token, _raw = api_token_create(user=officer, name="no second factor")
    assert token.scopes == ["file", "read"]
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=officer, name="x", scopes=["intel"], second_factor=False)
    assert "scopes" in refused.value.message_dict
    with pytest.raises(ValidationError):
        api_token_create(user=operator, name="x", scopes=["intel"], second_factor=True)


def test_the_page_offers_intel_only_after_the_second_step(officer: User, operator: User) -> None:
    verified = sign_in(Client(), officer)
    assert 'value="intel"' in verified.get("/accounts/tokens/").content.decode()
    # An official signed in without the second step (a session from before it was required, say).
    unverified = Client()
    unverified.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    page = unverified.get("/accounts/tokens/")
    if page.status_code == 200:
        assert 'value="intel"' not in page.content.decode()
        response = unverified.post(
            "/accounts/tokens/", {"name": "sneaky", "scopes": ["read", "intel"], "lifetime_days": 90}
        )
        assert not ApiToken.objects.filter(name="sneaky").exists()
        assert response.status_code == 200
    operator_page = sign_in(Client(), operator).get("/accounts/tokens/").content.decode()
    assert 'value="intel"' not in operator_page and 'value="file"' in operator_page


def test_the_page_lists_active_tokens_with_scopes_and_expiry(operator: User) -> None:
    client = sign_in(Client(), operator)
    client.post("/accounts/tokens/", {"name": "Marina office", "scopes": ["read"], "lifetime_days": 30})
    expired, _raw = api_token_create(user=operator, name="Old laptop")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    html = client.get("/accounts/tokens/").content.decode()
    active, _sep, old = html.partition("Revoked and expired tokens")
    assert "Marina office" in active and "Old laptop" not in active
    assert "Old laptop" in old and "Expired" in old
    token = ApiToken.objects.get(name="Marina office")
    assert token.scopes == ["read"]
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)


def test_a_lifetime_not_offered_is_refused(operator: User) -> None:
    client = sign_in(Client(), operator)
    response = client.post(
        "/accounts/tokens/", {"name": "Forever", "scopes": ["read"], "lifetime_days": 99999}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.filter(name="Forever").exists()
