"""Fixtures shared by every app's tests: administrations, accounts of each role, signed-in clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.reference.services import ports_of_entry_seed


@pytest.fixture
def antigua(db: Any) -> Administration:
    return Administration.objects.get(code="AG")


@pytest.fixture
def barbados(db: Any) -> Administration:
    return Administration.objects.get(code="BB")


@pytest.fixture
def ports(db: Any) -> None:
    ports_of_entry_seed()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        *,
        role: str = Role.OPERATOR,
        administration: Administration | None = None,
        agency: str = "",
        email: str | None = None,
        password: str = "correct horse battery staple",
        language: str = "en",
        **extra: Any,
    ) -> User:
        n = next(counter)
        email = email or f"{role}{n}@example.org"
        if role != Role.OPERATOR and not agency:
            agency = Agency.CUSTOMS
        user = User(
            username=email.lower(),
            email=email,
            first_name=extra.pop("first_name", role.title()),
            last_name=extra.pop("last_name", f"Number{n}"),
            role=role,
            administration=administration,
            agency=agency,
            language=language,
            email_confirmed_at=timezone.now(),
            **extra,
        )
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user(role=Role.OPERATOR, email="skipper@example.org", first_name="Ana", last_name="Skipper")


@pytest.fixture
def officer(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(
        role=Role.OFFICER, administration=antigua, agency=Agency.CUSTOMS, email="customs@ag.example"
    )


@pytest.fixture
def administrator(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(
        role=Role.ADMINISTRATOR, administration=antigua, agency=Agency.CUSTOMS, email="admin@ag.example"
    )


def totp_device_for(user: User) -> TOTPDevice:
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"name": "test", "confirmed": True}
    )
    return device


def sign_in(client: Client, user: User) -> Client:
    """Sign a user in; officials also pass two-factor verification, as after a real TOTP login."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.is_official:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A fresh signed-in client for a user: `client_for(officer).get(url)`."""
    return lambda user: sign_in(Client(), user)


def days_from_now(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)
