"""The mirror check: UN Comtrade extracts read in both layouts (dirty rows, aggregates, re-exports, refused
files), loaded all or nothing per administration, and shown beside the region's figures where a line is
checked, flagged or made a case; never to another administration."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caribclear.accounts.choices import Role
from caribclear.accounts.services import api_token_create
from caribclear.core.models import AuditEvent
from caribclear.valuation import comtrade, readers, services
from caribclear.valuation.demo import COMTRADE_HEADER
from caribclear.valuation.models import Case, MirrorFigure, MirrorFile

from .helpers import store_lines

pytestmark = pytest.mark.django_db


def columns(text: str) -> list[str]:
    return text.split(",")


PLUS = columns(COMTRADE_HEADER)
LEGACY = columns(
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,"
    "Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,"
    "Qty Unit Code,Qty Unit,Qty,Netweight (kg),Trade Value (US$),Flag"
)
LEGACY_API = columns(
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,"
    "Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,"
    "2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,"
    "Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),"
    "Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag"
)


def plus_row(**changes: object) -> dict[str, object]:
    """A Comtrade+ row as the portal writes it: China's exports of mobile phones to Barbados in 2025."""
    row: dict[str, object] = dict.fromkeys(PLUS, "")
    row.update(
        typeCode="C", freqCode="A", refPeriodId="20250101", refYear="2025", refMonth="52", period="2025",
        reporterCode="156", reporterISO="CHN", reporterDesc="China", flowCode="X", flowDesc="Export",
        partnerCode="52", partnerISO="BRB", partnerDesc="Barbados", partner2Code="0", partner2ISO="W00",
        partner2Desc="World", classificationCode="H6", classificationSearchCode="HS",
        isOriginalClassification="true", cmdCode="851713", cmdDesc="Smartphones", aggrLevel="6", isLeaf="true",
        customsCode="C00", customsDesc="TOTAL CPC", mosCode="0", motCode="0", motDesc="TOTAL MOT",
        qtyUnitCode="5", qtyUnitAbbr="u", qty="12400", isQtyEstimated="false", altQtyUnitCode="-1",
        altQtyUnitAbbr="N/A", altQty="0", isAltQtyEstimated="false", netWgt="2480.5", isNetWgtEstimated="false",
        grossWgt="0", isGrossWgtEstimated="false", cifvalue="", fobvalue="473680", primaryValue="473680",
        legacyEstimationFlag="0", isReported="true", isAggregate="false",
    )  # fmt: skip
    row.update(changes)
    return row


