"""IATA Cargo-XML: XFWB (air waybill), XFZB (house waybill) and XFFM (flight manifest).

Element names follow the IATA Cargo-XML Toolkit (data model 3): namespaces are ignored, so any prefix
works. What a person reads on the waybill is taken: the waybill number, the flights, consignor,
consignee, forwarder and notify party (with the tax identifiers of the customs notes), origin and
destination, pieces, weight, and the goods lines (description, HS code, pieces, weight).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from caribclear.edifact.dates import parse_dtm
from caribclear.edifact.model import Issue, Where

from .checks import check_manifest, decimal_or_none, int_or_none
from .model import Consignment, Container, Conveyance, GoodsItem, Manifest, ManifestResult, Party, PortCall
from .xmltree import Node

_PARTIES = {
    "ConsignorParty": "consignor",
    "ConsigneeParty": "consignee",
    "FreightForwarderParty": "forwarder",
    "NotifyParty": "notify",
    "AssociatedParty": "other:associated",
}
_NOTE_SUBJECT = {
    "SHP": "consignor",
    "CNE": "consignee",
    "NFY": "notify",
    "FFW": "forwarder",
    "AGT": "forwarder",
}
_LB = Decimal("0.45359237")


def _iso_datetime(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_dtm(re.sub(r"\D", "", value))
    return parsed


def _weight(node: Node | None) -> Decimal | None:
    if node is None:
        return None
    number = decimal_or_none(node.text)
    if number is None:
        return None
    return number * _LB if node.attrs.get("unitCode", "KGM").upper() in ("LBR", "LB") else number


def _party(node: Node, role: str) -> Party:
    address = node.find("PostalStructuredAddress") or node.find("FreightForwarderAddress")
    street = " ".join((address.value("StreetName") if address else "").split())
    return Party(
        role=role,
        name=" ".join(node.value("Name").split()),
        address=street,
        city=address.value("CityName") if address else "",
        postcode=address.value("PostcodeCode") if address else "",
        country=(address.value("CountryID") if address else "").upper(),
        identifier=node.value("PrimaryID") or node.value("AccountID"),
        where=node.where(),
    )


def _parties(consignment_node: Node) -> list[Party]:
    parties = [
        _party(child, _PARTIES[child.tag]) for child in consignment_node.children if child.tag in _PARTIES
    ]
    for note in consignment_node.findall("IncludedCustomsNote"):
        # ContentCode T: a tax or trader identifier of the party named by SubjectCode.
        if note.value("ContentCode") == "T":
            role = _NOTE_SUBJECT.get(note.value("SubjectCode"))
            for party in parties:
                if party.role == role and not party.identifier.startswith(note.value("Content")):
                    party.identifier = note.value("Content")
    return parties


def _movements(node: Node, conveyance: Conveyance) -> None:
    for movement in node.findall("SpecifiedLogisticsTransportMovement") or node.findall(
        "LogisticsTransportMovement"
    ):
        flight = movement.value("ID").replace(" ", "").upper()
        carrier = movement.value("UsedLogisticsTransportMeans/Name") or movement.value(
            "UsedLogisticsTransportMeans/ID"
        )
        departure = movement.find("DepartureEvent")
        arrival = movement.find("ArrivalEvent")
        dep_port = departure.value("OccurrenceDepartureLocation/ID") if departure else ""
        arr_port = arrival.value("OccurrenceArrivalLocation/ID") if arrival else ""
        dep_time = (
            _iso_datetime(
                departure.value("ScheduledOccurrenceDateTime")
                or departure.value("DepartureOccurrenceDateTime")
            )
            if departure
            else None
        )
        arr_time = (
            _iso_datetime(
                arrival.value("ScheduledOccurrenceDateTime") or arrival.value("ArrivalOccurrenceDateTime")
            )
            if arrival
            else None
        )
        if not conveyance.voyage:
            conveyance.mode = "air"
            conveyance.voyage = flight
            conveyance.carrier_code = carrier.upper() or flight[:2]
            conveyance.date = dep_time
            conveyance.where = movement.where()
        if dep_port:
            conveyance.itinerary.append(
                PortCall(port=dep_port.upper(), function="departure", departure=dep_time)
            )
        if arr_port:
            conveyance.itinerary.append(PortCall(port=arr_port.upper(), function="arrival", arrival=arr_time))


def _hs(node: Node) -> str:
    for tag in ("TypeCode", "HarmonisedTariffCode", "HSCode"):
        value = re.sub(r"[\s.]", "", node.value(tag))
        if value.isdigit() and 6 <= len(value) <= 10 and not value.startswith("00"):
            return value
    return ""


def _items(parent: Node, tag: str) -> list[GoodsItem]:
    items = []
    for node in parent.iter(tag):
        description = " ".join(node.value("NatureIdentificationTransportCargo/Identification").split())
        mass = _weight(node.find("GrossWeightMeasure"))
        if not description and mass is None:
            continue  # a rating line (volume, package count) with no goods
        items.append(
            GoodsItem(
                sequence=node.value("SequenceNumeric"),
                hs_code=_hs(node),
                description=description,
                package_count=int_or_none(node.value("PieceQuantity") or node.value("PackageQuantity")),
                gross_mass_kg=mass,
                where=node.where(),
            )
        )
    return items


def _consignment(node: Node, number: str, level: str, item_tag: str, consolidation: bool) -> Consignment:
    cons = Consignment(bill_number=number, level=level, where=node.where())
    cons.parties = _parties(node)
    origin, destination = node.value("OriginLocation/ID"), node.value("FinalDestinationLocation/ID")
    if origin:
        cons.places["loading"] = origin.upper()
    if destination:
        cons.places["discharge"] = destination.upper()
    cons.total_packages = int_or_none(node.value("TotalPieceQuantity"))
    cons.total_gross_mass_kg = _weight(
        node.find("IncludedTareGrossWeightMeasure") or node.find("GrossWeightMeasure")
    )
    cons.goods = _items(node, item_tag)
    if not cons.goods and node.value("SummaryDescription"):
        cons.goods = [
            GoodsItem(
                description=node.value("SummaryDescription"),
                package_count=cons.total_packages,
                gross_mass_kg=cons.total_gross_mass_kg,
                where=node.where(),
            )
        ]
    first = cons.goods[0].description.upper() if cons.goods else ""
    if consolidation or first.startswith("CONSOL"):
        cons.references["consolidation"] = "yes"
    return cons


def read_xfwb(root: Node, result: ManifestResult) -> None:
    header = root.find("BusinessHeaderDocument")
    number = header.value("ID") if header else ""
    master = root.find("MasterConsignment")
    manifest = Manifest(
        format="xfwb",
        reference=number,
        message_reference=root.value("MessageHeaderDocument/ID"),
        document_code=root.value("MessageHeaderDocument/TypeCode"),
        function=root.value("MessageHeaderDocument/PurposeCode"),
        where=root.where(),
    )
    if master is None:
        result.errors.append(
            Issue(
                "xml_missing",
                "The waybill has no MasterConsignment.",
                Where(element=root.path() + "/MasterConsignment"),
            )
        )
        return
    consolidation = any(
        n.value("ContentCode") == "C" for n in (header.findall("IncludedHeaderNote") if header else [])
    )
    _movements(master, manifest.conveyance)
    manifest.consignments.append(
        _consignment(master, number, "master", "IncludedMasterConsignmentItem", consolidation)
    )
    _finish(manifest, result)


def read_xfzb(root: Node, result: ManifestResult) -> None:
    header = root.find("BusinessHeaderDocument")
    master = root.find("MasterConsignment")
    manifest = Manifest(
        format="xfzb",
        reference=header.value("ID") if header else "",
        message_reference=root.value("MessageHeaderDocument/ID"),
        document_code=root.value("MessageHeaderDocument/TypeCode"),
        function=root.value("MessageHeaderDocument/PurposeCode"),
        where=root.where(),
    )
    houses = list(root.iter("IncludedHouseConsignment"))
    if master is None or not houses:
        result.errors.append(
            Issue(
                "xml_missing",
                "The house waybill has no IncludedHouseConsignment.",
                Where(element=root.path()),
            )
        )
        return
    master_number = master.value("TransportContractDocument/ID")
    _movements(master, manifest.conveyance)
    for house in houses:
        number = house.value("TransportContractDocument/ID") or manifest.reference
        cons = _consignment(house, number, "house", "IncludedHouseConsignmentItem", False)
        cons.master_bill = master_number
        if not cons.places:
            origin, destination = (
                master.value("OriginLocation/ID"),
                master.value("FinalDestinationLocation/ID"),
            )
            cons.places.update(
                {k: v.upper() for k, v in (("loading", origin), ("discharge", destination)) if v}
            )
        manifest.consignments.append(cons)
    _finish(manifest, result)


def read_xffm(root: Node, result: ManifestResult) -> None:
    manifest = Manifest(
        format="xffm",
        reference=root.value("BusinessHeaderDocument/ID"),
        message_reference=root.value("MessageHeaderDocument/ID"),
        document_code=root.value("MessageHeaderDocument/TypeCode"),
        function=root.value("MessageHeaderDocument/PurposeCode"),
        where=root.where(),
    )
    _movements(root, manifest.conveyance)
    for point in root.findall("ArrivalEvent"):
        port = point.value("OccurrenceArrivalLocation/ID")
        if port:
            manifest.conveyance.itinerary.append(
                PortCall(
                    port=port.upper(),
                    function="arrival",
                    arrival=_iso_datetime(
                        point.value("ScheduledOccurrenceDateTime") or point.value("ArrivalOccurrenceDateTime")
                    ),
                )
            )
    for cargo in root.iter("AssociatedTransportCargo"):
        uld = cargo.value("UtilizedUnitLoadTransportEquipment/ID")
        for node in cargo.iter("IncludedMasterConsignment"):
            number = node.value("TransportContractDocument/ID")
            cons = _consignment(node, number, "master", "IncludedMasterConsignmentItem", False)
            if uld:
                cons.containers.append(
                    Container(
                        number=uld,
                        size_type=cargo.value("UtilizedUnitLoadTransportEquipment/CharacteristicCode"),
                        where=cargo.where(),
                    )
                )
            manifest.consignments.append(cons)
    if not manifest.consignments:
        result.warnings.append(
            Issue("no_consignments", "The flight manifest lists no consignment.", root.where())
        )
    _finish(manifest, result)


def _finish(manifest: Manifest, result: ManifestResult) -> None:
    check_manifest(manifest, result.warnings, result.errors)
    result.manifests.append(manifest)


READERS = {"xfwb": read_xfwb, "xfzb": read_xfzb, "xffm": read_xffm}
