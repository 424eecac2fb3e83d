"""Shared builders for the screening and risk tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from caribclear.accounts.models import User
from caribclear.clearance.models import Notification
from caribclear.clearance.tests.factories import notification_make, person_make, vessel_make
from caribclear.vessels.models import Person, TravelDocument

WATCHLISTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "watchlists"


def ofac_copy(directory: Path) -> Path:
    """The OFAC sdn/alt/add files copied side by side into a directory; returns the sdn.csv path."""
    for kind in ("sdn", "alt", "add"):
        shutil.copy(WATCHLISTS / f"ofac_{kind}.csv", directory / f"{kind}.csv")
    return directory / "sdn.csv"


def traveller(
    *,
    account: User,
    surname: str,
    given_names: str,
    born: dt.date | None = None,
    nationality: str = "GB",
    sex: str = "M",
    document_number: str = "",
) -> tuple[Person, TravelDocument]:
    person, document = person_make(
        account=account,
        surname=surname,
        given_names=given_names,
        nationality=nationality,
        document_number=document_number,
    )
    person.sex = sex
    if born is not None:
        person.date_of_birth = born
    person.save()
    return person, document


def voyage(
    *,
    account: User,
    people: list[tuple[Person, TravelDocument]],
    port: str = "AGSJO",
    vessel_fields: dict[str, Any] | None = None,
    expected_in_days: float = 2,
    **fields: Any,
) -> Notification:
    from django.utils import timezone

    vessel = vessel_make(account=account, **(vessel_fields or {}))
    return notification_make(
        account=account,
        vessel=vessel,
        port=port,
        people=people,
        expected_at=timezone.now() + dt.timedelta(days=expected_in_days),
        **fields,
    )
