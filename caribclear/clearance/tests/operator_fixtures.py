"""Fixtures for the operator-side tests: a vessel with its crew, and valid notification data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.conftest import days_from_now
from caribclear.reference.models import Port
from caribclear.vessels.models import Person, TravelDocument, Vessel

from ..choices import Kind, PersonRole, Purpose
from ..services import DECLARATION_QUESTIONS, Aboard
from .factories import person_make, vessel_make


class Crew:
    """An operator's vessel, a master and a crew member (with valid passports), and a port of entry."""

    def __init__(self, operator: User) -> None:
        self.operator = operator
        self.vessel: Vessel = vessel_make(account=operator, name="Sea Breeze")
        self.master: tuple[Person, TravelDocument] = person_make(
            account=operator, surname="Skipper", given_names="Ana", document_number="GB1234567"
        )
        self.mate: tuple[Person, TravelDocument] = person_make(
            account=operator, surname="Mate", given_names="Ben", document_number="GB7654321"
        )
        self.port = Port.objects.get(locode="AGSJO")

    def people(self) -> list[Aboard]:
        return [
            Aboard(person=self.master[0], document=self.master[1], role=PersonRole.MASTER),
            Aboard(person=self.mate[0], document=self.mate[1], role=PersonRole.CREW),
        ]

    def data(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "vessel": self.vessel,
            "kind": Kind.ARRIVAL,
            "port": self.port,
            "expected_at": days_from_now(2),
            "last_port": "Le Marin",
            "last_port_country": "MQ",
            "next_port": "Bridgetown",
            "next_port_country": "BB",
            "purpose": Purpose.CRUISING,
            "is_charter": False,
            **{name: False for name in DECLARATION_QUESTIONS},
            "declaration_details": "",
        }
        data.update(overrides)
        return data


@pytest.fixture(name="crew")
def crew_fixture(operator: User, ports: None) -> Crew:
    """Import `crew_fixture` into a test module to use the `crew` fixture."""
    return Crew(operator)


def later(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
