"""The valuation demo: a year of seeded synthetic declaration lines from the members (with planted
under-valuations), exchange rates with their source, and Decision 6.1 cases at each step. Idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
        DeclarationLine.objects.filter(administration=administration, score__gte=3).order_by("-score")[:3]
    )
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
        f"Valuation: {len(generated)} synthetic declaration lines ({planted} planted under-valuations), "
        f"{DeclarationLine.objects.filter(score__gte=3).count()} flagged; 3 cases for customs@antigua.demo at /valuation/"
    )
