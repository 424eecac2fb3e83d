"""Reader of UN Comtrade extracts for the mirror check: a partner country's reported exports, HS6 by HS6.

Pure Python, no Django: table rows in (``core.uploads`` has decoded the bytes: UTF-8 with or without BOM,
else Windows-1252; comma, semicolon or tab; quoting), :class:`MirrorRead` out. A reader never raises on bad
input. Two layouts are read, recognised by their header:

- **Comtrade+** (the current database: the portal's download and the API's CSV, and the bulk files, which
  carry codes only): ``typeCode, freqCode, refPeriodId, refYear, refMonth, period, reporterCode,
  reporterISO, reporterDesc, flowCode, flowDesc, partnerCode, partnerISO, partnerDesc, partner2Code, ...,
  classificationCode, cmdCode, cmdDesc, aggrLevel, isLeaf, customsCode, mosCode, motCode, qtyUnitCode,
  qtyUnitAbbr, qty, isQtyEstimated, altQtyUnitCode, altQty, netWgt, grossWgt, cifvalue, fobvalue,
  primaryValue, legacyEstimationFlag, isReported, isAggregate``. Flows are letters (X export, RX re-export,
  M import, RM re-import); a missing quantity is ``qtyUnitCode -1``, ``N/A`` and ``0``.
- **Legacy Comtrade** (the former API and bulk CSV): ``Classification, Year, Period, Period Desc.,
  Aggregate Level, Is Leaf Code, Trade Flow Code, Trade Flow, Reporter Code, Reporter, Reporter ISO,
  Partner Code, Partner, Partner ISO, [2nd Partner..., Customs Proc. Code..., Mode of Transport Code...,]
  Commodity Code, Commodity, Qty Unit Code, Qty Unit, Qty, [Alt Qty...,] Netweight (kg), [Gross weight
  (kg),] Trade Value (US$), [CIF Trade Value (US$), FOB Trade Value (US$),] Flag``. Flows are numbers
  (1 import, 2 export, 3 re-export, 4 re-import); partner World is ``WLD``.

What is kept: **exports** (flow X / 2) of a country, HS6 by HS6, as totals (partner a country, second
partner World, every customs procedure, every mode of transport). Each row gives a figure per unit of its
supplementary quantity (converted with the app's unit table) and, where a net weight is reported, per kg.
What is passed over, counted in a warning with the first row it was seen on: aggregates (partner World,
``TOTAL`` and 2- or 4-digit codes), re-exports (goods of other origins: not the reporter's own exports, so
not comparable with a declared origin), imports, breakdowns by procedure or transport, reporters that are
not a country (``Other Asia, nes``, areas), rows without any quantity. What rejects the file: a header
that is not a Comtrade extract, services or SITC data only, and any row whose figures are impossible (a
value, quantity, period or code that is not one), each with its row and column; the loader then stores
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry

from . import units
from .readers import Issue

#: Header names (lower case, letters and digits only) -> field, for both layouts.
COLUMNS: dict[str, str] = {
    # Comtrade+
    "typecode": "type", "freqcode": "freq", "period": "period", "refyear": "year", "refmonth": "month",
    "reportercode": "reporter_code", "reporteriso": "reporter_iso", "reporterdesc": "reporter_name",
    "flowcode": "flow", "partnercode": "partner_code", "partneriso": "partner_iso",
    "partnerdesc": "partner_name", "partner2code": "partner2", "classificationcode": "classification",
    "cmdcode": "cmd", "customscode": "customs", "motcode": "mot", "qtyunitcode": "qty_unit_code",
    "qtyunitabbr": "qty_unit", "qty": "qty", "netwgt": "net_kg", "fobvalue": "fob", "primaryvalue": "value",
    "isqtyestimated": "qty_estimated", "isreported": "reported",
    # legacy Comtrade
    "classification": "classification", "year": "year", "tradeflowcode": "flow", "reporter": "reporter_name",
    "partner": "partner_name", "2ndpartnercode": "partner2", "customsproccode": "customs",
    "modeoftransportcode": "mot", "commoditycode": "cmd", "qtyunit": "qty_unit", "netweightkg": "net_kg",
    "tradevalueus": "value", "fobtradevalueus": "fob", "flag": "flag",
}  # fmt: skip

LEGACY_FLOWS = {"1": "M", "2": "X", "3": "RX", "4": "RM"}

#: Comtrade's quantity units (the WCO standard units) by code, and by abbreviation or description as the
#: files write them -> a unit of ``units.CONVERSIONS``; None where there is no quantity or no conversion.
QTY_CODES: dict[str, str | None] = {
    "-1": None, "0": None, "1": None, "2": "M2", "3": "MWH", "4": "M", "5": "U", "6": "PR", "7": "L", "8": "KG",
    "9": "MIL", "10": None, "11": "DZN", "12": "M3", "13": "CT",
}  # fmt: skip
QTY_NAMES: dict[str, str | None] = {
    "n/a": None, "na": None, "noquantity": None, "-": None, "m²": "M2", "m2": "M2", "1000kwh": "MWH", "m": "M",
    "u": "U", "2u": "PR", "l": "L", "kg": "KG", "1000u": "MIL", "u(jeu/pack)": None, "12u": "DZN", "m³": "M3",
    "m3": "M3", "carat": "CT", "areainsquaremeters": "M2",
    "electricalenergyinthousandsofkilowatt-hours": "MWH", "lengthinmeters": "M", "numberofitems": "U",
    "numberofpairs": "PR", "volumeinliters": "L", "weightinkilograms": "KG", "thousandsofitems": "MIL",
    "thousandofitems": "MIL", "numberofpackages": None, "dozenofitems": "DZN", "volumeincubicmeters": "M3",
    "weightincarats": "CT",
}  # fmt: skip

#: Comtrade's country codes that are not the ISO 3166 numeric code of the same country (bulk files carry
#: only the numeric codes); other numeric codes are looked up in ISO 3166.
COMTRADE_NUMERIC = {"842": "US", "251": "FR", "699": "IN", "757": "CH", "579": "NO"}
#: Comtrade's codes for the world and for groups that are not one country.
NOT_COUNTRIES = {"0", "W00", "WLD", "97", "EUR", "EU", "490", "S19", "899", "X1", "_X", "XX"}
WORLD = {"0", "W00", "WLD"}

MAX_ERRORS = 200


@dataclass
class MirrorRow:
    """One export figure: what ``reporter`` declared it exported of ``hs6`` to ``partner`` in ``period``,
    FOB in US dollars, with the quantity in one base unit of the app's unit table."""

    reporter: str  # ISO 3166 alpha-2 of the exporting country
    partner: str  # ISO 3166 alpha-2 of the country of destination
    hs6: str
    period: str  # "2024" (a year) or "2024-03" (a month)
    year: int
    month: int | None
    value: Decimal  # US dollars, FOB
    quantity: Decimal  # in ``unit``
    unit: str  # base unit code: kg, u, l, pr, m2...
    unit_reported: str  # the quantity's unit as the file wrote it ("u", "kg", "net weight, kg")
    estimated: bool
    row: int

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.reporter, self.partner, self.hs6, self.period, self.unit)

    def to_json(self) -> dict[str, Any]:
        return {
            "reporter": self.reporter, "partner": self.partner, "hs6": self.hs6, "period": self.period,
            "value_usd": str(self.value), "quantity": str(self.quantity), "unit": self.unit,
            "estimated": self.estimated, "row": self.row,
        }  # fmt: skip


