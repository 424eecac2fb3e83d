"""Latency of checking one line (``services.line_check``: rates, cells of the five levels, score and
explanation) against a database with the statistics built, e.g. the demo's:

    CARIBCLEAR_DEBUG=1 DATABASE_URL=sqlite:///var/caribclear.sqlite3 .venv/bin/python bench/valuation/check_latency.py [--n 2000]

Prints p50, p95 and p99 in milliseconds (target: p95 under 5 ms), of wall time and of the checking
thread's CPU time: on a shared machine the wall time is mostly waiting for a core.
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
    timings, cpu_timings = [], []
    cpu = time.process_time()
    for line in lines:
        raw = readers.RawLine(
            declaration=line.declaration, line=line.line, date=line.date, hs_code=line.hs_code, origin=line.origin,
            quantity=line.quantity, unit=line.unit_declared, net_mass_kg=line.net_mass_kg, value=line.value,
            currency=line.currency, importer=line.importer, exporter=line.exporter,
        )  # fmt: skip
        started, started_cpu = time.perf_counter(), time.thread_time()
        services.line_check(administration_id=line.administration_id, line=raw)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - started_cpu) * 1000)
    cpu_each = (time.process_time() - cpu) / len(lines) * 1000
    q = statistics.quantiles(timings, n=100)
    c = statistics.quantiles(cpu_timings, n=100)
    print(
        f"{len(timings)} checks: p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, p99 {q[98]:.2f} ms wall"
        f" (target p95 < 5 ms); CPU {cpu_each:.2f} ms a check on average; CPU of the checking thread"
        f" p50 {c[49]:.2f} ms, p95 {c[94]:.2f} ms, p99 {c[98]:.2f} ms (what the wall time is on an idle machine,"
        f" less the database's own time on PostgreSQL)"
    )


if __name__ == "__main__":
    main()
