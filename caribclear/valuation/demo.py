"""The valuation demo: a year of seeded synthetic declaration lines from the members (with planted
under-valuations), exchange rates with their source, and Decision 6.1 cases at each step. Idempotent."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from statistics import median

from django.utils import timezone

from caribclear.accounts.models import User

from . import readers, services
from .models import DeclarationLine
from .seed import seed_lines

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RATES = b"date,currency,per_usd\n" + b"".join(
    f"{(timezone.localdate() - dt.timedelta(days=d)).isoformat()},{c},{r}\n".encode()
    for d in range(0, 60, 7)
    for c, r in (("XCD", "2.70"), ("EUR", "0.92"), ("GBP", "0.79"), ("BBD", "2.00"))
)


#: Comtrade's quantity unit code and abbreviation for the demo's base units.
COMTRADE_UNITS = {"kg": ("8", "kg"), "u": ("5", "u"), "l": ("7", "l"), "pr": ("6", "2u")}
COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,"
    "flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,"
    "classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,"
    "customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,"
    "altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,"
    "fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate"
)


def comtrade_extract(partner: str, lines: list[DeclarationLine], *, seed: int = 13) -> bytes:
    """A small UN Comtrade+ extract as the portal gives it (BOM, quoted, one row per exporter, HS6 and
    year), of the origin countries' exports to ``partner`` for the HS6, origin and unit of ``lines``: each
    exporter's FOB unit value is the region's median for that product and origin, moved by up to 15% either
    way (freight and insurance are not in an FOB figure), with a World row and a re-export row as real
    extracts have them."""
    import pycountry

    rng = random.Random(seed)
    year = timezone.localdate().year - 1
    destination = pycountry.countries.get(alpha_2=partner)
    assert destination is not None
    partner_iso3, partner_name = destination.alpha_3, destination.name
    out = io.StringIO()
    out.write("\ufeff" + COMTRADE_HEADER + "\r\n")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for key in sorted({(line.hs6, line.origin, line.unit) for line in lines}):
        hs6, origin, unit = key
        same = DeclarationLine.objects.filter(hs6=hs6, origin=origin, unit=unit).values_list(
            "value_reference", "quantity_base"
        )
        unit_values = [float(v) / float(q) for v, q in same if q]
        if not unit_values:
            continue
        unit_value = median(unit_values) * rng.uniform(0.85, 1.15)
        quantity = round(sum(float(q) for _v, q in same) * rng.uniform(0.8, 1.6))
        country = pycountry.countries.get(alpha_2=origin)
        assert country is not None
        code, abbr = COMTRADE_UNITS[unit]
        net = quantity if unit == "kg" else round(quantity * rng.uniform(0.2, 2.0), 1)
        value = round(quantity * unit_value)
        for flow, flow_desc, partner_row, factor in (
            ("X", "Export", (partner_iso3, partner_name), 1.0),
            ("X", "Export", ("W00", "World"), 140.0),
            ("RX", "Re-export", (partner_iso3, partner_name), 0.05),
        ):
            partner_code = "0" if partner_row[0] == "W00" else country_numeric(partner)
            writer.writerow([
                "C", "A", f"{year}0101", year, 52, year, country_numeric(origin), country.alpha_3, country.name,
                flow, flow_desc, partner_code, partner_row[0], partner_row[1], 0, "W00", "World", "H6", "HS",
                "true", hs6, f"HS {hs6}", 6, "true", "C00", "TOTAL CPC", 0, 0, "TOTAL MOT", code, abbr,
                round(quantity * factor), "false", -1, "N/A", 0, "false", round(net * factor, 1), "false", 0, "false",
                "", round(value * factor), round(value * factor), 4, "true", "false",
            ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def country_numeric(alpha_2: str) -> str:
    """Comtrade's code of a country: ISO 3166's numeric code, except for the few Comtrade numbers apart."""
    import pycountry

    from .comtrade import COMTRADE_NUMERIC

    for code, iso in COMTRADE_NUMERIC.items():
        if iso == alpha_2:
            return code
    found = pycountry.countries.get(alpha_2=alpha_2)
    assert found is not None
    return str(found.numeric).lstrip("0")


def seed_valuation_demo(*, officials: list[User], write: Callable[[str], None]) -> None:
    if DeclarationLine.objects.exists():
        return
    generated = seed_lines(count=8000, n_products=30, seed=13)
    customs = next(o for o in officials if o.email == "customs@antigua.demo")
    administration = customs.administration
    assert administration is not None
    services.rates_load(
        actor=customs, administration=administration, data=RATES, name="eccb-rates.csv",
        source="Eastern Caribbean Central Bank, weekly reference rates (demo figures)",
    )  # fmt: skip
    flagged = list(
        DeclarationLine.objects.filter(administration=administration, scored__score__gte=3).order_by(
            "-scored__score"
        )[:3]
    )
    mirror = services.mirror_load(
        actor=customs, administration=administration, data=comtrade_extract(
            administration.code,
            flagged + list(DeclarationLine.objects.filter(administration=administration).order_by("pk")[:60]),
        ),
        name=f"TradeData_{administration.code}_exports_to.csv",
    )  # fmt: skip
    assert mirror.ok, mirror.to_json()
    reasons = [
        "The invoice price is far below the exporter's published catalogue and the freight was paid separately.",
        "Same importer declared this product at four times the price last quarter; no discount is documented.",
        "The declared value does not cover the freight and insurance paid for the container.",
    ]
    for step, (line, reason) in enumerate(zip(flagged, reasons, strict=False)):
        raw = readers.RawLine(
            declaration=line.declaration, line=line.line, date=line.date, hs_code=line.hs_code, origin=line.origin,
            quantity=line.quantity, unit=line.unit_declared, net_mass_kg=None, value=line.value, currency=line.currency,
            importer=line.importer, exporter=line.exporter,
        )  # fmt: skip
        check = services.line_check(administration_id=administration.pk, line=raw)
        case = services.case_open(actor=customs, check=check, reason=reason, line=line)
        if step >= 1:
            case = services.case_request_evidence(
                actor=customs, case=case, email="imports@harbour-trading.demo",
                questions="Please send the commercial invoice, the sales contract and the proof of payment.",
                deadline=timezone.localdate() + dt.timedelta(days=14),
            )  # fmt: skip
        if step >= 2:
            services.case_answer(
                case=case,
                answer="The price reflects a 5-year supply contract with a volume discount; invoice and contract attached.",
                documents=[("invoice.pdf", PDF)],
            )
    planted = sum(1 for line in generated if line.planted)
    write(
        f"Valuation: {mirror.stored} UN Comtrade export figures to {administration.code} for the mirror check"
    )
    write(
        f"Valuation: {len(generated)} synthetic declaration lines ({planted} planted under-valuations), "
        f"{DeclarationLine.objects.filter(scored__score__gte=3).count()} flagged; 3 cases for customs@antigua.demo at /valuation/"
    )
