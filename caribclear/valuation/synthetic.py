"""A seeded generator of assessed import declaration lines with planted under-valuations, for the demo,
the tests and ``bench/valuation`` (which runs it at a larger scale). Pure Python, no Django.

The model of prices (stated, because the figures depend on it): each product (HS6) has a base unit
value; each origin moves it (log-normal, sigma 0.3); each exporter of that product and origin moves it
again (sigma 0.35: brands, grades); a line's price then varies around its exporter's price by sigma 0.08
(quantity discounts, timing). A planted line declares between 30% and 70% less than its true value.
Importers buy a product from several exporters; administrations receive lines in proportion to size.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

COUNTRIES = ("CN", "US", "DE", "JP", "IN", "BR", "MX", "GB", "FR", "IT", "KR", "TR", "CO", "PA")
ADMINISTRATIONS = ("BB", "JM", "TT", "BS", "AG", "LC", "GD", "VC", "KN", "DM", "BZ", "GY", "SR", "CW", "AW")
UNITS = ("kg", "kg", "kg", "kg", "u", "u", "l", "pr")
CHAPTERS = (
    "02", "04", "08", "09", "16", "19", "20", "21", "22", "24", "30", "33", "34", "39", "40", "42", "44",
    "48", "52", "61", "62", "63", "64", "69", "70", "72", "73", "76", "82", "84", "85", "87", "90", "94", "95",
)  # fmt: skip
SIGMA_ORIGIN, SIGMA_EXPORTER, SIGMA_LINE = 0.3, 0.35, 0.08


@dataclass(frozen=True)
class Product:
    hs: str
    unit: str
    log_price: float
    origins: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...]  # origin, shift, exporters
    importers: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    administration: str
    declaration: str
    line: int
    date: dt.date
    hs: str
    origin: str
    exporter: str
    importer: str
    unit: str
    quantity: float
    value: float  # USD
    planted: bool
    true_value: float


def products(rng: random.Random, count: int) -> list[Product]:
    made: dict[str, Product] = {}
    while len(made) < count:
        hs = (
            rng.choice(CHAPTERS)
            + f"{rng.randrange(1, 100):02d}{rng.randrange(10, 100):02d}"
            + f"{rng.randrange(0, 100):02d}"
        )
        if hs[:6] in made:
            continue
        origins = []
        for origin in rng.sample(COUNTRIES, rng.randint(2, 5)):
            exporters = tuple(
                (f"EXP-{hs[:6]}-{origin}-{k}", rng.gauss(0, SIGMA_EXPORTER)) for k in range(rng.randint(1, 4))
            )
            origins.append((origin, rng.gauss(0, SIGMA_ORIGIN), exporters))
        importers = tuple(f"TIN{rng.randrange(10_000, 99_999)}" for _ in range(rng.randint(6, 40)))
        made[hs[:6]] = Product(
            hs, rng.choice(UNITS), rng.uniform(math.log(0.5), math.log(400)), tuple(origins), importers
        )
    return list(made.values())


def lines(
    *,
    seed: int = 13,
    count: int = 100_000,
    n_products: int = 300,
    planted_rate: float = 0.03,
    end: dt.date = dt.date(2026, 11, 30),
    days: int = 365,
    administrations: tuple[str, ...] = ADMINISTRATIONS,
) -> Iterator[Line]:
    rng = random.Random(seed)
    catalogue = products(rng, n_products)
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(catalogue))))
    admin_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.5 for rank in range(len(administrations))))
    declaration = 0
    for index in range(count):
        product = rng.choices(catalogue, cum_weights=weights)[0]
        origin, origin_shift, exporters = rng.choice(product.origins)
        exporter, exporter_shift = rng.choice(exporters)
        log_price = product.log_price + origin_shift + exporter_shift + rng.gauss(0, SIGMA_LINE)
        quantity = round(math.exp(rng.uniform(math.log(5), math.log(5000))), 2)
        true_value = math.exp(log_price) * quantity
        planted = rng.random() < planted_rate
        value = true_value * (1 - rng.uniform(0.3, 0.7)) if planted else true_value
        if index % 3 == 0:
            declaration += 1
        yield Line(
            administration=rng.choices(administrations, cum_weights=admin_weights)[0],
            declaration=f"D{seed}-{declaration:08d}",
            line=index % 3 + 1,
            date=end - dt.timedelta(days=rng.randrange(days)),
            hs=product.hs,
            origin=origin,
            exporter=exporter,
            importer=rng.choice(product.importers),
            unit=product.unit,
            quantity=quantity,
            value=round(value, 2),
            planted=planted,
            true_value=true_value,
        )
