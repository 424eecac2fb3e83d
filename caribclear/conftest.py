"""Fixtures shared by every app's tests: administrations, accounts of each role, signed-in clients."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, settings

from caribclear.accounts.choices import OFFICIAL_ROLES, Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.reference.services import ports_of_entry_seed

# Property tests judge behaviour, not this machine's speed: on a loaded 2-core CI machine Hypothesis's
# timing checks (an example's deadline, "input generation is slow") fail tests that are right.
settings.register_profile("caribclear", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("caribclear")


@pytest.fixture(autouse=True)
def _process_caches_emptied() -> None:
    """Reference data kept per process (`core.memo`) is dropped before each test: a test's rolled-back
    records (or a flushed database's) would otherwise be served to the next one."""
    from caribclear.core import memo

    memo.clear_all()


@pytest.fixture(autouse=True)
def _transactional_test_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests (browser tests among them) end by emptying every table. Before each one, the
    data the migrations seed (the member administrations) and the logs' triggers are put back; after it,
    the append-only triggers are lifted so the flush (DELETE on SQLite, TRUNCATE on PostgreSQL) can run."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker is not None and marker.kwargs.get("transaction")
    ) or "live_server" in request.fixturenames
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from caribclear.accounts.members import seed_members, seed_secretariat
    from caribclear.core.db_triggers import install, uninstall

    install(connection)
    seed_members(Administration)
    seed_secretariat(Administration)
    yield
    uninstall(connection)


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
        if role in OFFICIAL_ROLES and not agency:
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
    if user.needs_second_factor:
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


# --- Browser tests ------------------------------------------------------------------------------------
# Real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.
CHROMIUM = os.environ.get("CARIBCLEAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium for the session. Without Chromium the browser tests are skipped with a
    visible reason, except where CARIBCLEAR_REQUIRE_BROWSER=1 (CI), where that is a failure."""
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package to run browser tests"
        )
        if os.environ.get("CARIBCLEAR_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test code's ORM calls are still
    # synchronous and safe, so Django's async-safety guard is relaxed for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium_browser: Any) -> Iterator[Callable[..., Any]]:
    """`page = new_page()` opens a fresh browser context (its own cookies), phone-sized by default."""
    contexts: list[Any] = []

    def open_page(*, viewport: dict[str, int] | None = None, locale: str = "en-GB") -> Any:
        context = chromium_browser.new_context(
            viewport=viewport or {"width": 412, "height": 915}, locale=locale
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