@dataclass
class MirrorRead:
    layout: str = ""  # "comtrade-plus" or "comtrade-legacy"
    rows: list[MirrorRow] = field(default_factory=list)
    read: int = 0  # data rows read
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    skipped: dict[str, list[int]] = field(default_factory=dict)  # reason -> [count, first row]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def skip(self, reason: str, row: int) -> None:
        seen = self.skipped.setdefault(reason, [0, row])
        seen[0] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "rows_read": self.read,
            "figures": len(self.rows),
            "warnings": [w.to_json() for w in self.warnings],
            "errors": [e.to_json() for e in self.errors],
        }


#: Why rows are passed over, as a person reads it (the count and the first row are added).
SKIP_REASONS = {
    "world": "partner World (an aggregate of all partners)",
    "aggregate": "aggregate commodity codes (TOTAL, chapters, headings)",
    "re-export": "re-exports (goods of other origins, not comparable with a declared origin)",
    "import": "imports and re-imports (a mirror check needs the partner's exports)",
    "breakdown": "breakdowns by customs procedure, mode of transport or second partner (the total is used)",
    "not-country": "reporters or partners that are not one country (areas, 'Other Asia, nes', unions)",
    "no-quantity": "no quantity and no net weight (no unit value can be computed)",
    "not-hs": "commodity classifications other than the Harmonized System",
    "services": "trade in services",
    "zero-value": "a trade value of zero",
}


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


