"""ASYCUDA World manifest (AWMDS XML): read, and written so that a member's ASYCUDA takes it as it is.

The schema is UNCTAD's (``awmds.xsd``). Its copy in the shared fixtures carries no licence statement, so
it is not shipped with CaribClear: :func:`validate_awmds` validates against a schema file whose path is
given at run time (a setting of the cargo app), and is skipped when none is configured.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema

from caribclear.edifact.model import Issue, Where

from .checks import check_manifest, decimal_or_none, int_or_none
from .model import Consignment, Container, GoodsItem, Manifest, ManifestResult, Party, PortCall
from .xmltree import Node

_MODES = {"1": "sea", "2": "rail", "3": "road", "4": "air"}
_MODE_CODES = {v: k for k, v in _MODES.items()}


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _trader(node: Node | None, prefix: str, role: str) -> Party | None:
    if node is None:
        return None
    name = " ".join(node.value(f"{prefix}_name").split())
    if not name and not node.value(f"{prefix}_code"):
        return None
    return Party(
        role=role,
        name=name,
        address=" ".join(node.value(f"{prefix}_address").split()),
        identifier=node.value(f"{prefix}_code"),
        where=node.where(),
    )


def read_awmds(root: Node, result: ManifestResult) -> None:
    general = root.find("General_segment")
    if general is None:
        result.errors.append(
            Issue("xml_missing", "AWMDS without General_segment.", Where(element="/Awmds/General_segment"))
        )
        return
    ident = general.find("General_segment_id")
    transport = general.find("Transport_information")
    manifest = Manifest(
        format="awmds",
        reference=ident.value("Voyage_number") if ident else "",
        customs_office=ident.value("Customs_office_code") if ident else "",
        where=root.where(),
    )
    c = manifest.conveyance
    if ident is not None:
        c.voyage = ident.value("Voyage_number")
        c.date = _date(ident.value("Date_of_arrival")) or _date(ident.value("Date_of_departure"))
    if transport is not None:
        mode = transport.value("Mode_of_transport_code")
        c.mode = _MODES.get(mode[:1], mode)
        c.carrier_code = transport.value("Carrier/Carrier_code")
        c.carrier_name = transport.value("Carrier/Carrier_name")
        c.vessel_name = transport.value("Identity_of_transporter")
        c.flag = transport.value("Nationality_of_transporter_code").upper()
        registration = transport.value("Registration_number_of_transport_code")
        if re.fullmatch(r"(IMO)?\s*\d{7}", registration.upper()):
            c.imo = re.sub(r"\D", "", registration)
        else:
            c.call_sign = registration
        c.where = transport.where()
    places = general.find("Load_unload_place")
    if places is not None:
        c.itinerary = [
            PortCall(
                port=places.value("Place_of_departure_code"),
                function="departure",
                departure=_date(ident.value("Date_of_departure")) if ident else None,
            ),
            PortCall(port=places.value("Place_of_destination_code"), function="arrival", arrival=c.date),
        ]
    totals = general.find("Totals_segment")
    if totals is not None:
        manifest.declared_totals = {child.tag: child.text for child in totals.children}
    for bol in root.findall("Bol_segment"):
        manifest.consignments.append(_bol(bol))
    _check_totals(manifest, result)
    strict = {id(ct) for cons in manifest.consignments for ct in cons.containers}
    check_manifest(manifest, result.warnings, result.errors, strict_containers=strict)
    result.manifests.append(manifest)


def _bol(bol: Node) -> Consignment:
    cons = Consignment(
        bill_number=bol.value("Bol_id/Bol_reference"),
        master_bill=bol.value("Bol_id/Master_bol_ref_number"),
        document_code=bol.value("Bol_id/Bol_type_code"),
        where=bol.where(),
    )
    nature = bol.value("Bol_id/Bol_nature")
    cons.references = {
        k: v
        for k, v in (
            ("line_number", bol.value("Bol_id/Line_number")),
            ("bol_nature", nature),
            ("unique_carrier_reference", bol.value("Bol_id/Unique_carrier_reference")),
        )
        if v
    }
    cons.level = (
        "house" if cons.master_bill or bol.value("Bol_id/Bol_type_code").upper().startswith("H") else "master"
    )
    places = bol.find("Load_unload_place")
    if places is not None:
        for tag, name in (
            ("Port_of_origin_code", "origin"),
            ("Original_port_of_loading_code", "original_loading"),
            ("Place_of_loading_code", "loading"),
            ("Place_of_unloading_code", "discharge"),
            ("Place_of_delivery_code", "delivery"),
            ("Place_of_ultimate_destination_code", "destination"),
        ):
            if places.value(tag):
                cons.places[name] = places.value(tag).upper()
    traders = bol.find("Traders_segment")
    if traders is not None:
        for node_tag, prefix, role in (
            ("Exporter", "Exporter", "consignor"),
            ("Consignee", "Consignee", "consignee"),
            ("Notify", "Notify", "notify"),
        ):
            party = _trader(traders.find(node_tag), prefix, role)
            if party:
                cons.parties.append(party)
        ff = traders.find("FreightForwarder")
        if ff is not None and ff.value("FFName"):
            cons.parties.append(
                Party(
                    role="forwarder", name=ff.value("FFName"), identifier=ff.value("FFId"), where=ff.where()
                )
            )
    for ctn in bol.findall("ctn_segment"):
        empty_full = ctn.value("Empty_Full").upper()
        cons.containers.append(
            Container(
                number=ctn.value("Ctn_reference"),
                size_type=ctn.value("Type_of_container"),
                full=None
                if not empty_full
                else not empty_full.startswith("E") and empty_full not in ("MTY", "4"),
                seals=[s for s in (ctn.value("Marks1"), ctn.value("Marks2"), ctn.value("Marks3")) if s],
                where=ctn.where(),
            )
        )
    value = bol.find("Value_segment/Customs_segment")
    for n, goods in enumerate(bol.findall("Goods_segment"), start=1):
        item = GoodsItem(
            sequence=str(n),
            description=" ".join(goods.value("Goods_description").split()),
            package_count=int_or_none(goods.value("Number_of_packages")),
            package_kind=goods.value("Package_type_code").upper(),
            gross_mass_kg=decimal_or_none(goods.value("Gross_mass")),
            marks=goods.value("Shipping_marks"),
            containers=[r.text for r in goods.iter("Ctn_item_reference")],
            where=goods.where(),
        )
        if value is not None and n == 1:
            item.value = decimal_or_none(value.value("Customs_value"))
            item.currency = value.value("Customs_currency").upper()
        seals = goods.find("Seals_segment")
        if seals is not None and seals.value("Marks_of_seals"):
            for ct in cons.containers:
                if ct.number in item.containers and seals.value("Marks_of_seals") not in ct.seals:
                    ct.seals.append(seals.value("Marks_of_seals"))
        cons.goods.append(item)
    return cons


def _check_totals(manifest: Manifest, result: ManifestResult) -> None:
    declared = int_or_none(manifest.declared_totals.get("Total_number_of_bols", ""))
    if declared is not None and declared != len(manifest.consignments):
        result.warnings.append(
            Issue(
                "count_mismatch",
                f"Total_number_of_bols says {declared}; the file has {len(manifest.consignments)}.",
                Where(element="/Awmds/General_segment/Totals_segment/Total_number_of_bols"),
            )
        )


# --- writing ------------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _num(value: Decimal | int | None) -> str:
    if value is None:
        return "0"
    return format(Decimal(value).normalize(), "f")


def _cut(text: str, length: int, fallback: str = "") -> str:
    text = " ".join((text or fallback).split())
    return text[:length]


class NoCustomsOffice(ValueError):
    """The AWMDS writer was given no customs office: ASYCUDA files a manifest at one office, and a made-up
    code would send it to none (or to the wrong one)."""


def write_awmds(manifest: Manifest, *, customs_office: str = "", departure: date | None = None) -> bytes:
    """An AWMDS document for one manifest (what ASYCUDA World's manifest module imports), for the customs
    office given (or the manifest's own); without one it raises ``NoCustomsOffice``."""
    office = _cut(customs_office or manifest.customs_office, 5)
    if not office:
        raise NoCustomsOffice(
            "An AWMDS manifest needs the ASYCUDA customs office code it is filed at; none was given."
        )
    c = manifest.conveyance
    root = ET.Element("Awmds")
    general = _sub(root, "General_segment")
    ident = _sub(general, "General_segment_id")
    _sub(ident, "Customs_office_code", office)
    _sub(ident, "Voyage_number", _cut(c.voyage or manifest.reference, 17, "UNKNOWN") or "UNKNOWN")
    dep = (
        departure
        or next((p.departure.date() for p in c.itinerary if p.departure), None)
        or (c.date.date() if c.date else date(1970, 1, 1))
    )
    _sub(ident, "Date_of_departure", dep.isoformat())
    arrival = next((p.arrival for p in c.itinerary if p.arrival), None)
    if arrival is not None:
        _sub(ident, "Date_of_arrival", arrival.date().isoformat())
    goods = [g for cons in manifest.consignments for g in cons.goods]
    containers = manifest.all_containers()
    totals = _sub(general, "Totals_segment")
    _sub(totals, "Total_number_of_bols", len(manifest.consignments))
    _sub(totals, "Total_number_of_packages", sum(g.package_count or 0 for g in goods))
    _sub(totals, "Total_number_of_containers", len(containers))
    _sub(totals, "Total_gross_mass", _num(sum((g.gross_mass_kg or Decimal(0) for g in goods), Decimal(0))))
    transport = _sub(general, "Transport_information")
    carrier = _sub(transport, "Carrier")
    _sub(carrier, "Carrier_code", _cut(c.carrier_code, 17, "UNKNOWN"))
    if c.carrier_name:
        _sub(carrier, "Carrier_name", _cut(c.carrier_name, 35))
    _sub(transport, "Mode_of_transport_code", _MODE_CODES.get(c.mode, "1"))
    if c.vessel_name:
        _sub(transport, "Identity_of_transporter", _cut(c.vessel_name, 35))
    _sub(transport, "Nationality_of_transporter_code", _cut(c.flag, 3, "ZZ") or "ZZ")
    if c.imo or c.call_sign:
        _sub(transport, "Registration_number_of_transport_code", _cut(c.imo or c.call_sign, 35))
    places = _sub(general, "Load_unload_place")
    first = next((p.port for p in c.itinerary if p.port), "")
    last = next((p.port for p in reversed(c.itinerary) if p.port), "")
    _sub(places, "Place_of_departure_code", _cut(first, 5, "ZZZZZ") or "ZZZZZ")
    _sub(places, "Place_of_destination_code", _cut(last, 5, "ZZZZZ") or "ZZZZZ")
    for line, cons in enumerate(manifest.consignments, start=1):
        _write_bol(root, cons, line)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _party_of(cons: Consignment, role: str) -> Party | None:
    return next((p for p in cons.parties if p.role == role), None)


def _write_bol(root: ET.Element, cons: Consignment, line: int) -> None:
    bol = _sub(root, "Bol_segment")
    ident = _sub(bol, "Bol_id")
    _sub(ident, "Bol_reference", _cut(cons.bill_number, 17, f"LINE{line}"))
    _sub(ident, "Line_number", line)
    _sub(
        ident,
        "Bol_nature",
        cons.references.get("bol_nature")
        if cons.references.get("bol_nature") in ("22", "23", "24", "28")
        else "23",
    )
    _sub(
        ident, "Bol_type_code", _cut(cons.document_code, 3, "HSB" if cons.level == "house" else "BL") or "BL"
    )
    if cons.master_bill:
        _sub(ident, "Master_bol_ref_number", _cut(cons.master_bill, 17))
    places = _sub(bol, "Load_unload_place")
    loading = cons.places.get("loading", "")
    discharge = cons.places.get("discharge", "")
    for tag, value in (
        ("Port_of_origin_code", cons.places.get("origin", loading)),
        ("Original_port_of_loading_code", cons.places.get("original_loading", loading)),
        ("Place_of_delivery_code", cons.places.get("delivery", discharge) or "ZZZZZ"),
        ("Place_of_ultimate_destination_code", cons.places.get("destination", discharge) or "ZZZZZ"),
        ("Place_of_loading_code", loading or "ZZZZZ"),
        ("Place_of_unloading_code", discharge or "ZZZZZ"),
    ):
        _sub(places, tag, _cut(value, 5))
    traders = _sub(bol, "Traders_segment")
    for tag, prefix, role in (
        ("Exporter", "Exporter", "consignor"),
        ("Notify", "Notify", "notify"),
        ("Consignee", "Consignee", "consignee"),
    ):
        party = _party_of(cons, role)
        if tag == "Exporter":
            ff = _party_of(cons, "forwarder")
        node = _sub(traders, tag)
        if party and party.identifier:
            _sub(node, f"{prefix}_code", _cut(party.identifier, 17))
        name = party.name if party else ""
        address = ", ".join(
            v for v in ((party.address, party.city, party.postcode, party.country) if party else ()) if v
        )
        _sub(node, f"{prefix}_name", _cut(name, 150, "UNKNOWN" if tag != "Notify" else ""))
        _sub(node, f"{prefix}_address", _cut(address, 255, "UNKNOWN" if tag != "Notify" else ""))
        if tag == "Exporter" and ff is not None:
            ffnode = _sub(traders, "FreightForwarder")
            _sub(ffnode, "FFName", _cut(ff.name, 70))
            _sub(ffnode, "FFId", _cut(ff.identifier, 50))
    for ct in cons.containers:
        node = _sub(bol, "ctn_segment")
        _sub(node, "Ctn_reference", _cut(ct.number, 17))
        packages = sum(g.package_count or 0 for g in cons.goods if ct.number in g.containers)
        _sub(node, "Number_of_packages", packages)
        kinds = {g.package_kind for g in cons.goods if g.package_kind}
        _sub(node, "Package_type", _cut(next(iter(sorted(kinds)), "PK"), 17))
        _sub(node, "Type_of_container", _cut(ct.size_type, 4, "22G1") or "22G1")
        _sub(node, "Empty_Full", "MTY" if ct.full is False else "FCL")
        _sub(node, "Marks1", _cut(ct.seals[0] if ct.seals else "NIL", 10))
        if len(ct.seals) > 1:
            _sub(node, "Marks2", _cut(" ".join(ct.seals[1:]), 512))
    for item in cons.goods or [GoodsItem()]:
        goods = _sub(bol, "Goods_segment")
        _sub(goods, "Number_of_packages", item.package_count or 0)
        _sub(goods, "Package_type_code", _cut(item.package_kind, 17, "PK") or "PK")
        _sub(goods, "Gross_mass", _num(item.gross_mass_kg))
        _sub(goods, "Shipping_marks", _cut(item.marks, 512))
        description = item.description + (f" HS {item.hs_code}" if item.hs_code else "")
        _sub(goods, "Goods_description", _cut(description, 512, "UNKNOWN") or "UNKNOWN")
        for number in item.containers:
            refs = _sub(goods, "Container_item_references")
            _sub(refs, "Ctn_item_reference", _cut(number, 17))
        _sub(goods, "Num_of_ctn_for_this_bol", len(cons.containers))
    value_segment = _sub(bol, "Value_segment")
    priced = next((g for g in cons.goods if g.value is not None), None)
    if priced is not None:
        customs = _sub(value_segment, "Customs_segment")
        _sub(customs, "Customs_value", _num(priced.value))
        if priced.currency:
            _sub(customs, "Customs_currency", _cut(priced.currency, 3))


def validate_awmds(data: bytes, schema_path: str | Path | None) -> list[Issue]:
    """Problems of an AWMDS document against UNCTAD's schema; [] when valid or when no schema is configured."""
    if not schema_path:
        return []
    schema = _schema(str(schema_path))
    resource = xmlschema.XMLResource(io.BytesIO(data), defuse="always")
    issues = []
    for error in schema.iter_errors(resource):
        line = getattr(error, "sourceline", None)
        issues.append(
            Issue(
                "awmds_schema",
                str(error.reason or error.message),
                Where(line=line if isinstance(line, int) else None, element=error.path or "/Awmds"),
            )
        )
        if len(issues) >= 50:
            break
    return issues


@functools.cache
def _schema(path: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(path)
