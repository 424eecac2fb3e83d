"""Small builders for tests: valid vessels, people and documents, and MRZs with real check digits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from caribclear.accounts.models import User
from caribclear.vessels import services
from caribclear.vessels.models import Person, Vessel

WEIGHTS = (7, 3, 1)


def check_digit(field: str) -> str:
    """ICAO 9303 part 3, 4.9: weights 7-3-1, digits as themselves, A=10..Z=35, < = 0. Written here
    independently of the code under test."""
    total = 0
    for i, ch in enumerate(field):
        if ch.isdigit():
            value = int(ch)
        elif ch.isalpha():
            value = ord(ch) - ord("A") + 10
        else:
            value = 0
        total += value * WEIGHTS[i % 3]
    return str(total % 10)


def td3(
    *,
    surname: str = "ERIKSSON",
    given: str = "ANNA MARIA",
    issuing: str = "UTO",
    number: str = "L898902C3",
    nationality: str = "UTO",
    birth: str = "740812",
    sex: str = "F",
    expiry: str = "120415",
    optional: str = "ZE184226B",
    code: str = "P<",
) -> str:
    name = (surname.replace(" ", "<") + "<<" + given.replace(" ", "<"))[:39].ljust(39, "<")
    line1 = code + issuing.ljust(3, "<") + name
    number_f = number.ljust(9, "<")
    optional_f = optional.ljust(14, "<")
    optional_cd = check_digit(optional_f) if optional.strip("<") else "<"
    body = (
        number_f
        + check_digit(number_f)
        + nationality.ljust(3, "<")
        + birth
        + check_digit(birth)
        + sex
        + expiry
        + check_digit(expiry)
        + optional_f
        + optional_cd
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1 + "\n" + body + check_digit(composite)


def vessel_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Sea Breeze",
        "vessel_type": "sailing_yacht",
        "flag": "BB",
        "registration_number": "BB-1234",
        "port_of_registry": "Bridgetown",
        "call_sign": "8PAB2",
        "mmsi": "314123456",
        "hull_id": "XYZ12345C404",
        "length_m": Decimal("12.50"),
        "gross_tonnage": Decimal("14"),
        "hull_colour": "White",
        "masts": 1,
        "engine": "Yanmar 40 hp",
        "owner_name": "Ana Skipper",
        "owner_email": "ana@example.org",
    }
    data.update(overrides)
    return data


def make_vessel(account: User, **overrides: Any) -> Vessel:
    return services.vessel_create(actor=account, data=vessel_data(**overrides))


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "sex": "F",
        "date_of_birth": dt.date(1974, 8, 12),
        "place_of_birth": "Stockholm",
        "nationality": "SE",
        "category": "crew",
        "rank": "Mate",
    }
    data.update(overrides)
    return data


def document_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "document_type": "P",
        "number": "L898902C3",
        "issuing_state": "SE",
        "expiry_date": dt.date.today() + dt.timedelta(days=900),  # noqa: DTZ011
    }
    data.update(overrides)
    return data


def make_person(
    account: User, *, document: dict[str, Any] | None = None, with_document: bool = True, **overrides: Any
) -> Person:
    docs = [document_data(**(document or {}))] if with_document else []
    return services.person_create(actor=account, data=person_data(**overrides), documents=docs)