class Skip(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name or "").strip().lower().lstrip("\ufeff"))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any, column: str) -> Decimal | None:
    """A figure as Comtrade writes it (``1048837``, ``7.889540e+06``, ``12,400.5``); None when empty."""
    text = _text(value).replace("\u00a0", "").replace(" ", "")
    if not text or text.upper() in ("N/A", "NA", "NULL"):
        return None
    if "," in text and "." not in text and re.fullmatch(r"-?\d+,\d{1,2}", text) is None:
        text = text.replace(",", "")  # thousands separators
    elif "," in text and "." in text:
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(column, f"{column} {value!r} is not a number") from None
    if not number.is_finite():
        raise RowError(column, f"{column} {value!r} is not a number")
    if number < 0:
        raise RowError(column, f"{column} {value!r} is negative")
    return number


def country(iso: Any, code: Any, column: str) -> str:
    """ISO 3166 alpha-2 of a Comtrade reporter or partner (by its ISO alpha-3 column, else its code);
    Skip for the world and for groups of countries."""
    iso_text, code_text = _text(iso).upper(), _text(code)
    if code_text.endswith(".0"):
        code_text = code_text[:-2]
    if iso_text in WORLD or (not iso_text and code_text in WORLD):
        raise Skip("world")
    if iso_text in NOT_COUNTRIES or (not iso_text and code_text in NOT_COUNTRIES):
        raise Skip("not-country")
    if iso_text:
        found = pycountry.countries.get(alpha_3=iso_text) if len(iso_text) == 3 else None
        if found is None:
            raise Skip("not-country")
        return str(found.alpha_2)
    if not code_text:
        raise RowError(column, f"{column} is missing")
    if not code_text.isdigit():
        raise RowError(column, f"{column} {code!r} is not a Comtrade country code")
    if code_text in COMTRADE_NUMERIC:
        return COMTRADE_NUMERIC[code_text]
    found = pycountry.countries.get(numeric=code_text.zfill(3))
    if found is None:
        raise Skip("not-country")
    return str(found.alpha_2)


def period_of(value: Any, year: Any, month: Any) -> tuple[str, int, int | None]:
    """A period as Comtrade writes it, 2024 or 202403 (else the year and month columns): its key ("2024" or
    "2024-03"), year and month."""
    text = _text(value)
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        text = _text(year) + (
            f"{int(_text(month)):02d}" if _text(month).isdigit() and int(_text(month)) <= 12 else ""
        )
    if not re.fullmatch(r"\d{4}(\d{2})?", text):
        raise RowError("period", f"period {value!r} is not a year (2024) or a month (202403)")
    number = int(text[:4])
    if not 1962 <= number <= 2100:
        raise RowError("period", f"period {value!r} is outside 1962-2100")
    if len(text) == 4:
        return text, number, None
    month_number = int(text[4:])
    if not 1 <= month_number <= 12:
        raise RowError("period", f"period {value!r} has no month {text[4:]}")
    return f"{text[:4]}-{text[4:]}", number, month_number


