"""What the manifest readers return (plain dataclasses; the cargo app maps them to its models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from caribclear.edifact.model import Interchange, Issue, Where


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@dataclass(slots=True)
class Party:
    role: str  # consignor, consignee, notify, carrier, forwarder, importer, agent, delivery, other:<code>
    name: str = ""
    address: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""
    identifier: str = ""  # TIN, EORI-like, carrier code...
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "address": self.address,
            "city": self.city,
            "postcode": self.postcode,
            "country": self.country,
            "identifier": self.identifier,
        }


@dataclass(slots=True)
class Container:
    number: str
    size_type: str = ""  # ISO 6346 size/type code: 22G1, 45G1...
    full: bool | None = None  # None when not said
    seals: list[str] = field(default_factory=list)
    check_digit_ok: bool | None = None  # None when the number is not in ISO 6346 form (equipment, not a box)
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "size_type": self.size_type,
            "full": self.full,
            "seals": self.seals,
            "check_digit_ok": self.check_digit_ok,
        }


@dataclass(slots=True)
class GoodsItem:
    sequence: str = ""
    hs_code: str = ""
    description: str = ""
    package_count: int | None = None
    package_kind: str = ""  # UN/ECE Recommendation 21
    gross_mass_kg: Decimal | None = None
    un_number: str = ""
    value: Decimal | None = None
    currency: str = ""
    marks: str = ""
    containers: list[str] = field(default_factory=list)
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "hs_code": self.hs_code,
            "description": self.description,
            "package_count": self.package_count,
            "package_kind": self.package_kind,
            "gross_mass_kg": _num(self.gross_mass_kg),
            "un_number": self.un_number,
            "value": _num(self.value),
            "currency": self.currency,
            "marks": self.marks,
            "containers": self.containers,
            "where": self.where.to_json(),
        }


@dataclass(slots=True)
class Consignment:
    """A bill of lading or air waybill (master or house)."""

    bill_number: str = ""
    level: str = "master"  # master or house
    master_bill: str = ""  # for a house bill
    document_code: str = ""  # UN/EDIFACT 1001 (705 bill of lading, 714 house bill, 740 air waybill...)
    references: dict[str, str] = field(default_factory=dict)
    parties: list[Party] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # loading, discharge, delivery, receipt, origin...
    transhipments: list[str] = field(default_factory=list)
    goods: list[GoodsItem] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)
    total_packages: int | None = None
    total_gross_mass_kg: Decimal | None = None
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "bill_number": self.bill_number,
            "level": self.level,
            "master_bill": self.master_bill,
            "document_code": self.document_code,
            "references": self.references,
            "parties": [p.to_json() for p in self.parties],
            "places": self.places,
            "transhipments": self.transhipments,
            "goods": [g.to_json() for g in self.goods],
            "containers": [c.to_json() for c in self.containers],
            "total_packages": self.total_packages,
            "total_gross_mass_kg": _num(self.total_gross_mass_kg),
            "where": self.where.to_json(),
        }


@dataclass(slots=True)
class PortCall:
    port: str
    function: str = ""  # loading, discharge, departure, arrival, call...
    arrival: datetime | None = None
    departure: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "function": self.function,
            "arrival": self.arrival.isoformat() if self.arrival else None,
            "departure": self.departure.isoformat() if self.departure else None,
        }


@dataclass(slots=True)
class Conveyance:
    mode: str = ""  # sea, air, road, rail, or the code as sent
    vessel_name: str = ""
    imo: str = ""
    call_sign: str = ""
    flag: str = ""
    carrier_code: str = ""
    carrier_name: str = ""
    voyage: str = ""  # voyage or flight number
    date: datetime | None = None  # flight date / expected arrival as sent
    itinerary: list[PortCall] = field(default_factory=list)
    where: Where = field(default_factory=Where)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "vessel_name": self.vessel_name,
            "imo": self.imo,
            "call_sign": self.call_sign,
            "flag": self.flag,
            "carrier_code": self.carrier_code,
            "carrier_name": self.carrier_name,
            "voyage": self.voyage,
            "date": self.date.isoformat() if self.date else None,
            "itinerary": [p.to_json() for p in self.itinerary],
        }


@dataclass(slots=True)
class Manifest:
    """One filing as sent: a CUSCAR/IFCSUM message, an AWMDS manifest, an XFWB/XFZB/XFFM document."""

    format: str
    reference: str = ""  # BGM document number, AWMDS voyage, waybill number...
    message_reference: str = ""
    document_code: str = ""
    function: str = ""
    customs_office: str = ""
    conveyance: Conveyance = field(default_factory=Conveyance)
    parties: list[Party] = field(default_factory=list)
    consignments: list[Consignment] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)  # equipment listed for the whole manifest
    declared_totals: dict[str, str] = field(default_factory=dict)
    where: Where = field(default_factory=Where)

    def all_containers(self) -> list[Container]:
        return self.containers + [c for cons in self.consignments for c in cons.containers]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "reference": self.reference,
            "message_reference": self.message_reference,
            "document_code": self.document_code,
            "function": self.function,
            "customs_office": self.customs_office,
            "conveyance": self.conveyance.to_json(),
            "parties": [p.to_json() for p in self.parties],
            "consignments": [c.to_json() for c in self.consignments],
            "containers": [c.to_json() for c in self.containers],
            "declared_totals": self.declared_totals,
            "where": self.where.to_json(),
        }


@dataclass(slots=True)
class ManifestResult:
    format: str
    interchanges: list[Interchange] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.manifests) and not self.errors

    @property
    def consignments(self) -> list[Consignment]:
        return [c for m in self.manifests for c in m.consignments]

    def to_json(self) -> dict[str, Any]:
        consignments = self.consignments
        goods = [g for c in consignments for g in c.goods]
        containers = [c for m in self.manifests for c in m.all_containers()]
        parties = [p for m in self.manifests for p in m.parties] + [
            p for c in consignments for p in c.parties
        ]
        return {
            "format": self.format,
            "ok": self.ok,
            "interchanges": [i.to_json() for i in self.interchanges],
            "messages": [
                {
                    "reference": m.message_reference,
                    "document": m.reference,
                    "format": m.format,
                    "where": m.where.to_json(),
                }
                for m in self.manifests
            ],
            "conveyances": [m.conveyance.to_json() for m in self.manifests],
            "consignments": [c.to_json() for c in consignments],
            "counts": {
                "messages": len(self.manifests),
                "consignments": len(consignments),
                "goods_items": len(goods),
                "containers": len(containers),
                "parties": len(parties),
            },
            "goods_items": [
                {"bill_number": c.bill_number, **g.to_json()} for c in consignments for g in c.goods
            ],
            "containers": [c.to_json() for c in containers],
            "parties": [p.to_json() for p in parties],
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }
