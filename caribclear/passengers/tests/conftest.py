"""Fixtures the passenger tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from caribclear.accounts.choices import Role
from caribclear.accounts.models import User

from .. import services
from ..models import Carrier


@pytest.fixture
def carrier(make_user: Callable[..., User]) -> Carrier:
    return services.carrier_create(
        actor=None,
        name="Caribbean Airlines",
        code="BW",
        kind="airline",
        administrator=make_user(role=Role.OPERATOR, email="ops@bw.example"),
    )