def _flag(value: Any) -> bool:
    return _text(value).lower() in ("true", "1", "yes")


def _qty_unit(code: Any, name: Any) -> tuple[str | None, str]:
    """The unit of the app's table for Comtrade's quantity unit (None: no quantity), and its name."""
    code_text, name_text = _text(code), _text(name)
    if code_text.endswith(".0"):
        code_text = code_text[:-2]
    if code_text in QTY_CODES:
        return QTY_CODES[code_text], name_text or code_text
    key = re.sub(r"\s", "", name_text.lower())
    if key in QTY_NAMES:
        return QTY_NAMES[key], name_text
    if not code_text and not name_text:
        return None, ""
    raise RowError("qtyUnitCode", f"quantity unit {name_text or code_text!r} is not a Comtrade unit")


def _layout(columns: dict[str, int]) -> str:
    if "tradeflowcode" in columns or "commoditycode" in columns:
        return "comtrade-legacy"
    return "comtrade-plus"


def read_comtrade(rows: Iterable[tuple[int, list[Any]]]) -> MirrorRead:
    """Export figures from the rows of a Comtrade extract (row number, cells), the header first."""
    result = MirrorRead()
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        result.errors.append(Issue("file", "the file is empty"))
        return result
    header_number, header = first
    keys = [_key(name) for name in header]
    columns: dict[str, int] = {}
    for index, key in enumerate(keys):
        name = COLUMNS.get(key)
        if name and name not in columns:
            columns[name] = index
    has = set(columns)
    needed = {"flow", "cmd"} <= has and ("value" in has or "fob" in has)
    needed = (
        needed
        and bool({"reporter_iso", "reporter_code"} & has)
        and bool({"partner_iso", "partner_code"} & has)
    )
    needed = needed and bool({"period", "year"} & has)
    if not needed:
        result.errors.append(
            Issue(
                f"row {header_number}",
                "this is not a UN Comtrade extract: the header has no reporter, partner, flow, commodity "
                "code and trade value columns (download the data as CSV from UN Comtrade)",
            )
        )
        return result
    if "qty" not in has and "net_kg" not in has:
        result.errors.append(
            Issue(f"row {header_number}", "the extract has neither quantities nor net weights: no unit value")
        )
        return result
    result.layout = _layout({k: i for i, k in enumerate(keys)})
    names = {name: header[index] for name, index in columns.items()}
    seen: dict[tuple[str, str, str, str, str], int] = {}
    for number, cells in iterator:
        result.read += 1
        values = {name: (cells[index] if index < len(cells) else None) for name, index in columns.items()}
        try:
            figures = _figures(values, number, result.layout)
        except Skip as skipped:
            result.skip(skipped.reason, number)
            continue
        except RowError as error:
            if len(result.errors) < MAX_ERRORS:
                column = names.get(error.column, error.column)
                result.errors.append(Issue(f"row {number}, column {column}", error.message))
            continue
        for figure in figures:
            first_row = seen.get(figure.key())
            if first_row is not None:
                if len(result.errors) < MAX_ERRORS:
                    result.errors.append(
                        Issue(
                            f"row {number}",
                            f"exports of HS {figure.hs6} from {figure.reporter} to {figure.partner} in "
                            f"{figure.period} ({figure.unit}) appear twice (first at row {first_row})",
                        )
                    )
                continue
            seen[figure.key()] = number
            result.rows.append(figure)
    if len(result.errors) >= MAX_ERRORS:
        result.errors.append(
            Issue("file", f"more than {MAX_ERRORS} rows with errors: the rest are not listed")
        )
    for reason, (count, first_row) in result.skipped.items():
        result.warnings.append(
            Issue(f"row {first_row}", f"{count} rows passed over: {SKIP_REASONS.get(reason, reason)}")
        )
    if not result.errors and not result.rows:
        if result.read == 0:
            result.errors.append(Issue("file", "the extract has a header but no rows"))
        else:
            result.errors.append(
                Issue(
                    "file",
                    "no export figure of a country at HS 6 digits to load: download exports (flow X), "
                    "HS 6-digit codes and the partner country, with a quantity or net weight",
                )
            )
    return result


