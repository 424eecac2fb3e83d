"""Cargo manifests as a table (the CSV/XLSX template for small filers, and the portal's web form).

One row per goods item. The voyage or flight columns repeat on every row of a manifest (rows with the same
``manifest_reference`` form one manifest) and the consignment columns on every row of a bill (rows with the
same bill number form one consignment, its goods items in row order). The header row names the columns in
any order and case; columns the template does not have are ignored with a warning.

| column | required | example |
| --- | --- | --- |
| manifest_reference | yes | your reference for the filing (LRN): `MSC-612W-BB` |
| mode | yes | `sea` or `air` |
| vessel_or_aircraft, imo, call_sign, flag, carrier_code | vessel name (sea) or carrier code (air) | `MSC ALINA`, `9321483`, `3EXY7`, `PA`, `MSCU` |
| voyage | yes | voyage or flight number: `612W`, `BW484` |
| port_of_loading, departure | yes | UN/LOCODE and local time of departure: `DOCAU`, `2026-12-02 18:00` |
| port_of_discharge | yes | UN/LOCODE: `BBBGI` |
| arrival | no | expected arrival, local time of the port |
| bill_number | yes | bill of lading or air waybill number |
| level, master_bill | no | `master` (default) or `house`; a house bill names its master bill |
| consignor_name, consignee_name | yes | with `_address`, `_country` (ISO 3166 alpha-2) and `_id` (TIN, EORI) |
| notify_name | no | with `_address`, `_country` and `_id` |
| place_of_delivery, transhipment_ports | no | `BBBGI`; ports separated by spaces |
| hs_code, description | yes | at least 6 digits; plain words (not "general cargo" or "FAK") |
| packages, package_kind, gross_mass_kg | yes (kind: no) | `120`, `CT` (UN/ECE Rec. 21), `2400.5` |
| un_number, value, currency | no | `1203`, `54000`, `USD` |
| container, size_type, full, seals | no | `CSQU3054383`, `22G1`, `yes`/`no`, seals separated by spaces |

Every problem of the table is reported at once, each with its row and column; nothing is returned as a
manifest while any error remains (the caller registers nothing).

The readers are pure Python: the cargo service reads the file into rows (with the platform's bounds on
size, rows and cells) and hands them here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from stdnum import imo as stdnum_imo

from caribclear.edifact.model import Issue, Where

from .checks import check_container, decimal_or_none, int_or_none, is_vague
from .model import Consignment, Container, Conveyance, GoodsItem, Manifest, ManifestResult, Party, PortCall

MANIFEST_COLUMNS = (
    "manifest_reference",
    "mode",
    "vessel_or_aircraft",
    "imo",
    "call_sign",
    "flag",
    "carrier_code",
    "voyage",
    "port_of_loading",
    "departure",
)
PARTY_ROLES = ("consignor", "consignee", "notify")
PARTY_FIELDS = ("name", "address", "country", "id")
CONSIGNMENT_COLUMNS = (
    "bill_number",
    "level",
    "master_bill",
    "port_of_discharge",
    "arrival",
    *(f"{role}_{part}" for role in PARTY_ROLES for part in PARTY_FIELDS),
    "place_of_delivery",
    "transhipment_ports",
)
ITEM_COLUMNS = (
    "hs_code",
    "description",
    "packages",
    "package_kind",
    "gross_mass_kg",
    "un_number",
    "value",
    "currency",
    "container",
    "size_type",
    "full",
    "seals",
)
COLUMNS = MANIFEST_COLUMNS + CONSIGNMENT_COLUMNS + ITEM_COLUMNS
REQUIRED = (
    "manifest_reference",
    "mode",
    "voyage",
    "port_of_loading",
    "departure",
    "port_of_discharge",
    "bill_number",
    "consignor_name",
    "consignee_name",
    "hs_code",
    "description",
    "packages",
    "gross_mass_kg",
)
#: One example row of the template (a real-looking sea consignment).
EXAMPLE = {
    "manifest_reference": "MSC-612W-BB",
    "mode": "sea",
    "vessel_or_aircraft": "MSC ALINA",
    "imo": "9321483",
    "call_sign": "3EXY7",
    "flag": "PA",
    "carrier_code": "MSCU",
    "voyage": "612W",
    "port_of_loading": "DOCAU",
    "departure": "2026-12-02 18:00",
    "port_of_discharge": "BBBGI",
    "arrival": "2026-12-05 07:00",
    "bill_number": "MEDUCA123456",
    "level": "master",
    "consignor_name": "Ferreteria Caucedo SRL",
    "consignor_address": "Av. Las Americas 12, Boca Chica",
    "consignor_country": "DO",
    "consignor_id": "DO101234567",
    "consignee_name": "Island Hardware Ltd",
    "consignee_address": "Spring Garden Highway, Bridgetown",
    "consignee_country": "BB",
    "consignee_id": "BB1000456",
    "hs_code": "732690",
    "description": "GALVANISED STEEL WIRE HOOKS",
    "packages": "120",
    "package_kind": "CT",
    "gross_mass_kg": "2400.5",
    "value": "18500",
    "currency": "USD",
    "container": "CSQU3054383",
    "size_type": "22G1",
    "full": "yes",
    "seals": "ML123456",
}

_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}\Z")
_COUNTRY = re.compile(r"[A-Z]{2}\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_YES = {"yes", "y", "true", "1", "full", "si", "sí", "oui", "ja", "x"}
_NO = {"no", "n", "false", "0", "empty", "non", "nee"}
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
)


def header_key(text: object) -> str:
    """``Bill Number``, ``bill-number`` and ``BILL_NUMBER`` are all ``bill_number``."""
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names its columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell as text: XLSX dates and whole numbers as a person would type them."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


@dataclass(frozen=True, slots=True)
class Record:
    """One row (of a file, or one consignment of the web form): ``values`` by column name."""

    row: int
    values: Mapping[str, str]


def read_table(rows: Iterable[tuple[int, list[Any]]], fmt: str) -> ManifestResult:
    """A CSV or XLSX file's rows (number as the spreadsheet shows it, cells), the header first."""
    result = ManifestResult(format=fmt)
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        result.errors.append(Issue("empty", "The file is empty: start from the template.", Where(row=1)))
        return result
    header_row, cells = header
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        label = f"{column_letter(index)} ({cell_text(cell)})"
        if key not in COLUMNS:
            result.warnings.append(
                Issue(
                    "unknown_column",
                    f"The column {cell_text(cell)!r} is not in the template and was ignored.",
                    Where(row=header_row, column=label),
                )
            )
            continue
        if key in positions:
            result.errors.append(
                Issue(
                    "duplicate_column",
                    f"The column {key} appears twice.",
                    Where(row=header_row, column=label),
                )
            )
            continue
        positions[key], labels[key] = index, label
    missing = [c for c in REQUIRED if c not in positions]
    for name in missing:
        result.errors.append(
            Issue(
                "missing_column",
                f"The template's column {name} is missing from the header row.",
                Where(row=header_row, column=name),
            )
        )
    if missing or result.errors:
        return result
    records = [
        Record(
            row=number,
            values={key: cell_text(values[i]) if i < len(values) else "" for key, i in positions.items()},
        )
        for number, values in iterator
    ]
    if not records:
        result.errors.append(
            Issue("empty", "The file has a header row but no goods item below it.", Where(row=header_row + 1))
        )
        return result
    return read_records(records, fmt, labels=labels, result=result)


