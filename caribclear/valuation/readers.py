"""Readers of assessed import declarations: WCO Data Model 3.6 XML and the CSV/XLSX extract template.

Bytes in, :class:`ReadResult` out; a reader never raises on bad input. Each line is checked on its own
(HS code, origin, quantity and unit, value and currency, date); an impossible line is an error that names
where it was found (XML: the declaration, goods item and element; CSV/XLSX: the row and column), and a
file with any error is rejected as a whole by the loader, so nothing is half-loaded. Exchange rates are
applied by the loader (they live in the database); here values stay in the declared currency.

The CSV/XLSX template (one row per goods line; header names are matched without case, and the usual names
of an ASYCUDA World extract are understood too):

=============== ======================================================================================
column          what
=============== ======================================================================================
declaration     the declaration's number (ASYCUDA: the registration number)           required
line            the goods item number in the declaration                                 required
date            date of assessment (2026-03-31, 31/03/2026 or 20260331)                 required
hs_code         tariff code, 6 to 12 digits (national subheading included)              required
origin          country of origin, ISO 3166 alpha-2                                      required
quantity        supplementary quantity                                    required unless net_mass_kg
unit            its unit (UN/ECE Rec. 20 code such as KGM, LTR, NAR, PR, MTK, or kg, l, u...)
net_mass_kg     net mass in kilograms
value           customs value of the line                                                required
currency        ISO 4217 code of the value                                               required
importer        importer's identifier (TIN)                                              required
exporter        exporter's identifier or name
incoterm        delivery terms (FOB, CIF...)
description     goods description
=============== ======================================================================================
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from . import units

MAX_XML_BYTES = 20 * 1024 * 1024

INCOTERMS = {
    "EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DAT", "DDP", "DAF", "DES", "DEQ",
    "DDU", "C&F", "CNF",
}  # fmt: skip


@dataclass
class Issue:
    where: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message}


@dataclass
class RawLine:
    """One goods line as read, checked, in its declared currency."""

    declaration: str
    line: str
    date: dt.date
    hs_code: str
    origin: str
    quantity: Decimal | None
    unit: str  # as written
    net_mass_kg: Decimal | None
    value: Decimal
    currency: str
    importer: str
    exporter: str = ""
    incoterm: str = ""
    description: str = ""
    where: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, Decimal | dt.date):
                data[key] = str(value)
        return data


@dataclass
class ReadResult:
    format: str
    declarations: int = 0
    lines: list[RawLine] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "declarations": self.declarations,
            "lines": len(self.lines),
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }


# --- Checking one line's fields (shared by every reader and the API) ------------------------------------
class LineError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _decimal(value: Any, column: str, *, required: bool = True) -> Decimal | None:
    text = "" if value is None else str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        if required:
            raise LineError(column, f"{column} is missing")
        return None
    text = text.replace(",", ".") if "," in text and "." not in text else text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise LineError(column, f"{column} {value!r} is not a number") from None
    if not number.is_finite():
        raise LineError(column, f"{column} {value!r} is not a number")
    return number


def parse_date(value: Any, column: str = "date") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise LineError(column, f"{column} is missing")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%SZ"):
        try:
            day = dt.datetime.strptime(text[:19] if "T" in text else text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
        if not dt.date(1990, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise LineError(column, f"{column} {text} is outside 1990-2100")
        return day
    raise LineError(column, f"{column} {text!r} is not a date (use 2026-03-31)")


def check_hs(value: Any) -> str:
    digits = re.sub(r"[\s.]", "", str(value or ""))
    if not digits:
        raise LineError("hs_code", "hs_code is missing")
    if not digits.isdigit() or not 6 <= len(digits) <= 12:
        raise LineError("hs_code", f"hs_code {value!r} is not a tariff code of 6 to 12 digits")
    if digits[:2] == "00" or int(digits[:2]) > 97 or digits[:2] == "77":
        raise LineError("hs_code", f"hs_code {value!r}: chapter {digits[:2]} does not exist")
    return digits


def check_country(value: Any, column: str = "origin") -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise LineError(column, f"{column} is missing")
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise LineError(column, f"{column} {value!r} is not an ISO 3166 country code")
    return code


def check_currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not code:
        raise LineError("currency", "currency is missing")
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise LineError("currency", f"currency {value!r} is not an ISO 4217 code")
    return code


def check_line(
    *,
    declaration: Any,
    line: Any,
    date: Any,
    hs_code: Any,
    origin: Any,
    quantity: Any,
    unit: Any,
    net_mass_kg: Any,
    value: Any,
    currency: Any,
    importer: Any,
    exporter: Any = "",
    incoterm: Any = "",
    description: Any = "",
    where: str = "",
) -> RawLine:
    """A checked line, or LineError naming the column: the rules every source of lines shares."""
    reference = str(declaration or "").strip()
    if not reference:
        raise LineError("declaration", "declaration is missing")
    if len(reference) > 40:
        raise LineError("declaration", "declaration is longer than 40 characters")
    item = str(line or "").strip()
    if not item:
        raise LineError("line", "line is missing")
    if len(item) > 20:
        raise LineError("line", "line is longer than 20 characters")
    day = parse_date(date)
    hs = check_hs(hs_code)
    country = check_country(origin)
    qty = _decimal(quantity, "quantity", required=False)
    mass = _decimal(net_mass_kg, "net_mass_kg", required=False)
    unit_text = str(unit or "").strip()
    if qty is not None:
        if not unit_text:
            raise LineError("unit", "unit is missing for the quantity")
        try:
            units.lookup(unit_text)
        except units.UnknownUnit:
            raise LineError(
                "unit", f"unit {unit_text!r} is not one we know (see the table of units)"
            ) from None
        if qty <= 0:
            raise LineError("quantity", f"quantity {quantity} must be more than zero")
    elif mass is None:
        raise LineError("quantity", "neither a quantity nor a net mass is given")
    if mass is not None and mass <= 0:
        raise LineError("net_mass_kg", f"net_mass_kg {net_mass_kg} must be more than zero")
    amount = _decimal(value, "value")
    assert amount is not None
    if amount <= 0:
        raise LineError("value", f"value {value} must be more than zero")
    if amount >= Decimal("1e13"):
        raise LineError("value", f"value {value} is impossibly large")
    money = check_currency(currency)
    trader = str(importer or "").strip()
    if not trader:
        raise LineError("importer", "importer is missing")
    terms = str(incoterm or "").strip().upper()
    if terms and terms not in INCOTERMS:
        raise LineError("incoterm", f"incoterm {incoterm!r} is not an Incoterm")
    return RawLine(
        declaration=reference,
        line=item,
        date=day,
        hs_code=hs,
        origin=country,
        quantity=qty,
        unit=unit_text,
        net_mass_kg=mass,
        value=amount,
        currency=money,
        importer=trader[:40],
        exporter=str(exporter or "").strip()[:120],
        incoterm=terms,
        description=str(description or "").strip()[:300],
        where=where,
    )


# --- WCO Data Model 3.6 --------------------------------------------------------------------------------
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element | None, *path: str) -> str:
    found = _child(element, *path) if path else element
    return (found.text or "").strip() if found is not None and found.text else ""


def looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def read_wco_dm(data: bytes, *, default_date: dt.date | None = None) -> ReadResult:
    result = ReadResult(format="wco-dm")
    if len(data) > MAX_XML_BYTES:
        result.errors.append(Issue("file", "the file is larger than 20 MB"))
        return result
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        result.errors.append(Issue("file", "XML with a DOCTYPE or entities is not accepted"))
        return result
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE or entity reaches the parser (checked above)
    except ET.ParseError as error:
        result.errors.append(Issue(f"line {error.position[0]}", f"not well-formed XML: {error}"))
        return result
    if _local(root.tag) != "MetaData":
        result.errors.append(
            Issue(f"/{_local(root.tag)}", "not a WCO Data Model document (the root is not MetaData)")
        )
        return result
    type_name = _text(root, "WCOTypeName")
    if type_name == "RES" or _child(root, "Response") is not None:
        result.errors.append(
            Issue("/MetaData/WCOTypeName", "this is a customs response (RES), not an import declaration")
        )
        return result
    declarations = _children(root, "Declaration")
    if type_name not in ("DEC", "") or not declarations:
        result.errors.append(
            Issue("/MetaData/WCOTypeName", f"WCO type {type_name or '(none)'} holds no declaration to load")
        )
        return result
    for index, declaration in enumerate(declarations, start=1):
        _read_declaration(declaration, f"/MetaData/Declaration[{index}]", result, default_date)
    result.declarations = len({line.declaration for line in result.lines})
    return result


_TYPE_WORDS = {
    "EX": "an export declaration",
    "CO": "a declaration of Union goods",
    "EU": "an EFTA declaration",
}


def _read_declaration(
    declaration: ET.Element, path: str, result: ReadResult, default_date: dt.date | None
) -> None:
    type_code = _text(declaration, "TypeCode")
    if not type_code.startswith("IM"):
        words = _TYPE_WORDS.get(type_code[:2], f"declaration type {type_code or '(none)'}")
        result.errors.append(Issue(f"{path}/TypeCode", f"{words} ({type_code}), not an import declaration"))
        return
    reference = _text(declaration, "ID") or _text(declaration, "FunctionalReferenceID")
    where_decl = f"{path} ({reference or 'no reference'})"
    date_text = _text(declaration, "AcceptanceDateTime", "DateTimeString") or _text(
        declaration, "IssueDateTime", "DateTimeString"
    )
    day: Any = date_text
    if not date_text:
        if default_date is None:
            result.errors.append(Issue(where_decl, "the declaration has no acceptance date"))
            return
        day = default_date
        result.warnings.append(
            Issue(where_decl, f"no acceptance or issue date: the date of loading ({default_date}) is used")
        )
    shipment = _child(declaration, "GoodsShipment")
    importer = _text(shipment, "Importer", "ID") or _text(shipment, "Importer", "Name")
    exporter_el = _child(declaration, "Exporter") or _child(shipment, "Exporter")
    exporter = _text(exporter_el, "ID") or _text(exporter_el, "Name")
    incoterm = _text(shipment, "TradeTerms", "ConditionCode")
    shipment_origin = _text(shipment, "Origin", "CountryCode")
    export_country = _text(shipment, "ExportCountry", "ID")
    invoice = _child(declaration, "InvoiceAmount")
    default_currency = invoice.get("currencyID", "") if invoice is not None else ""
    items = _children(shipment, "GovernmentAgencyGoodsItem")
    if not items:
        result.errors.append(Issue(where_decl, "the declaration has no goods item"))
        return
    for position, item in enumerate(items, start=1):
        number = _text(item, "SequenceNumeric") or str(position)
        where = f"{path}/GoodsShipment/GovernmentAgencyGoodsItem[{position}] ({reference} item {number})"
        commodity = _child(item, "Commodity")
        classifications = _children(commodity, "Classification")
        codes = [c for c in classifications if _text(c, "IdentificationTypeCode") not in ("TRC", "TRA")]
        hs = next(
            (_text(c, "ID") for c in classifications if len(re.sub(r"\D", "", _text(c, "ID"))) >= 6),
            _text(codes[0], "ID") if codes else "",
        )
        measure = _child(commodity, "GoodsMeasure")
        tariff_quantity = _child(measure, "TariffQuantity")
        quantity = _text(tariff_quantity) or None
        unit = tariff_quantity.get("unitCode", "") if tariff_quantity is not None else ""
        net = _child(measure, "NetNetWeightMeasure")
        net_mass: Any = _text(net) or None
        mass_unit = net.get("unitCode", "KGM") if net is not None else "KGM"
        if net_mass and mass_unit.upper() not in ("KGM", "KG"):
            try:
                base, factor = units.lookup(mass_unit)
                net_mass = Decimal(net_mass) * factor if base is units.KG else None
            except (units.UnknownUnit, InvalidOperation):
                net_mass = None
            if net_mass is None:
                result.warnings.append(Issue(where, f"net mass in {mass_unit!r} is not a mass: ignored"))
        value_el = _child(item, "CustomsValueAmount") or _child(commodity, "InvoiceLine", "ItemChargeAmount")
        value = _text(value_el)
        currency = (value_el.get("currencyID", "") if value_el is not None else "") or default_currency
        origin = _text(item, "Origin", "CountryCode") or shipment_origin
        if not origin and export_country:
            origin = export_country
            result.warnings.append(
                Issue(where, f"no country of origin: the country of export ({origin}) is used")
            )
        if value_el is not None and _local(value_el.tag) == "ItemChargeAmount":
            result.warnings.append(
                Issue(where, "no customs value (CustomsValueAmount): the invoice amount of the item is used")
            )
        try:
            line = check_line(
                declaration=reference,
                line=number,
                date=day,
                hs_code=hs,
                origin=origin,
                quantity=quantity,
                unit=unit,
                net_mass_kg=net_mass,
                value=value,
                currency=currency,
                importer=importer,
                exporter=exporter,
                incoterm=incoterm,
                description=_text(commodity, "Description"),
                where=where,
            )
        except LineError as error:
            result.errors.append(Issue(f"{where} {error.column}", error.message))
            continue
        result.lines.append(line)


# --- CSV / XLSX ----------------------------------------------------------------------------------------
COLUMNS = (
    "declaration", "line", "date", "hs_code", "origin", "quantity", "unit", "net_mass_kg", "value",
    "currency", "importer", "exporter", "incoterm", "description",
)  # fmt: skip
REQUIRED = ("declaration", "line", "date", "hs_code", "origin", "value", "currency", "importer")

#: Header names (lower case, spaces and punctuation removed) -> template column; ASYCUDA extract names too.
ALIASES = {
    "declaration": "declaration", "declarationnumber": "declaration", "regnumber": "declaration",
    "registrationnumber": "declaration", "sadregnumber": "declaration", "mrn": "declaration",
    "line": "line", "item": "line", "itemnumber": "line", "itmnbr": "line", "itemno": "line",
    "date": "date", "registrationdate": "date", "regdate": "date", "assessmentdate": "date",
    "hscode": "hs_code", "hs": "hs_code", "commoditycode": "hs_code", "tariffcode": "hs_code",
    "tarcod": "hs_code", "hscod": "hs_code",
    "origin": "origin", "countryoforigin": "origin", "ctyorigin": "origin", "ctyorgcod": "origin",
    "quantity": "quantity", "supplementaryquantity": "quantity", "suppqty": "quantity", "supqty1": "quantity",
    "unit": "unit", "supplementaryunit": "unit", "suppunit": "unit", "supunit1": "unit",
    "netmasskg": "net_mass_kg", "netmass": "net_mass_kg", "netweight": "net_mass_kg", "netwgt": "net_mass_kg",
    "value": "value", "customsvalue": "value", "statvalue": "value", "cifvalue": "value",
    "itemcustomsvalue": "value",
    "currency": "currency", "currencycode": "currency", "curcod": "currency",
    "importer": "importer", "importerid": "importer", "consigneecode": "importer", "tin": "importer",
    "importertin": "importer", "cmpconcod": "importer",
    "exporter": "exporter", "exporterid": "exporter", "exportername": "exporter", "consignor": "exporter",
    "incoterm": "incoterm", "deliveryterms": "incoterm", "tod": "incoterm", "termsofdelivery": "incoterm",
    "description": "description", "goodsdescription": "description", "commercialdescription": "description",
}  # fmt: skip


def _header_key(value: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value or "").lower())


def read_rows(rows: Iterable[tuple[int, list[Any]]], *, fmt: str) -> ReadResult:
    """Lines from table rows (row number, cells), the first row with content being the header."""
    result = ReadResult(format=fmt)
    iterator = iter(rows)
    header_row = next(iterator, None)
    if header_row is None:
        result.errors.append(Issue("file", "the file is empty"))
        return result
    header_number, header = header_row
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = ALIASES.get(_header_key(name))
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        lowered = " ".join(_header_key(h) for h in header)
        if "exporter" in columns and "importer" not in columns and "export" in lowered:
            message = "this looks like an export extract (no importer column), not import declarations"
        else:
            message = "missing columns: " + ", ".join(missing) + " (see the template)"
        result.errors.append(Issue(f"row {header_number}", message))
        return result
    if "quantity" not in columns and "net_mass_kg" not in columns:
        result.errors.append(Issue(f"row {header_number}", "missing columns: quantity or net_mass_kg"))
        return result
    letters = {key: _column_letter(index) for key, index in columns.items()}
    seen: set[tuple[str, str]] = set()
    for number, cells in iterator:
        values = {key: (cells[index] if index < len(cells) else None) for key, index in columns.items()}
        where = f"row {number}"
        try:
            line = check_line(**values, where=where)
        except LineError as error:
            result.errors.append(
                Issue(f"{where}, column {letters.get(error.column, error.column)}", error.message)
            )
            continue
        seen_key = (line.declaration, line.line)
        if seen_key in seen:
            result.errors.append(
                Issue(where, f"declaration {line.declaration} line {line.line} appears twice in the file")
            )
            continue
        seen.add(seen_key)
        result.lines.append(line)
    if not result.lines and not result.errors:
        result.errors.append(Issue("file", "the file has a header but no lines"))
    result.declarations = len({line.declaration for line in result.lines})
    return result


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def template_csv() -> bytes:
    """The template's header row and one example line (served for download)."""
    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\r\n")
    out.write(
        "C-2026-001234,1,2026-03-31,85171300,CN,200,NAR,180.5,8240.00,USD,TIN0012345,Shenzhen Tel Co,FOB,Mobile phones\r\n"
    )
    return out.getvalue().encode()
