"""Latency of checking one line (``services.line_check``: rates, cells of the five levels, score and
explanation) against a database with the statistics built, e.g. the demo's:

    CARIBCLEAR_DEBUG=1 DATABASE_URL=sqlite:///var/caribclear.sqlite3 .venv/bin/python bench/valuation/check_latency.py [--n 2000]

Prints p50, p95 and p99 in milliseconds (target: p95 under 5 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")

import django

django.setup()

from caribclear.valuation import readers, services  # noqa: E402
from caribclear.valuation.models import DeclarationLine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    lines = list(DeclarationLine.objects.order_by("?")[: args.n])
    if not lines:
        sys.exit("no lines: run seed_demo first")
    timings = []
    for line in lines:
        raw = readers.RawLine(
            declaration=line.declaration, line=line.line, date=line.date, hs_code=line.hs_code, origin=line.origin,
            quantity=line.quantity, unit=line.unit_declared, net_mass_kg=line.net_mass_kg, value=line.value,
            currency=line.currency, importer=line.importer, exporter=line.exporter,
        )  # fmt: skip
        started = time.perf_counter()
        services.line_check(administration_id=line.administration_id, line=raw)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    print(
        f"{len(timings)} checks: p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, p99 {q[98]:.2f} ms (target p95 < 5 ms)"
    )


if __name__ == "__main__":
    main()