def table(
    header: list[str], rows: Sequence[Mapping[str, object]], *, delimiter: str = ",", bom: bool = True
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def read(data: bytes, name: str = "TradeData.csv") -> comtrade.MirrorRead:
    return services.mirror_read(data, name)


# --- The reader -------------------------------------------------------------------------------------------
def test_a_comtrade_plus_extract_with_its_aggregates_and_dirty_rows():
    rows = [
        plus_row(),  # row 2: one figure per unit and one per kg (net weight)
        plus_row(partnerCode="0", partnerISO="W00", partnerDesc="World", fobvalue="9e9", primaryValue="9e9"),
        plus_row(cmdCode="TOTAL", aggrLevel="0"),
        plus_row(cmdCode="8517", aggrLevel="4"),
        plus_row(flowCode="RX", flowDesc="Re-export", reporterCode="842", reporterISO="USA"),
        plus_row(flowCode="M", flowDesc="Import"),
        plus_row(motCode="2100", motDesc="Sea"),
        plus_row(reporterCode="490", reporterISO="S19", reporterDesc="Other Asia, nes"),
        # row 10: no quantity (Comtrade's -1, N/A, 0): the net weight gives a figure per kg
        plus_row(cmdCode="640399", qtyUnitCode="-1", qtyUnitAbbr="N/A", qty="0", netWgt="1,250.5", fobvalue="",
                 primaryValue="7.88954e+04"),
        plus_row(cmdCode="640391", qtyUnitCode="-1", qtyUnitAbbr="N/A", qty="0", netWgt="0"),  # nothing
        plus_row(cmdCode="220421", period="202503", freqCode="M", qtyUnitCode="7", qtyUnitAbbr="l", qty="900",
                 netWgt="", fobvalue="5400", isQtyEstimated="true"),
    ]  # fmt: skip
    result = read(table(PLUS, rows))
    assert result.errors == [] and result.layout == "comtrade-plus" and result.read == 11
    figures = {(f.hs6, f.period, f.unit): f for f in result.rows}
    assert set(figures) == {
        ("851713", "2025", "u"), ("851713", "2025", "kg"), ("640399", "2025", "kg"), ("220421", "2025-03", "l"),
    }  # fmt: skip
    phones = figures[("851713", "2025", "u")]
    assert (phones.reporter, phones.partner, phones.value, phones.quantity) == ("CN", "BB", 473680, 12400)
    assert phones.row == 2 and not phones.estimated
    assert figures[("640399", "2025", "kg")].value == Decimal("78895.4")  # primaryValue when no fobvalue
    assert figures[("640399", "2025", "kg")].quantity == Decimal("1250.5")  # thousands separator
    assert figures[("220421", "2025-03", "l")].estimated and figures[("220421", "2025-03", "l")].month == 3
    warnings = {w.message.split(": ", 1)[1]: (w.where, w.message.split()[0]) for w in result.warnings}
    assert warnings[comtrade.SKIP_REASONS["world"]] == ("row 3", "1")
    assert warnings[comtrade.SKIP_REASONS["aggregate"]] == ("row 4", "2")
    assert warnings[comtrade.SKIP_REASONS["re-export"]] == ("row 6", "1")
    assert warnings[comtrade.SKIP_REASONS["import"]] == ("row 7", "1")
    assert warnings[comtrade.SKIP_REASONS["breakdown"]] == ("row 8", "1")
    assert warnings[comtrade.SKIP_REASONS["not-country"]] == ("row 9", "1")
    assert warnings[comtrade.SKIP_REASONS["no-quantity"]] == ("row 11", "1")


def test_units_are_converted_with_the_unit_table():
    rows = [
        plus_row(cmdCode="640399", qtyUnitCode="6", qtyUnitAbbr="2u", qty="300", netWgt=""),
        plus_row(cmdCode="240220", qtyUnitCode="9", qtyUnitAbbr="1000u", qty="12", netWgt=""),
        plus_row(cmdCode="610910", qtyUnitCode="11", qtyUnitAbbr="12u", qty="10", netWgt=""),
        plus_row(cmdCode="271600", qtyUnitCode="3", qtyUnitAbbr="1000 kWh", qty="2", netWgt=""),
        plus_row(cmdCode="440710", qtyUnitCode="12", qtyUnitAbbr="m³", qty="40", netWgt=""),
    ]
    figures = {f.hs6: (f.unit, f.quantity) for f in read(table(PLUS, rows)).rows}
    assert figures == {
        "640399": ("pr", 300), "240220": ("u", 12000), "610910": ("u", 120), "271600": ("kwh", 2000),
        "440710": ("m3", 40),
    }  # fmt: skip


def test_bad_rows_are_named_with_their_row_and_column():
    rows = [
        plus_row(),
        plus_row(cmdCode="851714", fobvalue="lots", primaryValue="lots"),
        plus_row(cmdCode="85AB13"),
        plus_row(cmdCode="851715", period="2025-13"),
        plus_row(cmdCode="851716", qty="-5"),
        plus_row(cmdCode="851717", qtyUnitCode="77", qtyUnitAbbr="barrels"),
        plus_row(),  # the same figure again
    ]
    result = read(table(PLUS, rows))
    assert [(e.where, e.message) for e in result.errors] == [
        ("row 3, column fobvalue", "fob 'lots' is not a number"),
        ("row 4, column cmdCode", "commodity code '85AB13' is not an HS code of 6 digits"),
        ("row 5, column period", "period '2025-13' is not a year (2024) or a month (202403)"),
        ("row 6, column qty", "qty '-5' is negative"),
        ("row 7, column qtyUnitCode", "quantity unit 'barrels' is not a Comtrade unit"),
        ("row 8", "exports of HS 851713 from CN to BB in 2025 (u) appear twice (first at row 2)"),
        ("row 8", "exports of HS 851713 from CN to BB in 2025 (kg) appear twice (first at row 2)"),
    ]
    assert not result.ok


def test_the_legacy_layouts():
    legacy = [
        {"Classification": "H5", "Year": "2019", "Period": "2019", "Trade Flow Code": "2", "Trade Flow": "Export",
         "Reporter Code": "842", "Reporter": "USA", "Reporter ISO": "USA", "Partner Code": "52",
         "Partner": "Barbados", "Partner ISO": "BRB", "Commodity Code": "220421", "Commodity": "Wine",
         "Qty Unit Code": "7", "Qty Unit": "Volume in liters", "Qty": "15000", "Netweight (kg)": "16200",
         "Trade Value (US$)": "96000", "Flag": "0"},
        {"Classification": "H5", "Year": "2019", "Period": "2019", "Trade Flow Code": "2", "Reporter ISO": "USA",
         "Partner Code": "0", "Partner ISO": "WLD", "Commodity Code": "220421", "Qty Unit Code": "7",
         "Qty": "1", "Trade Value (US$)": "1"},
        {"Classification": "H5", "Year": "2019", "Period": "2019", "Trade Flow Code": "3", "Reporter ISO": "USA",
         "Partner ISO": "BRB", "Commodity Code": "220421", "Qty Unit Code": "7", "Qty": "1",
         "Trade Value (US$)": "1"},
        {"Classification": "H5", "Year": "2019", "Period": "2019", "Trade Flow Code": "2", "Reporter ISO": "FRA",
         "Partner ISO": "BRB", "Commodity Code": "220421", "Qty Unit Code": "1", "Qty Unit": "No Quantity",
         "Qty": "", "Netweight (kg)": "", "Trade Value (US$)": "5000", "Flag": "0"},
    ]  # fmt: skip
    result = read(table(LEGACY, legacy, bom=False))
    assert result.errors == [] and result.layout == "comtrade-legacy"
    assert {(f.reporter, f.unit, f.quantity, f.value) for f in result.rows} == {
        ("US", "l", 15000, 96000), ("US", "kg", 16200, 96000),
    }  # fmt: skip
    assert len(result.warnings) == 3  # World, re-export, no quantity
    api = [{**legacy[0], "2nd Partner Code": "", "Customs Proc. Code": "", "Mode of Transport Code": "",
            "FOB Trade Value (US$)": "95000", "Flag": "2"}]  # fmt: skip
    result = read(table(LEGACY_API, api))
    assert result.errors == [] and {f.value for f in result.rows} == {95000}  # FOB where given
    assert all(f.estimated for f in result.rows)  # a legacy flag other than 0: estimated


def test_a_bulk_file_with_codes_only_tab_separated():
    header = [h for h in PLUS if not h.endswith(("ISO", "Desc"))]
    rows = [
        plus_row(reporterCode="842", partnerCode="52"),  # the USA's Comtrade code is not ISO's 840
        plus_row(reporterCode="251", partnerCode="52", cmdCode="220421"),  # France: 251, not 250
        plus_row(reporterCode="490", partnerCode="52", cmdCode="220422"),  # Other Asia, nes
    ]
    result = read(table(header, rows, delimiter="\t"), "TradeData.txt")
    assert result.errors == []
    assert {(f.reporter, f.partner, f.hs6) for f in result.rows} == {
        ("US", "BB", "851713"),
        ("FR", "BB", "220421"),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (("\n".join([",".join(readers.COLUMNS), "D1,1,2026-03-31,85171300,CN,10,u,,500,USD,TIN1,,FOB,x"])).encode(),
         "this is not a UN Comtrade extract"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text (CSV) file"),
        (",".join(PLUS).encode() + b"\r\n", "the extract has a header but no rows"),
    ],
)  # fmt: skip
def test_files_that_are_not_an_extract_are_refused(data, message):
    result = read(data)
    assert not result.ok and message in result.errors[0].message


def test_an_extract_of_imports_only_is_refused():
    result = read(table(PLUS, [plus_row(flowCode="M"), plus_row(flowCode="M", cmdCode="220421")]))
    assert "no export figure of a country" in result.errors[0].message
    sitc = read(table(PLUS, [plus_row(classificationCode="S4", classificationSearchCode="SITC")]))
    assert "no export figure" in sitc.errors[0].message and "classifications" in sitc.warnings[0].message


# --- Loading ----------------------------------------------------------------------------------------------
def test_loading_is_all_or_nothing_per_administration(barbados, officer_bb):
    bad = table(PLUS, [plus_row(), plus_row(cmdCode="220421", fobvalue="x", primaryValue="x")])
    report = services.mirror_load(actor=officer_bb, administration=barbados, data=bad, name="bad.csv")
    assert not report.ok and MirrorFigure.objects.count() == 0 and MirrorFile.objects.count() == 0

    good = table(PLUS, [plus_row(), plus_row(partnerCode="388", partnerISO="JAM", partnerDesc="Jamaica")])
    checked = services.mirror_load(
        actor=officer_bb, administration=barbados, data=good, name="TradeData.csv", check=True
    )
    assert checked.ok and checked.stored == 0 and MirrorFigure.objects.count() == 0
    report = services.mirror_load(actor=officer_bb, administration=barbados, data=good, name="TradeData.csv")
    assert report.ok and report.stored == 2 and report.replaced == 0
    assert "exports to other countries (JM)" in report.warnings[-1].message
    assert set(MirrorFigure.objects.values_list("partner", flat=True)) == {"BB"}
    event = AuditEvent.objects.get(action="valuation.mirror_load")
    assert event.actor == officer_bb and event.data["figures"] == 2
    assert MirrorFile.objects.get().loaded_by == officer_bb

    revised = table(PLUS, [plus_row(fobvalue="500000", primaryValue="500000")])
    again = services.mirror_load(actor=officer_bb, administration=barbados, data=revised, name="revised.csv")
    assert again.stored == 2 and again.replaced == 2
    assert set(MirrorFigure.objects.values_list("value_usd", flat=True)) == {Decimal("500000.00")}

    only_others = table(PLUS, [plus_row(partnerCode="388", partnerISO="JAM")])
    refused = services.mirror_load(actor=officer_bb, administration=barbados, data=only_others, name="x.csv")
    assert not refused.ok and "no exports to Barbados" in refused.errors[0].message


def test_thousands_of_rows(barbados, officer_bb):
    rows = [
        plus_row(cmdCode=f"{chapter:02d}{sub:04d}", reporterCode="156", qty=str(100 + sub), fobvalue=str(1000 + sub))
        for chapter in range(1, 11)
        for sub in range(101, 601)
    ]  # fmt: skip
    report = services.mirror_load(
        actor=officer_bb, administration=barbados, data=table(PLUS, rows), name="big.csv"
    )
    assert report.ok and report.rows_read == 5000 and report.stored == 10000  # per unit and per kg


def run(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    with redirect_stdout(out):
        try:
            call_command("import_comtrade", *args, "--json", stdout=out)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_the_command(barbados, tmp_path):
    path = tmp_path / "TradeData.csv"
    path.write_bytes(table(PLUS, [plus_row()]))
    code, report = run(str(path), "--check")
    assert (
        code == 0 and report["layout"] == "comtrade-plus" and report["figures"] == 2 and report["stored"] == 0
    )
    code, report = run(str(path), "--administration", "BB")
    assert code == 0 and report["stored"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(table(PLUS, [plus_row(period="20x5")]))
    code, report = run(str(bad), "--administration", "BB")
    assert code == 1 and report["errors"] == [
        {"where": "row 2, column period", "message": "period '20x5' is not a year (2024) or a month (202403)"}
    ]
    assert MirrorFigure.objects.count() == 2


# --- Shown beside the regional figure -------------------------------------------------------------------
@pytest.fixture
def officer_bb(make_user, barbados):
    return make_user(role=Role.OFFICER, administration=barbados, email="valuer@bb.example")


@pytest.fixture
def loaded(barbados, antigua, officer_bb):
    store_lines(
        antigua, hs="85171300", origin="CN", unit_value=40, count=30, importers=["A", "B", "C"], unit="u"
    )
    report = services.mirror_load(
        actor=officer_bb, administration=barbados, data=table(PLUS, [plus_row()]), name="TradeData_BB.csv"
    )
    assert report.ok
    return report


def _line(**changes: object) -> readers.RawLine:
    values: dict = dict(
        declaration="BB-2026-1", line="1", date=timezone.localdate(), hs_code="85171300", origin="CN",
        quantity="100", unit="u", net_mass_kg=None, value="80", currency="USD", importer="TIN-BB-1",
    )  # fmt: skip
    values.update(changes)
    return readers.check_line(**values)


def test_the_check_shows_the_exporting_country_beside_the_region(loaded, barbados, antigua):
    check = services.line_check(administration_id=barbados.pk, line=_line())
    assert check.flagged and "the region's median" in check.explanation
    words = check.mirror_explanation
    assert "China reported exports of HS 851713 to Barbados in 2025 of 473,680 USD FOB" in words
    assert "for 12,400 unit, that is 38.20 USD per unit" in words and "TradeData_BB.csv" in words
    assert "never a value to declare" in words
    in_kg = services.line_check(administration_id=barbados.pk, line=_line(quantity="20", unit="kg"))
    assert "per kg" in in_kg.mirror_explanation  # the net weight's figure
    assert services.line_check(administration_id=barbados.pk, line=_line(origin="VN")).mirror is None
    # Another administration: the figures Barbados loaded do not exist for Antigua.
    assert services.line_check(administration_id=antigua.pk, line=_line()).mirror is None


def test_the_pages_and_the_api_show_it_and_keep_it_on_the_case(loaded, officer_bb, client_for, barbados):
    client = client_for(officer_bb)
    fields = {"declaration": "BB-2026-1", "line": "1", "date": timezone.localdate().isoformat(),
              "hs_code": "85171300", "origin": "CN", "quantity": "100", "unit": "u", "value": "80",
              "currency": "USD", "importer": "TIN-BB-1"}  # fmt: skip
    page = client.post(reverse("valuation:check"), {**fields, "action": "check"})
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "What the exporting country reported" in body
        and "38.20 USD per unit" in body
    )
    opened = client.post(
        reverse("valuation:check"),
        {**fields, "action": "open", "reason": "The supplier's catalogue price is far above this invoice."},
    )
    assert opened.status_code == 302
    case = Case.objects.get()
    assert "China reported exports" in case.mirror
    assert "38.20 USD per unit" in client.get(reverse("valuation:case", args=[case.pk])).content.decode()

    _token, raw = api_token_create(user=officer_bb, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = api.post(
        "/api/valuation/check", {**fields, "quantity": "100"}, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="m1",
    )  # fmt: skip
    assert answer.status_code == 200 and "38.20 USD per unit" in answer.json()["mirror"]
    assert "China reported" in api.get(f"/api/valuation/cases/{case.pk}").json()["mirror"]


def test_the_flagged_line_page_shows_it(loaded, officer_bb, client_for, barbados):
    (line,) = store_lines(
        barbados, hs="85171300", origin="CN", unit_value=0.8, count=1, importers=["Z"], unit="u", prefix="LOW"
    )
    body = client_for(officer_bb).get(reverse("valuation:line", args=[line.pk])).content.decode()
    assert "What the exporting country reported" in body and "38.20 USD per unit" in body


def test_the_upload_page(barbados, antigua, officer_bb, make_user, client_for):
    client = client_for(officer_bb)
    assert client.get(reverse("valuation:mirror")).status_code == 200
    empty = client.post(reverse("valuation:mirror"), {"check_only": "on"})
    body = empty.content.decode()
    assert empty.status_code == 422 and "This field is required" in body and 'href="#id_file"' in body
    assert re.search(r'<input type="checkbox" name="check_only"[^>]*\bchecked', body)  # kept as ticked
    bad = client.post(
        reverse("valuation:mirror"),
        {
            "file": SimpleUploadedFile("TradeData.csv", table(PLUS, [plus_row(period="x")])),
            "check_only": "on",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 422 and "row 2, column period" in body and "nothing was loaded" in body
    good = client.post(
        reverse("valuation:mirror"),
        {"file": SimpleUploadedFile("TradeData_BB.csv", table(PLUS, [plus_row()]))},
    )
    assert good.status_code == 302
    listing = client.get(reverse("valuation:mirror")).content.decode()
    assert "TradeData_BB.csv" in listing and "2 export figures were loaded" in listing
    outsider = make_user(role=Role.OFFICER, administration=antigua)
    assert "TradeData_BB.csv" not in client_for(outsider).get(reverse("valuation:mirror")).content.decode()
    assert Client().get(reverse("valuation:mirror")).status_code == 302  # sign in first


def test_the_api_loads_an_extract(barbados, officer_bb):
    _token, raw = api_token_create(user=officer_bb, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = api.post(
        "/api/valuation/comtrade",
        {"file": SimpleUploadedFile("TradeData.csv", table(PLUS, [plus_row(qty="many")]))},
        HTTP_IDEMPOTENCY_KEY="c1",
    )
    assert refused.status_code == 422 and refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [
        {"field": "row 2, column qty", "message": "qty 'many' is not a number"}
    ]
    checked = api.post(
        "/api/valuation/comtrade?check=true",
        {"file": SimpleUploadedFile("TradeData.csv", table(PLUS, [plus_row()]))},
        HTTP_IDEMPOTENCY_KEY="c2",
    )
    assert checked.status_code == 200 and checked.json()["figures"] == 2 and checked.json()["stored"] == 0
    loaded = api.post(
        "/api/valuation/comtrade",
        {"file": SimpleUploadedFile("TradeData.csv", table(PLUS, [plus_row()]))},
        HTTP_IDEMPOTENCY_KEY="c3",
    )
    assert (
        loaded.status_code == 200
        and loaded.json()["stored"] == 2
        and loaded.json()["layout"] == "comtrade-plus"
    )
    assert MirrorFile.objects.get().loaded_by == officer_bb


@pytest.mark.django_db
def test_the_mirror_shown_is_the_latest_year_before_a_month_of_that_year_and_its_file_is_named(barbados):
    from caribclear.valuation.models import MirrorFigure, MirrorFile

    def figure(file: MirrorFile, period: str, year: int, month: int | None, value: str) -> None:
        MirrorFigure.objects.create(
            administration=barbados, file=file, reporter="CN", partner="BB", hs6="851713", period=period,
            year=year, month=month, unit="u", quantity=Decimal("100"), value_usd=Decimal(value),
        )  # fmt: skip

    old = MirrorFile.objects.create(administration=barbados, name="2024.csv", layout="plus")
    new = MirrorFile.objects.create(administration=barbados, name="2025.csv", layout="plus")
    figure(old, "2024", 2024, None, "1000")
    figure(new, "2025-03", 2025, 3, "3000")
    figure(new, "2025", 2025, None, "2500")
    figure(new, "2025-11", 2025, 11, "4000")
    found = services.mirror_find(administration_id=barbados.pk, hs6="851713", origin="CN", unit="u")
    assert found is not None
    assert (found.period, found.value_usd, found.file_name) == ("2025", Decimal("2500"), "2025.csv")
    assert found.loaded_at == new.created_at
    assert services.mirror_find(administration_id=barbados.pk, hs6="851713", origin="VN", unit="u") is None
