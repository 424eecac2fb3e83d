"""Loading: rates with their source, all or nothing, lines already loaded, the command's contract."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from caribclear.core.models import AuditEvent
from caribclear.valuation import readers, services
from caribclear.valuation.models import Cell, DeclarationLine, ExchangeRate, RatesFile

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "wco-dm"

HEADER = ",".join(readers.COLUMNS)


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


LINE_GBP = "D1,1,2026-03-31,85171300,CN,10,u,,500,GBP,TIN1,,FOB,phones"
LINE_USD = "D1,2,2026-03-31,640399,IT,5,PR,,250,USD,TIN1,,,shoes"


def test_a_value_in_another_currency_needs_a_rate(barbados):
    report = services.declarations_import(
        actor=None, administration=barbados, data=csv(LINE_GBP, LINE_USD), name="a.csv"
    )
    assert not report.ok and report.stored == 0
    assert "No exchange rate for GBP" in report.errors[0].message
    assert DeclarationLine.objects.count() == 0  # nothing half-loaded: the USD line was not stored either


def test_rates_then_lines(barbados):
    rates = services.rates_load(
        actor=None,
        administration=barbados,
        data=b"date,currency,per_usd\n2026-03-30,GBP,0.8\n2026-03-30,EUR,0.92\n",
        name="rates.csv",
        source="Central Bank of Barbados",
    )
    assert rates.errors == [] and rates.rates == 2
    assert RatesFile.objects.get().source == "Central Bank of Barbados"
    report = services.declarations_import(
        actor=None, administration=barbados, data=csv(LINE_GBP, LINE_USD), name="a.csv"
    )
    assert report.ok and report.stored == 2
    phones = DeclarationLine.objects.get(line="1")
    assert phones.value_reference == Decimal("625.0000")  # 500 GBP at 0.8 per USD
    assert phones.rate is not None and phones.rate.rates_file.source == "Central Bank of Barbados"
    assert (phones.unit, phones.quantity_base) == ("u", Decimal(10))
    assert Cell.objects.filter(hs6="851713").exists()
    assert AuditEvent.objects.filter(action="valuation.declarations_load").exists()
    again = services.declarations_import(
        actor=None, administration=barbados, data=csv(LINE_GBP), name="a.csv"
    )
    assert again.ok and again.stored == 0 and again.skipped == 1


def test_a_bad_rates_file_is_refused_whole(barbados):
    result = services.rates_load(
        actor=None,
        administration=barbados,
        data=b"date,currency,per_usd\n2026-03-30,GBP,0.8\n2026-03-31,GBX,1\n",
        name="r.csv",
        source="x",
    )
    assert result.errors[0].where == "row 3" and "ISO 4217" in result.errors[0].message
    assert ExchangeRate.objects.count() == 0
    missing = services.rates_load(
        actor=None, administration=barbados, data=b"day,rate\n", name="r.csv", source="x"
    )
    assert "date, currency and per_usd" in missing.errors[0].message


def run(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    with redirect_stdout(out):
        try:
            call_command("import_declarations", *args, "--json", stdout=out)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_the_command_on_every_shared_wco_file(barbados):
    services.rates_load(
        actor=None,
        administration=barbados,
        data=b"date,currency,per_usd\n2026-11-30,GBP,0.79\n",
        name="r.csv",
        source="ECCB",
    )
    code, report = run(
        str(FIXTURES / "import_declaration_im001a.xml"), "--administration", "BB", "--date", "2026-12-01"
    )
    assert code == 0
    assert (
        report["format"] == "wco-dm"
        and report["declarations"] == 1
        and report["lines"] == 1
        and report["stored"] == 1
    )
    assert {w["where"] for w in report["warnings"]} >= {"/MetaData/Declaration[1] (7847767E1WB6)"}
    code, report = run(
        str(FIXTURES / "import_declaration_im001b.xml"),
        "--check",
        "--administration",
        "BB",
        "--date",
        "2026-12-01",
    )
    assert code == 0 and report["stored"] == 0
    assert DeclarationLine.objects.count() == 1  # --check stored nothing
    for name in ("notification_dmsacc.xml", "notification_dmsrej.xml"):
        code, report = run(str(FIXTURES / name), "--check")
        assert code == 1
        assert report["errors"] == [
            {
                "where": "/MetaData/WCOTypeName",
                "message": "this is a customs response (RES), not an import declaration",
            }
        ]


def test_the_command_refuses_a_file_with_an_impossible_line(barbados, tmp_path):
    path = tmp_path / "lines.csv"
    path.write_bytes(csv(LINE_USD, "D2,1,2026-03-31,851713,CN,-3,u,,10,USD,TIN1,,,"))
    code, report = run(str(path), "--administration", "BB", "--format", "csv")
    assert code == 1
    assert report["errors"] == [{"where": "row 3, column F", "message": "quantity -3 must be more than zero"}]
    assert DeclarationLine.objects.count() == 0


def test_a_rate_once_loaded_stays(barbados):
    first = b"date,currency,per_usd\n2026-03-30,GBP,0.8\n"
    assert (
        services.rates_load(
            actor=None, administration=barbados, data=first, name="r.csv", source="ECCB"
        ).rates
        == 1
    )
    assert (
        services.rates_load(
            actor=None, administration=barbados, data=first, name="r.csv", source="ECCB"
        ).rates
        == 0
    )
    other = services.rates_load(
        actor=None,
        administration=barbados,
        data=b"date,currency,per_usd\n2026-03-30,GBP,0.81\n",
        name="r.csv",
        source="x",
    )
    assert (
        other.errors[0].where == "GBP 2026-03-30"
        and "0.8" in other.errors[0].message
        and "ECCB" in other.errors[0].message
    )
    assert ExchangeRate.objects.get().per_reference == Decimal("0.8")
