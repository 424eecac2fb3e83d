"""ASYCUDA World AWMDS for a member's ASYCUDA: the consignments an administration may see of a manifest,
written back in the reader's dataclasses (``readers.write_awmds``), for the customs office an officer
names (the writer's placeholder office is never used)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import readers
from .models import Consignment, Manifest, PortCall

OFFICE = re.compile(r"^[A-Z0-9]{4,5}$")


def awmds_for(
    manifest: Manifest, consignments: list[Consignment], calls: list[PortCall], *, office: str
) -> bytes:
    office = office.strip().upper()
    if not OFFICE.match(office):
        raise ValidationError(
            {"office": _("Give the ASYCUDA customs office code (4 or 5 letters or digits).")}
        )
    conveyance = readers.Conveyance(
        mode=manifest.mode,
        vessel_name=manifest.vessel_name,
        imo=manifest.imo,
        call_sign=manifest.call_sign,
        flag=manifest.flag,
        carrier_code=manifest.carrier_code or manifest.filer.carrier_code,
        carrier_name=manifest.carrier_name or manifest.filer.name,
        voyage=manifest.voyage,
        date=manifest.conveyance_date,
        itinerary=[readers.PortCall(c.locode, c.function, c.arrival, c.departure) for c in calls],
    )
    bills = []
    for c in consignments:
        places = {"loading": c.place_of_loading, "discharge": c.place_of_discharge}
        if c.place_of_delivery:
            places["delivery"] = c.place_of_delivery
        bills.append(
            readers.Consignment(
                bill_number=c.bill_number,
                level=c.level,
                master_bill=c.master.bill_number if c.master else "",
                document_code="",
                parties=[
                    readers.Party(
                        role=p.role,
                        name=p.name,
                        address=p.address,
                        country=p.country,
                        identifier=p.identifier,
                    )
                    for p in c.parties.all()
                ],
                places=places,
                goods=[
                    readers.GoodsItem(
                        sequence=str(g.sequence),
                        hs_code=g.hs_code,
                        description=g.description,
                        package_count=g.package_count,
                        package_kind=g.package_kind,
                        gross_mass_kg=g.gross_mass_kg,
                        un_number=g.un_number,
                        value=g.value,
                        currency=g.currency,
                        containers=list(g.containers),
                    )
                    for g in c.goods.all()
                ],
                containers=[
                    readers.Container(
                        number=b.number, size_type=b.size_type, full=b.full, seals=list(b.seals)
                    )
                    for b in c.containers.all()
                ],
            )
        )
    manifest_data = readers.Manifest(
        format="awmds",
        reference=manifest.mrn,
        conveyance=conveyance,
        consignments=bills,
        customs_office=office,
    )
    return readers.write_awmds(manifest_data, customs_office=office)
