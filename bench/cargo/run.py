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
import datetime as dt
import os
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
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(
        email="bench@carrier.example", defaults={"username": "bench@carrier.example", "role": "operator"}
    )
    filer = Filer.objects.filter(trader_id="BENCH1").first() or services.filer_create(
        actor=None, name="Bench Lines", trader_id="BENCH1", kind="carrier", administrator=user
    )
    run = timezone.now().strftime("%H%M%S")
    started = time.perf_counter()
    data = container_ship(
        n=args.consignments,
        rng=random.Random(1),
        lrn=f"BENCH-{run}",
        voyage=f"B{run}",
        departs=timezone.now() + dt.timedelta(days=2),
        discharge=["AGSJO", "BBBGI"],
    )
    generated = time.perf_counter()
    result = services.read_file(data)
    read = time.perf_counter()
    # On commit each declaration is queued for screening (the database queue); the bench then screens and
    # assesses them here, as the worker would.
    filed = services.manifest_register(actor=user, filer=filer, result=result, digest="bench")
    registered = time.perf_counter()
    manifest = filed.manifests[0]
    ids = list(
        Consignment.objects.filter(manifest=manifest, declaration__isnull=False).values_list(
            "declaration_id", flat=True
        )
    )
    sample = ids[: args.screen] if args.screen else ids
    for declaration_id in sample:
        declaration_check(declaration_id=declaration_id)
    screened = time.perf_counter()
    goods = sum(len(c.goods) for c in result.consignments)
    per = (screened - registered) / max(len(sample), 1)
    print(f"file: {len(data) / 1e6:.1f} MB, {len(result.consignments)} consignments, {goods} goods items")
    print(
        f"generate {generated - started:.2f} s; read {read - generated:.2f} s; register {registered - read:.2f} s "
        f"({len(ids) / (registered - read):.0f} consignments/s)"
    )
    print(
        f"screen+assess {len(sample)} declarations: {screened - registered:.2f} s ({per * 1000:.1f} ms each)"
    )
    total = (read - generated) + (registered - read) + per * len(ids)
    print(
        f"end to end for all {len(ids)} (screening extrapolated if sampled): {total:.1f} s; kinds: "
        f"{[k.key for k in declarations.kinds()]}"
    )


if __name__ == "__main__":
    main()
