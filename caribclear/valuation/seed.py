"""Seeded synthetic lines stored as if loaded by each administration (the demo and the tests): values in
US dollars, then the statistics rebuilt. Returns the generator's lines, planted flags included."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction

from caribclear.accounts.models import Administration

from . import synthetic
from .choices import Source
from .models import DeclarationLine, ImportBatch
from .services import cells_refresh

UNIT_CODES = {"kg": "KGM", "u": "NAR", "l": "LTR", "pr": "PR"}


@transaction.atomic
def seed_lines(
    *, count: int = 20_000, seed: int = 13, end: dt.date | None = None, n_products: int = 60
) -> list[synthetic.Line]:
    end = end or dt.date.today()  # noqa: DTZ011 - a calendar day
    administrations = {a.code: a for a in Administration.objects.all()}
    codes = tuple(c for c in synthetic.ADMINISTRATIONS if c in administrations)
    generated = list(
        synthetic.lines(
            seed=seed, count=count, n_products=n_products, end=end, days=360, administrations=codes
        )
    )
    batches = {
        code: ImportBatch.objects.create(
            administration=administrations[code], source=Source.CSV, name=f"synthetic-{seed}.csv"
        )
        for code in codes
    }
    rows = []
    for line in generated:
        quantity = Decimal(str(line.quantity))
        value = Decimal(str(line.value))
        rows.append(
            DeclarationLine(
                administration=administrations[line.administration],
                batch=batches[line.administration],
                declaration=line.declaration,
                line=str(line.line),
                date=line.date,
                hs_code=line.hs,
                hs6=line.hs[:6],
                hs4=line.hs[:4],
                origin=line.origin,
                quantity=quantity,
                unit_declared=UNIT_CODES[line.unit],
                quantity_base=quantity,
                unit=line.unit,
                value=value,
                currency="USD",
                value_reference=value,
                log_unit_value=math.log(float(value) / float(quantity)),
                importer=line.importer,
                exporter=line.exporter,
            )
        )
    DeclarationLine.objects.bulk_create(rows, batch_size=2000)
    for code, batch in batches.items():
        batch.lines = sum(1 for r in rows if r.administration.code == code)
        batch.declarations = len({r.declaration for r in rows if r.administration.code == code})
        batch.save(update_fields=["lines", "declarations"])
    cells_refresh(new_line_ids=None, today=end)
    from .services import _score_stored

    _score_stored(DeclarationLine.objects.filter(batch__in=batches.values()))
    return generated
