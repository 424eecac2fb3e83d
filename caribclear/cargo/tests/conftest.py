"""Shared fixtures of the cargo tests: a carrier (filer) with its administrator, officials of the members
a container ship calls at (Antigua, Barbados) and of one it does not (Saint Lucia), and manifest files."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.choices import Agency, Role
from caribclear.accounts.models import Administration, User
from caribclear.cargo import services
from caribclear.cargo.choices import FilerKind
from caribclear.cargo.models import Filer
from caribclear.cargo.samples import container_ship

SHARED = Path(__file__).resolve().parents[4] / "shared" / "fixtures"


def shared_file(*parts: str) -> bytes:
    return SHARED.joinpath(*parts).read_bytes()


@pytest.fixture
def carrier_user(make_user: Callable[..., User]) -> User:
    return make_user(role=Role.OPERATOR, email="ops@carrier.example", first_name="Maria", last_name="Lines")


@pytest.fixture
def filer(carrier_user: User) -> Filer:
    return services.filer_create(
        actor=None,
        name="Caribbean Feeder Lines",
        trader_id="DO101234567",
        kind=FilerKind.CARRIER,
        carrier_code="MSC",
        administrator=carrier_user,
    )


@pytest.fixture
def saint_lucia(db: Any) -> Administration:
    return Administration.objects.get(code="LC")


@pytest.fixture
def officer_bb(make_user: Callable[..., User], barbados: Administration) -> User:
    return make_user(
        role=Role.OFFICER, administration=barbados, agency=Agency.CUSTOMS, email="customs@bb.example"
    )


@pytest.fixture
def officer_lc(make_user: Callable[..., User], saint_lucia: Administration) -> User:
    return make_user(
        role=Role.OFFICER, administration=saint_lucia, agency=Agency.CUSTOMS, email="customs@lc.example"
    )


@pytest.fixture
def ship_file() -> Callable[..., bytes]:
    def make(
        n: int = 4, *, lrn: str = "MSC-612W", seed: int = 1, departs: dt.datetime | None = None, **kw: Any
    ) -> bytes:
        return container_ship(
            n=n,
            rng=random.Random(seed),
            lrn=lrn,
            voyage="612W",
            departs=departs or timezone.now() + dt.timedelta(days=1),
            discharge=kw.pop("discharge", ["AGSJO", "BBBGI"]),
            **kw,
        )

    return make
