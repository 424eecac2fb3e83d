"""Shared builders for the valuation tests: a cell of honest lines from several importers and
administrations, stored as loaded, with its statistics built."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.utils import timezone

from caribclear.accounts.models import Administration
from caribclear.valuation.choices import Source
from caribclear.valuation.models import DeclarationLine, ImportBatch
from caribclear.valuation.services import cells_refresh


def store_lines(
    administration: Administration,
    *,
    hs: str,
    origin: str,
    unit_value: float,
    count: int,
    importers: list[str],
    exporter: str = "",
    spread: float = 0.05,
    seed: int = 1,
    prefix: str = "T",
    unit: str = "kg",
    refresh: bool = True,
) -> list[DeclarationLine]:
    rng = random.Random(seed)
    batch = ImportBatch.objects.create(administration=administration, source=Source.CSV, name="test.csv")
    today = timezone.localdate()
    rows = []
    for index in range(count):
        quantity = Decimal(100)
        price = unit_value * math.exp(rng.uniform(-spread, spread))
        value = (Decimal(str(round(price, 4))) * quantity).quantize(Decimal("0.01"))
        rows.append(
            DeclarationLine(
                administration=administration,
                batch=batch,
                declaration=f"{prefix}{seed}-{index}",
                line="1",
                date=today - dt.timedelta(days=index % 200),
                hs_code=hs,
                hs6=hs[:6],
                hs4=hs[:4],
                origin=origin,
                quantity=quantity,
                unit_declared="KGM" if unit == "kg" else unit.upper(),
                quantity_base=quantity,
                unit=unit,
                value=value,
                currency="USD",
                value_reference=value,
                log_unit_value=math.log(float(value) / float(quantity)),
                importer=importers[index % len(importers)],
                exporter=exporter,
            )
        )
    created = DeclarationLine.objects.bulk_create(rows)
    if refresh:
        cells_refresh(new_line_ids=[r.pk for r in created])
    return created
