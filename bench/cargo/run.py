"""End to end on a generated container ship: read, register, then screen and assess every consignment.

A realistic CUSCAR of N consignments (two goods items each, one container with a seal each, discharged at
Antigua and Barbados) is read, checked and registered as one filing (MRNs, declarations, versions), and each
consignment's declaration is then screened and assessed as the background worker would (``declaration_check``),
against the lists and criteria already in the database. The database is migrated first; nothing is kept
between runs except what the filing adds (run it on a scratch database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cargo .venv/bin/python bench/cargo/run.py --consignments 10000
    .venv/bin/python bench/cargo/run.py --consignments 2000 --screen 500   # SQLite, screen a sample
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")
os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "0"  # queued, as in production; screening is timed below

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from caribclear.accounts.models import User  # noqa: E402
from caribclear.cargo import services  # noqa: E402
from caribclear.cargo.models import Consignment, Filer  # noqa: E402
from caribclear.cargo.samples import container_ship  # noqa: E402
from caribclear.core import declarations  # noqa: E402
from caribclear.risk.services import declaration_check  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consignments", type=int, default=10_000)
    parser.add_argument("--screen", type=int, default=0, help="screen and assess only this many (0: all)")
    parser.add_argument(
        "--profile", type=int, default=0, help="print the N costliest functions of screening and assessing"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(
        email="bench@carrier.example", defaults={"username": "bench@carrier.example", "role": "operator"}
    )
    filer = Filer.objects.filter(organisation__trader_id="BENCH1").first() or services.filer_create(
        actor=None, name="Bench Lines", trader_id="BENCH1", kind="carrier", administrator=user
    )
    run = timezone.now().strftime("%H%M%S")
    started, cpu_started = time.perf_counter(), time.process_time()
    data = container_ship(
        n=args.consignments,
        rng=random.Random(1),
        lrn=f"BENCH-{run}",
        voyage=f"B{run}",
        departs=timezone.now() + dt.timedelta(days=2),
        discharge=["AGSJO", "BBBGI"],
    )
    generated, cpu_generated = time.perf_counter(), time.process_time()
    result = services.read_file(data)
    read, cpu_read = time.perf_counter(), time.process_time()
    # On commit each declaration is queued for screening (the database queue); the bench then screens and
    # assesses them here, as the worker would.
    filed = services.manifest_register(actor=user, filer=filer, result=result, digest="bench")
    registered, cpu_registered = time.perf_counter(), time.process_time()
    manifest = filed.manifests[0]
    ids = list(
        Consignment.objects.filter(manifest=manifest, declaration__isnull=False).values_list(
            "declaration_id", flat=True
        )
    )
    sample = ids[: args.screen] if args.screen else ids
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    queries = [0]

    def counted(execute, sql, params, many, context):  # every statement the database is sent
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        for declaration_id in sample:
            declaration_check(declaration_id=declaration_id)
    if profiler is not None:
        profiler.disable()
    screened, cpu_screened = time.perf_counter(), time.process_time()
    goods = sum(len(c.goods) for c in result.consignments)
    per = (screened - registered) / max(len(sample), 1)
    cpu_per = (cpu_screened - cpu_registered) / max(len(sample), 1)
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(f"file: {len(data) / 1e6:.1f} MB, {len(result.consignments)} consignments, {goods} goods items")
    print(f"generate {generated - started:.2f} s (cpu {cpu_generated - cpu_started:.2f} s)")
    print(f"read {read - generated:.2f} s (cpu {cpu_read - cpu_generated:.2f} s)")
    print(
        f"register {registered - read:.2f} s (cpu {cpu_registered - cpu_read:.2f} s): "
        f"{len(ids) / (registered - read):.0f} consignments/s"
    )
    print(
        f"screen+assess {len(sample)} declarations: {screened - registered:.2f} s, {per * 1000:.1f} ms each "
        f"(cpu of this process {cpu_per * 1000:.1f} ms each; the database's own time is in the wall figure); "
        f"{queries[0] / max(len(sample), 1):.1f} queries each"
    )
    total = (read - generated) + (registered - read) + per * len(ids)
    cpu_total = (cpu_read - cpu_generated) + (cpu_registered - cpu_read) + cpu_per * len(ids)
    print(
        f"end to end for all {len(ids)} (screening extrapolated if sampled): {total:.1f} s wall, "
        f"{cpu_total:.1f} s cpu; kinds: {[k.key for k in declarations.kinds()]}"
    )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats("caribclear", args.profile)


if __name__ == "__main__":
    main()
