"""Demo data of partner sharing: two of Antigua's seizures, one released to Barbados (pulled over TAXII
by Barbados' officials) and one marked for the WCO's CEN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.intel.services import seizure_create
from caribclear.reference.models import Port

from .cen import seizure_mark_for_cen
from .models import CenMark


def seed_partners_demo(*, officials: list[User], write: Callable[[str], None]) -> None:
    if CenMark.objects.exists():
        return
    supervisor = next(o for o in officials if o.email == "supervisor@antigua.demo")
    barbados = Administration.objects.get(code="BB")
    port = Port.objects.get(locode="AGSJO")
    today = timezone.localdate()
    common = {
        "port": port,
        "route_origin": "VE",
        "route_transit": "GD",
        "route_destination": "US",
        "conveyance": "vessel",
        "conveyance_identity": "Blue Heron",
        "source_reliability": "1",
        "information_grade": "B",
        "handling_code": "P",
    }
    released = seizure_create(
        actor=supervisor,
        fields={
            **common,
            "occurred_on": today - dt.timedelta(days=12),
            "detection_method": "dog",
            "concealment_method": "hull",
            "commodity": "drugs",
            "description": "Cocaine bricks in the bilge",
            "quantity": Decimal("48.2"),
            "unit": "kg",
            "tlp": "AMBER",
            "narrative": "The master said the boat had been chartered in Grenada.",
        },
        released_to=[barbados],
        persons=[{"surname": "Moreau", "given_names": "Jacques", "nationality": "FR", "role": "master"}],
    )
    to_cen = seizure_create(
        actor=supervisor,
        fields={
            **common,
            "occurred_on": today - dt.timedelta(days=30),
            "detection_method": "scanner",
            "concealment_method": "false_compartment",
            "commodity": "firearms",
            "description": "Pistol parts in a false compartment",
            "quantity": Decimal(14),
            "unit": "items",
            "tlp": "GREEN",
        },
    )
    seizure_mark_for_cen(actor=supervisor, seizure=to_cen)
    write(
        f"Partner sharing: seizure {released.reference} (AMBER, released to Barbados) is served over TAXII 2.1 "
        "at /taxii2/ to an official's API token; "
        f"{to_cen.reference} is marked for the WCO CEN export (supervisor@antigua.demo: CEN export)."
    )
