from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User


@pytest.fixture
def kitts(db: Any) -> Administration:
    return Administration.objects.get(code="KN")


@pytest.fixture
def analyst(make_user: Callable[..., User], antigua: Administration) -> User:
    """Supervisors act as analysts: they record, grade and approve handling changes."""
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst@ag.example")


@pytest.fixture
def second_analyst(make_user: Callable[..., User], antigua: Administration) -> User:
    return make_user(role=Role.SUPERVISOR, administration=antigua, email="analyst2@ag.example")


@pytest.fixture
def bb_officer(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(role=Role.OFFICER, administration=barbados, email="officer@bb.example")


@pytest.fixture
def kn_officer(make_user: Callable[..., User], kitts: Administration) -> User:
    return make_user(role=Role.OFFICER, administration=kitts, email="officer@kn.example")
