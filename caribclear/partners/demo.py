"""Demo data of partner sharing: CARICOM IMPACS as a partner agency with its agreement and an analyst;
two of Antigua's seizures, one released to Barbados and IMPACS (pulled over TAXII by Barbados' officials
and IMPACS' analyst) and one marked for the WCO's CEN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.models import Administration, User
from caribclear.intel.services import seizure_create
from caribclear.reference.models import Port

from .cen import seizure_mark_for_cen
from .choices import Category
from .models import CenMark, PartnerAgreement
from .services import partner_account_create, partner_agency_create


def _seed_partner_agency(write: Callable[[str], None]) -> Administration | None:
    existing = PartnerAgreement.objects.select_related("organisation").first()
    if existing is not None:
        return existing.organisation
    staff = User.objects.filter(role=Role.SECRETARIAT).order_by("pk").first()
    if staff is None:
        return None
    agency = partner_agency_create(
        actor=staff,
        name="CARICOM IMPACS",
        legal_basis="MOU CCLEC-IMPACS on information sharing, art. 4",
        signed_on=dt.date(2026, 1, 15),
        expires_on=None,
        categories=[Category.SEIZURE_DRUGS, Category.SEIZURE_FIREARMS, Category.ALERT_PERSON],
    )
    partner_account_create(
        actor=staff, agency=agency, email="analyst@impacs.demo", first_name="Renée", last_name="Charles"
    )
    write(
        f"Partner agency: {agency.name} ({agency.code}), kept by {staff.email} under Partner agencies; its "
        "analyst analyst@impacs.demo sets a password from the e-mailed link and pulls over TAXII."
    )
    return agency


def seed_partners_demo(*, officials: list[User], write: Callable[[str], None]) -> None:
    impacs = _seed_partner_agency(write)
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
        released_to=[barbados, *([impacs] if impacs else [])],
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
        f"Partner sharing: seizure {released.reference} (AMBER, released to Barbados and IMPACS) is served over TAXII 2.1 "
        "at /taxii2/ to an official's API token; "
        f"{to_cen.reference} is marked for the WCO CEN export (supervisor@antigua.demo: CEN export)."
    )