def _figures(values: dict[str, Any], number: int, layout: str) -> list[MirrorRow]:
    kind = _text(values.get("type")).upper()
    if kind and kind != "C":
        raise Skip("services")
    flow = _text(values.get("flow")).upper()
    if flow.endswith(".0"):
        flow = flow[:-2]
    flow = LEGACY_FLOWS.get(flow, flow) if layout == "comtrade-legacy" or flow.isdigit() else flow
    if not flow:
        raise RowError("flow", "the trade flow is missing")
    if flow == "RX":
        raise Skip("re-export")
    if "M" in flow:
        raise Skip("import")
    if flow != "X":
        raise Skip("breakdown")  # domestic exports, exports after or for processing: part of the total X
    classification = _text(values.get("classification")).upper()
    if classification and not (classification == "HS" or re.fullmatch(r"H\d", classification)):
        raise Skip("not-hs")
    cmd = re.sub(r"[\s.]", "", _text(values.get("cmd")))
    if cmd.upper() in ("TOTAL", "ALL", "AG2", "AG4", "AG6") or (cmd.isdigit() and len(cmd) < 6):
        raise Skip("aggregate")
    if not cmd.isdigit() or len(cmd) != 6:
        raise RowError("cmd", f"commodity code {values.get('cmd')!r} is not an HS code of 6 digits")
    if int(cmd[:2]) == 0 or int(cmd[:2]) > 99 or cmd[:2] == "77":
        raise RowError("cmd", f"commodity code {cmd}: chapter {cmd[:2]} does not exist")
    if _text(values.get("partner2")) not in ("", "0", "0.0"):
        raise Skip("breakdown")
    if _text(values.get("customs")).upper() not in ("", "C00"):
        raise Skip("breakdown")
    if _text(values.get("mot")) not in ("", "0", "0.0"):
        raise Skip("breakdown")
    reporter = country(values.get("reporter_iso"), values.get("reporter_code"), "reporterCode")
    partner = country(values.get("partner_iso"), values.get("partner_code"), "partnerCode")
    period, year, month = period_of(values.get("period"), values.get("year"), values.get("month"))
    fob = _number(values.get("fob"), "fob")
    primary = _number(values.get("value"), "value")
    value = fob if fob else primary
    if value is None:
        raise RowError("value" if "value" in values else "fob", "the trade value is missing")
    if value == 0:
        raise Skip("zero-value")
    if value >= Decimal("1e15"):
        raise RowError("value", f"trade value {value} is impossibly large")
    unit_name, unit_reported = _qty_unit(values.get("qty_unit_code"), values.get("qty_unit"))
    qty = _number(values.get("qty"), "qty")
    net = _number(values.get("net_kg"), "net_kg")
    estimated = _flag(values.get("qty_estimated")) or _text(values.get("flag")) not in ("", "0")
    figures: list[MirrorRow] = []

    def figure(quantity: Decimal, unit: str, reported: str) -> MirrorRow:
        return MirrorRow(
            reporter=reporter, partner=partner, hs6=cmd, period=period, year=year, month=month, value=value,
            quantity=quantity, unit=unit, unit_reported=reported, estimated=estimated, row=number,
        )  # fmt: skip

    if unit_name is not None and qty:
        quantity, base = units.normalise(qty, unit_name)
        figures.append(figure(quantity, base.code, unit_reported))
    if net and not any(f.unit == units.KG.code for f in figures):
        figures.append(figure(net, units.KG.code, "net weight, kg"))
    if not figures:
        raise Skip("no-quantity")
    return figures
