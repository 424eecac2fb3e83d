"""Builders for intelligence tests: seizures and alerts created through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.reference.models import Port

from ..choices import Tlp
from ..models import Alert, Seizure
from ..services import alert_create, seizure_create

PERSON = {
    "surname": "Moreau",
    "given_names": "Jacques",
    "date_of_birth": dt.date(1975, 3, 2),
    "nationality": "FR",
    "document_number": "15AB12345",
    "role": "master",
}


def seizure_make(
    *,
    actor: User,
    tlp: str = Tlp.AMBER,
    released_to: list[Administration] | None = None,
    personal_released_to: list[Administration] | None = None,
    legal_basis: str = "",
    recipients: list[User] | None = None,
    persons: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Seizure:
    values: dict[str, Any] = {
        "occurred_on": timezone.localdate() - dt.timedelta(days=3),
        "port": Port.objects.get(locode="AGSJO"),
        "detection_method": "dog",
        "concealment_method": "hull",
        "commodity": "drugs",
        "description": "cocaine bricks",
        "quantity": Decimal("12.5"),
        "unit": "kg",
        "estimated_value_usd": Decimal("300000"),
        "route_origin": "VE",
        "route_transit": "GD",
        "route_destination": "US",
        "conveyance": "vessel",
        "conveyance_identity": "Blue Heron GB123",
        "narrative": "Master Moreau admitted ownership.",
        "tlp": tlp,
        "legal_basis": legal_basis,
    }
    values.update(fields)
    return seizure_create(
        actor=actor,
        fields=values,
        released_to=released_to or [],
        personal_released_to=personal_released_to or [],
        recipients=recipients or [],
        persons=[PERSON] if persons is None else persons,
        companies=[{"name": "Heron Charters Ltd", "country": "GB"}],
    )


def alert_make(*, actor: User, tlp: str = Tlp.GREEN, **fields: Any) -> Alert:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "subject_kind": "person",
        "title": "Courier using charter yachts",
        "surname": "Okafor",
        "given_names": "Daniel",
        "date_of_birth": dt.date(1988, 6, 1),
        "nationality": "NG",
        "identifiers": "A1234567; B7654321",
        "pattern": "Cash in fuel tank",
        "narrative": "Known courier.",
        "valid_from": today - dt.timedelta(days=1),
        "valid_until": today + dt.timedelta(days=30),
        "tlp": tlp,
    }
    values.update(fields)
    return alert_create(actor=actor, fields=values)
