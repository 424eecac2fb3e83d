"""The CSV/XLSX template for small filers: the template reads back, every error of a file at once with its
row and column, nothing registered until the file is right, and a registered file's consignments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from caribclear.cargo import services
from caribclear.cargo.entry import template_csv, template_xlsx
from caribclear.cargo.models import Manifest
from caribclear.cargo.readers.table import COLUMNS, EXAMPLE, read_table

FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")


NO_BOX = {"container": "", "size_type": "", "full": "", "seals": ""}


def row(**changes: str) -> dict[str, str]:
    return {**EXAMPLE, "departure": FUTURE, **changes}


def as_csv(*rows: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return buffer.getvalue().encode()


def as_xlsx(*rows: dict[str, object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append([r.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_downloadable_templates_read_back_as_one_manifest():
    for data, fmt in ((template_csv(), "csv"), (template_xlsx(), "xlsx")):
        result = services.read_file(data, "auto")
        assert result.format == fmt and result.errors == []
        (manifest,) = result.manifests
        (cons,) = manifest.consignments
        assert (manifest.reference, manifest.conveyance.vessel_name, manifest.conveyance.imo) == (
            "MSC-612W-BB",
            "MSC ALINA",
            "9321483",
        )
        assert cons.bill_number == "MEDUCA123456" and cons.places["discharge"] == "BBBGI"
        assert [c.number for c in cons.containers] == ["CSQU3054383"]
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet is not None and [c.value for c in sheet[1]] == list(COLUMNS)


def test_rows_of_a_bill_are_its_goods_items_and_bills_of_a_reference_one_manifest():
    data = as_csv(
        row(),
        row(hs_code="7318.15", description="STEEL BOLTS", packages="10", gross_mass_kg="300", **NO_BOX),
        row(
            bill_number="MEDUCA999",
            port_of_discharge="AGSJO",
            arrival="2026-12-04 06:00",
            hs_code="100630",
            description="RICE, MILLED",
            **NO_BOX,
        ),
    )
    result = services.read_file(data, "csv")
    assert result.errors == []
    (manifest,) = result.manifests
    first, second = manifest.consignments
    assert [g.description for g in first.goods] == ["GALVANISED STEEL WIRE HOOKS", "STEEL BOLTS"]
    assert first.total_packages == 130 and first.total_gross_mass_kg == Decimal("2700.5")
    assert first.goods[1].hs_code == "731815"
    assert [(p.port, p.function) for p in manifest.conveyance.itinerary] == [
        ("DOCAU", "loading"),
        ("BBBGI", "discharge"),
        ("AGSJO", "discharge"),
    ]
    assert manifest.conveyance.itinerary[2].arrival == dt.datetime(2026, 12, 4, 6, 0)
    assert second.goods[0].hs_code == "100630"


def test_every_error_of_the_file_is_given_at_once_with_row_and_column():
    data = as_csv(
        row(),
        row(bill_number="B2", description="GENERAL CARGO", packages="many", container="CSQU3054384"),
        row(bill_number="B3", port_of_discharge="Bridgetown", consignee_name="", departure="tomorrow"),
        row(bill_number="B4", level="house", hs_code="12", currency="", value="10"),
    )
    result = services.read_file(data, "csv")
    assert result.manifests == []
    found = {(e.where.row, e.where.column, e.code) for e in result.errors}
    letter = {c: chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26) for i, c in enumerate(COLUMNS)}

    def at(r: int, column: str, code: str) -> tuple[int, str, str]:
        return (r, f"{letter[column]} ({column})", code)

    assert found >= {
        at(3, "description", "vague_description"),
        at(3, "packages", "number"),
        at(4, "port_of_discharge", "format"),
        at(4, "consignee_name", "required"),
        at(4, "departure", "inconsistent"),
        at(5, "master_bill", "required"),
        at(5, "hs_code", "hs_code"),
        at(5, "currency", "required"),
    }
    assert any(e.code == "container_check_digit" and e.where.row == 3 for e in result.errors)


def test_a_file_without_the_templates_columns_says_which_are_missing():
    data = as_csv(
        row(), columns=(*tuple(c for c in COLUMNS if c not in ("hs_code", "bill_number")), "colour")
    )
    result = services.read_file(data, "csv")
    assert {(e.code, e.where.column) for e in result.errors} == {
        ("missing_column", "hs_code"),
        ("missing_column", "bill_number"),
    }
    assert [w.code for w in result.warnings] == ["unknown_column"]


def test_an_xlsx_with_real_dates_and_numbers_is_read():
    departs = dt.datetime.now() + dt.timedelta(days=2)  # noqa: DTZ005 - a spreadsheet's local time
    result = services.read_file(
        as_xlsx(row(departure=departs, packages=120, gross_mass_kg=2400.5, imo=9321483, hs_code=732690)),  # type: ignore[arg-type]
        "auto",
    )
    assert result.errors == [] and result.format == "xlsx"
    (cons,) = result.manifests[0].consignments
    assert cons.goods[0].package_count == 120 and cons.goods[0].gross_mass_kg == Decimal("2400.5")
    assert result.manifests[0].conveyance.itinerary[0].departure == departs.replace(second=0, microsecond=0)


def test_a_file_that_is_not_a_table_is_refused_with_a_clear_error():
    result = services.read_file(b"PK\x03\x04not really a zip", "auto")
    assert result.format == "xlsx" and [e.code for e in result.errors] == ["file"]
    assert read_table([], "csv").errors[0].code == "empty"


@pytest.mark.django_db
def test_nothing_is_registered_until_the_file_is_right_then_every_consignment_is(
    filer, carrier_user, antigua, barbados
):
    bad = as_csv(row(), row(bill_number="B2", description="FAK"))
    with pytest.raises(services.FilingRejected) as caught:
        services.manifest_file(actor=carrier_user, data=bad)
    assert [(e.code, e.where.row) for e in caught.value.errors] == [("vague_description", 3)]
    assert not Manifest.objects.exists()
    good = as_csv(row(), row(bill_number="B2", description="FROZEN CHICKEN LEGS", hs_code="020714"))
    (manifest,) = services.manifest_file(actor=carrier_user, data=good).manifests
    assert manifest.format == "csv" and manifest.imo == "9321483"
    assert sorted(manifest.consignments.values_list("bill_number", "administration__code")) == [
        ("B2", "BB"),
        ("MEDUCA123456", "BB"),
    ]