def read_records(
    records: list[Record],
    fmt: str,
    *,
    labels: Mapping[str, str] | None = None,
    result: ManifestResult | None = None,
) -> ManifestResult:
    """Manifests from records (the rows of a table, or the web form's consignments). ``labels`` names the
    columns in the issues (a file's column letter and header); by default the column names themselves."""
    reader = _RecordReader(result or ManifestResult(format=fmt), labels or {})
    for record in records:
        reader.add(record)
    reader.finish()
    if reader.result.errors:
        reader.result.manifests = []
    return reader.result


class _RecordReader:
    def __init__(self, result: ManifestResult, labels: Mapping[str, str]) -> None:
        self.result = result
        self.labels = labels
        self.manifests: dict[str, tuple[Manifest, Record]] = {}
        self.consignments: dict[tuple[str, str, str], tuple[Consignment, Record]] = {}

    # --- issues -------------------------------------------------------------------------------------------
    def where(self, record: Record, column: str) -> Where:
        return Where(row=record.row, column=self.labels.get(column, column))

    def error(self, record: Record, column: str, code: str, message: str) -> None:
        self.result.errors.append(Issue(code, message, self.where(record, column)))

    def required(self, record: Record, column: str) -> str:
        value = record.values.get(column, "").strip()
        if not value:
            self.error(record, column, "required", f"{column} is required.")
        return value

    # --- typed cells ----------------------------------------------------------------------------------------
    def code(self, record: Record, column: str, pattern: re.Pattern[str], what: str) -> str:
        value = record.values.get(column, "").strip().upper().replace(" ", "")
        if value and not pattern.match(value):
            self.error(record, column, "format", f"{value!r} is not {what}.")
            return ""
        return value

    def moment(self, record: Record, column: str) -> datetime | None:
        text = record.values.get(column, "").strip()
        if not text:
            return None
        for pattern in _DATETIME_FORMATS:
            try:
                return datetime.strptime(text, pattern)  # noqa: DTZ007 - local time of the port, as sent
            except ValueError:
                continue
        self.error(record, column, "datetime", f"{text!r} is not a date and time such as 2026-12-02 18:00.")
        return None

    def count(self, record: Record, column: str) -> int | None:
        text = record.values.get(column, "").strip()
        if not text:
            return None
        number = int_or_none(text)
        if number is None or number <= 0:
            self.error(record, column, "number", f"{text!r} is not a whole number of packages above 0.")
            return None
        return number

    def amount(self, record: Record, column: str, *, positive: bool = True) -> Decimal | None:
        text = record.values.get(column, "").strip()
        if not text:
            return None
        number = decimal_or_none(text)
        if number is None or (positive and number <= 0) or number < 0:
            self.error(record, column, "number", f"{text!r} is not a number above 0 (use . for decimals).")
            return None
        return number

    # --- rows -----------------------------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        manifest = self._manifest(record)
        consignment = self._consignment(record, manifest)
        self._item(record, consignment)

    def _same(self, record: Record, first: Record, columns: Iterable[str], what: str) -> None:
        for column in columns:
            mine, theirs = record.values.get(column, "").strip(), first.values.get(column, "").strip()
            if mine != theirs:
                self.error(
                    record,
                    column,
                    "inconsistent",
                    f"{column} is {mine!r} here but {theirs!r} in row {first.row} of the same {what}.",
                )

    def _manifest(self, record: Record) -> Manifest | None:
        reference = self.required(record, "manifest_reference")
        if not reference:
            return None
        if reference in self.manifests:
            manifest, first = self.manifests[reference]
            self._same(record, first, MANIFEST_COLUMNS[1:], "manifest")
            return manifest
        mode = record.values.get("mode", "").strip().lower()
        if mode not in ("sea", "air"):
            self.error(record, "mode", "mode", "mode is sea or air.")
        imo = record.values.get("imo", "").strip()
        if imo.upper().startswith("IMO"):
            imo = imo[3:].strip()
        if imo and not (len(imo) == 7 and imo.isdigit() and stdnum_imo.is_valid(imo)):
            self.error(record, "imo", "imo", f"{imo!r} is not an IMO number (7 digits with a check digit).")
        vessel = record.values.get("vessel_or_aircraft", "").strip()
        carrier = record.values.get("carrier_code", "").strip().upper()
        if mode == "sea" and not vessel:
            self.error(record, "vessel_or_aircraft", "required", "A sea manifest names the vessel.")
        if mode == "air" and not carrier:
            self.error(record, "carrier_code", "required", "An air manifest gives the airline's code.")
        loading = self.code(record, "port_of_loading", _LOCODE, "a UN/LOCODE (5 letters such as DOCAU)")
        self.required(record, "port_of_loading")
        departure = self.moment(record, "departure")
        self.required(record, "departure")
        voyage = self.required(record, "voyage")
        manifest = Manifest(
            format=self.result.format,
            reference=reference[:70],
            conveyance=Conveyance(
                mode=mode,
                vessel_name=vessel,
                imo=imo,
                call_sign=record.values.get("call_sign", "").strip().upper(),
                flag=self.code(record, "flag", _COUNTRY, "a country code (2 letters such as PA)"),
                carrier_code=carrier,
                voyage=voyage,
                date=departure if mode == "air" else None,
                itinerary=[PortCall(port=loading, function="loading", departure=departure)]
                if loading
                else [],
                where=self.where(record, "voyage"),
            ),
            where=self.where(record, "manifest_reference"),
        )
        self.manifests[reference] = (manifest, record)
        self.result.manifests.append(manifest)
        return manifest

    def _consignment(self, record: Record, manifest: Manifest | None) -> Consignment | None:
        bill = self.required(record, "bill_number")
        if manifest is None or not bill:
            return None
        level = record.values.get("level", "").strip().lower() or "master"
        key = (manifest.reference, level, bill)
        if key in self.consignments:
            consignment, first = self.consignments[key]
            self._same(record, first, CONSIGNMENT_COLUMNS[3:], "bill")
            return consignment
        if level not in ("master", "house"):
            self.error(record, "level", "level", "level is master or house.")
        master_bill = record.values.get("master_bill", "").strip()
        if level == "house" and not master_bill:
            self.error(record, "master_bill", "required", "A house bill names its master bill.")
        if level == "master" and master_bill:
            self.error(
                record, "master_bill", "level", "Only a house bill names a master bill (set level to house)."
            )
        discharge = self.code(record, "port_of_discharge", _LOCODE, "a UN/LOCODE (5 letters such as BBBGI)")
        self.required(record, "port_of_discharge")
        arrival = self.moment(record, "arrival")
        loading = manifest.conveyance.itinerary[0].port if manifest.conveyance.itinerary else ""
        places = {"loading": loading, "discharge": discharge}
        delivery = record.values.get("place_of_delivery", "").strip()
        if delivery:
            places["delivery"] = delivery
        transhipments = []
        for port in record.values.get("transhipment_ports", "").upper().split():
            if _LOCODE.match(port):
                transhipments.append(port)
            else:
                self.error(record, "transhipment_ports", "format", f"{port!r} is not a UN/LOCODE.")
        parties = []
        for role in PARTY_ROLES:
            name = record.values.get(f"{role}_name", "").strip()
            if role != "notify":
                self.required(record, f"{role}_name")
            if not name:
                continue
            parties.append(
                Party(
                    role=role,
                    name=name,
                    address=record.values.get(f"{role}_address", "").strip(),
                    country=self.code(
                        record, f"{role}_country", _COUNTRY, "a country code (2 letters such as BB)"
                    ),
                    identifier=record.values.get(f"{role}_id", "").strip(),
                    where=self.where(record, f"{role}_name"),
                )
            )
        consignment = Consignment(
            bill_number=bill[:70],
            level="house" if level == "house" else "master",
            master_bill=master_bill if level == "house" else "",
            parties=parties,
            places=places,
            transhipments=transhipments,
            where=self.where(record, "bill_number"),
        )
        if discharge and not any(c.port == discharge for c in manifest.conveyance.itinerary):
            manifest.conveyance.itinerary.append(
                PortCall(port=discharge, function="discharge", arrival=arrival)
            )
        self.consignments[key] = (consignment, record)
        manifest.consignments.append(consignment)
        return consignment

    def _item(self, record: Record, consignment: Consignment | None) -> None:
        hs_code = re.sub(r"[\s.]", "", self.required(record, "hs_code"))
        if hs_code and not (hs_code.isdigit() and 6 <= len(hs_code) <= 10):
            self.error(record, "hs_code", "hs_code", f"HS code {hs_code!r} must have 6 to 10 digits.")
        description = self.required(record, "description")
        if description and is_vague(description):
            self.error(
                record,
                "description",
                "vague_description",
                f"The goods description {description!r} does not say what the goods are (as ICS2 requires).",
            )
        packages = self.count(record, "packages")
        self.required(record, "packages")
        mass = self.amount(record, "gross_mass_kg")
        self.required(record, "gross_mass_kg")
        un_number = record.values.get("un_number", "").strip()
        if un_number.upper().startswith("UN"):
            un_number = un_number[2:].strip()
        if un_number and not re.fullmatch(r"\d{4}", un_number):
            self.error(record, "un_number", "un_number", f"UN number {un_number!r} must be 4 digits.")
        package_kind = record.values.get("package_kind", "").strip().upper()
        if package_kind and not re.fullmatch(r"[A-Z0-9]{2}", package_kind):
            self.error(
                record,
                "package_kind",
                "package_kind",
                f"{package_kind!r} is not a UN/ECE Rec. 21 code (CT, PK, BX...).",
            )
        value = self.amount(record, "value")
        currency = self.code(record, "currency", _CURRENCY, "a currency code (3 letters such as USD)")
        if value is not None and not currency:
            self.error(record, "currency", "required", "A declared value needs its currency.")
        number = record.values.get("container", "").strip()
        container = None
        if number:
            full_text = record.values.get("full", "").strip().lower()
            full = True if full_text in _YES else False if full_text in _NO else None
            if full_text and full is None:
                self.error(record, "full", "full", "full is yes or no.")
            container = Container(
                number=number,
                size_type=record.values.get("size_type", "").strip().upper()[:4],
                full=full,
                seals=record.values.get("seals", "").split(),
                where=self.where(record, "container"),
            )
            issue = check_container(container, strict=True)
            if issue is not None:
                self.result.errors.append(issue)
        elif any(record.values.get(c, "").strip() for c in ("size_type", "full", "seals")):
            self.error(
                record, "container", "required", "Give the container number of this size, state or seal."
            )
        if consignment is None:
            return
        item = GoodsItem(
            sequence=str(len(consignment.goods) + 1),
            hs_code=hs_code,
            description=description[:512],
            package_count=packages,
            package_kind=package_kind,
            gross_mass_kg=mass,
            un_number=un_number,
            value=value,
            currency=currency,
            containers=[container.number] if container else [],
            where=self.where(record, "hs_code"),
        )
        consignment.goods.append(item)
        if container is not None:
            known = next((c for c in consignment.containers if c.number == container.number), None)
            if known is None:
                consignment.containers.append(container)
            elif (known.size_type, known.full, known.seals) != (
                container.size_type,
                container.full,
                container.seals,
            ):
                self.error(
                    record,
                    "container",
                    "inconsistent",
                    f"Container {container.number} is described differently in row {known.where.row}.",
                )

    def finish(self) -> None:
        for manifest in self.result.manifests:
            for consignment in manifest.consignments:
                consignment.total_packages = sum(g.package_count or 0 for g in consignment.goods) or None
                masses = [g.gross_mass_kg for g in consignment.goods if g.gross_mass_kg is not None]
                consignment.total_gross_mass_kg = sum(masses, Decimal(0)) if masses else None


def template_rows() -> list[list[str]]:
    """The template: the header and one example row."""
    return [list(COLUMNS), [EXAMPLE.get(c, "") for c in COLUMNS]]
