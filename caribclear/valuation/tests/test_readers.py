"""Every shared WCO DM file read as it is; the CSV/XLSX template; impossible lines named by place."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from caribclear.valuation import readers

FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "wco-dm"
TODAY = dt.date(2026, 12, 1)


def read(name: str) -> readers.ReadResult:
    return readers.read_wco_dm((FIXTURES / name).read_bytes(), default_date=TODAY)


@pytest.mark.parametrize(
    ("name", "reference", "importer"),
    [
        ("import_declaration_im001a.xml", "7847767E1WB6", "GB553202734852"),
        ("import_declaration_im001b.xml", "TT_IM01b_v1.7_220322_1", "GB553202734852"),
    ],
)
def test_the_import_declarations(name, reference, importer):
    result = read(name)
    assert result.errors == []
    assert result.declarations == 1
    (line,) = result.lines
    assert line.declaration == reference
    assert line.line == "1"
    assert line.hs_code == "85109000"
    assert line.origin == "US"
    assert line.net_mass_kg == Decimal(100)
    assert line.quantity is None
    assert (line.value, line.currency) == (Decimal(1000), "GBP")
    assert line.importer == importer
    assert line.exporter == "US Clipper Inc."
    assert line.incoterm == "CIF"
    assert "shavers" in line.description
    wheres = " ".join(w.message for w in result.warnings)
    assert "date of loading (2026-12-01)" in wheres  # the files carry no acceptance date
    assert "invoice amount" in wheres  # nor a customs value amount: the item's invoice amount is used


def test_without_a_date_to_fall_back_on_the_declaration_is_refused():
    result = readers.read_wco_dm((FIXTURES / "import_declaration_im001a.xml").read_bytes())
    assert result.lines == []
    assert result.errors[0].message == "the declaration has no acceptance date"


@pytest.mark.parametrize("name", ["notification_dmsacc.xml", "notification_dmsrej.xml"])
def test_customs_responses_are_refused_with_the_reason(name):
    result = read(name)
    assert result.lines == []
    assert result.errors[0].where == "/MetaData/WCOTypeName"
    assert "customs response" in result.errors[0].message


def test_an_export_declaration_is_refused():
    data = (
        (FIXTURES / "import_declaration_im001a.xml")
        .read_bytes()
        .replace(b"<TypeCode>IMA</TypeCode>", b"<TypeCode>EXA</TypeCode>")
    )
    result = readers.read_wco_dm(data, default_date=TODAY)
    assert result.lines == []
    assert "an export declaration (EXA), not an import declaration" in result.errors[0].message


def test_an_impossible_item_is_named_by_its_place():
    data = (FIXTURES / "import_declaration_im001b.xml").read_bytes().replace(b">85109000<", b">8510<")
    result = readers.read_wco_dm(data, default_date=TODAY)
    assert result.lines == []
    (error,) = result.errors
    assert "GovernmentAgencyGoodsItem[1]" in error.where and error.where.endswith("hs_code")
    assert "6 to 12 digits" in error.message


def test_xml_with_entities_is_refused():
    result = readers.read_wco_dm(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><MetaData/>')
    assert "DOCTYPE" in result.errors[0].message


CSV = (
    "Reg number;Item;Registration date;Tariff code;Country of origin;Supp qty;Supp unit;Net mass;Customs value;Currency;Importer TIN;Exporter;Delivery terms\n"
    "C-2026-1;1;31/03/2026;8517.13.00;CN;200;NAR;180,5;8240,00;USD;TIN1;Shenzhen Tel;FOB\n"
    "C-2026-1;2;31/03/2026;640399;IT;50;PR;;2500;EUR;TIN1;;\n"
)


def test_an_asycuda_style_extract():
    result = readers.read_rows(enumerate(row.split(";") for row in CSV.strip().split("\n")), fmt="csv")
    assert result.errors == []
    first, second = result.lines
    assert (first.hs_code, first.quantity, first.unit, first.net_mass_kg, first.value) == (
        "85171300",
        Decimal(200),
        "NAR",
        Decimal("180.5"),
        Decimal("8240.00"),
    )
    assert first.date == dt.date(2026, 3, 31)
    assert (second.unit, second.currency, second.net_mass_kg) == ("PR", "EUR", None)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("hs_code", "12AB56", "not a tariff code"),
        ("origin", "XX", "not an ISO 3166"),
        ("unit", "bags of", "not one we know"),
        ("value", "-4", "more than zero"),
        ("currency", "DOLLARS", "not an ISO 4217"),
        ("date", "31/02/2026", "not a date"),
    ],
)
def test_an_impossible_line_is_named_by_row_and_column(column, value, message):
    header = list(readers.COLUMNS)
    row = ["D1", "1", "2026-03-31", "851713", "CN", "10", "u", "", "100", "USD", "TIN1", "", "", ""]
    row[header.index(column)] = value
    result = readers.read_rows([(1, header), (2, row)], fmt="csv")
    assert result.lines == []
    (error,) = result.errors
    assert error.where == f"row 2, column {readers._column_letter(header.index(column))}"
    assert message in error.message


def test_a_line_twice_and_an_export_extract():
    header = list(readers.COLUMNS)
    row = ["D1", "1", "2026-03-31", "851713", "CN", "10", "u", "", "100", "USD", "TIN1", "", "", ""]
    result = readers.read_rows([(1, header), (2, row), (3, row)], fmt="csv")
    assert "appears twice" in result.errors[0].message
    export = readers.read_rows(
        [
            (
                1,
                [
                    "declaration",
                    "line",
                    "date",
                    "hs_code",
                    "origin",
                    "value",
                    "currency",
                    "exporter",
                    "export country",
                ],
            )
        ],
        fmt="csv",
    )
    assert "export extract" in export.errors[0].message


def test_the_template_reads_back_as_xlsx():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in readers.template_csv().decode().strip().split("\r\n"):
        sheet.append(row.split(","))
    out = io.BytesIO()
    workbook.save(out)
    from caribclear.valuation.services import read_file

    result = read_file(out.getvalue(), "lines.xlsx")
    assert result.format == "xlsx" and result.errors == [] and len(result.lines) == 1
