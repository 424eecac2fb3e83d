"""Costs of watching the platform: readiness and a metrics scrape against a large job table, what the
request middleware adds per request, and taking a continuity pack with a cruise ship arriving.

    .venv/bin/python bench/ops/run.py [--jobs 200000] [--cruise 2000] [--repeat 5]

Runs on a fresh database: SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is set (the
database is migrated first; use an empty one). Prints medians of --repeat runs.

1. The job table is filled with --jobs results (1% ready, 1% failed, the rest successful, over three
   queues), as a busy month leaves it; `/readyz`'s checks and `/metrics`' exposition are timed on it.
2. Per request, what `RequestContextMiddleware` adds for watching: counting the request by route with its
   latency (`observe_request`) and writing the JSON access line (`JsonFormatter`).
3. A cruise ship of --cruise passengers and a yacht arrive tomorrow: the pack's selection, PDF and CSV.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
os.environ.setdefault("CARIBCLEAR_DEBUG", "1")
os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "1"
if "DATABASE_URL" not in os.environ:
    os.environ["CARIBCLEAR_VAR_DIR"] = tempfile.mkdtemp(prefix="caribclear-ops-bench-")


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200_000)
    parser.add_argument("--cruise", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    import uuid

    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from caribclear.core.health import readiness
    from caribclear.core.logs import JsonFormatter, RequestIdFilter
    from caribclear.core.metrics import exposition, observe_request

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

    # 1. Readiness and a scrape on a large job table.
    now = timezone.now()
    statuses = [TaskResultStatus.READY] + [TaskResultStatus.FAILED] + [TaskResultStatus.SUCCESSFUL] * 98
    queues = ["default", "screening", "default"]
    started = time.perf_counter()
    batch = []
    for i in range(args.jobs):
        status = statuses[i % 100]
        batch.append(
            DBTaskResult(
                id=uuid.uuid4(),
                status=status,
                args_kwargs={"args": [i], "kwargs": {}},
                task_path="caribclear.risk.tasks.declaration_check_task",
                queue_name=queues[i % 3],
                backend_name="default",
                run_after=get_date_max(),
                started_at=None if status == TaskResultStatus.READY else now,
                finished_at=None if status == TaskResultStatus.READY else now,
                exception_class_path="",
                traceback="",
            )
        )
        if len(batch) == 5000:
            DBTaskResult.objects.bulk_create(batch)
            batch = []
    DBTaskResult.objects.bulk_create(batch)
    print(f"job table: {args.jobs:,} results written in {time.perf_counter() - started:.1f} s")
    ok, body = readiness()
    assert ok, body
    print(
        f"  /readyz checks: {median_ms(readiness, args.repeat):.1f} ms (ready jobs: {body['checks']['queue']['ready']:,})"
    )
    print(f"  /metrics exposition: {median_ms(exposition, args.repeat):.1f} ms ({len(exposition()):,} bytes)")

    # 2. What watching adds to each request.
    request = RequestFactory().get("/healthz")
    from django.urls import resolve

    request.resolver_match = resolve("/healthz")
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        observe_request(request, 200, 0.004)
    counting_us = (time.perf_counter() - started) / n * 1e6
    formatter, request_filter = JsonFormatter(), RequestIdFilter()
    record = logging.LogRecord(
        "caribclear.access", logging.INFO, __file__, 1, "%s %s %s", ("GET", "/healthz", 200), None
    )
    record.__dict__.update(
        method="GET",
        path="/healthz",
        route="healthz",
        status=200,
        duration_ms=4.0,
        user_id=None,
        ip="127.0.0.1",
    )
    started = time.perf_counter()
    for _ in range(n):
        request_filter.filter(record)
        formatter.format(record)
    logging_us = (time.perf_counter() - started) / n * 1e6
    print(f"per request: counting {counting_us:.1f} µs, JSON access line {logging_us:.1f} µs")

    if args.cruise:
        pack_bench(args)


def pack_bench(args: argparse.Namespace) -> None:
    """3. The continuity pack with a cruise ship arriving tomorrow."""
    from django.test import TestCase

    from caribclear.accounts.choices import Role
    from caribclear.accounts.models import Administration, User
    from caribclear.core.csv_export import csv_writer
    from caribclear.dashboards.continuity import continuity_pack, csv_rows, pack_pdf
    from caribclear.passengers.services import carrier_create, passenger_list_import
    from caribclear.passengers.tests.factories import Pax, paxlst
    from caribclear.reference.services import ports_of_entry_seed

    ports_of_entry_seed()
    antigua = Administration.objects.get(code="AG")
    official = User.objects.create(
        username="ops-bench@ag.example", email="ops-bench@ag.example", role=Role.OFFICER,
        administration=antigua, agency="customs",
    )  # fmt: skip
    carrier = carrier_create(actor=None, name="Bench Cruises", code="BC", kind="cruise")
    people = [
        Pax(f"TRAVELLER{i:05d}", "ALEX", f"19{50 + i % 50:02d}0{1 + i % 9}1{i % 9}", document=f"PB{i:07d}")
        for i in range(args.cruise)
    ]
    started = time.perf_counter()
    with TestCase.captureOnCommitCallbacks(execute=True):
        outcome = passenger_list_import(
            actor=None, data=paxlst(people, flight="BC1", arrival="AGSJO", hours_ahead=20), carrier=carrier
        )
    assert outcome.ok, outcome.to_json()
    print(
        f"continuity pack: a list of {args.cruise:,} filed and screened in {time.perf_counter() - started:.1f} s"
    )
    pack = continuity_pack(official, hours=48)
    assert pack.people_count == args.cruise, pack.people_count
    print(f"  selection: {median_ms(lambda: continuity_pack(official, hours=48), args.repeat):.0f} ms")
    pdf = pack_pdf(pack)
    print(
        f"  PDF: {median_ms(lambda: pack_pdf(pack), max(1, args.repeat // 2)):.0f} ms, {len(pdf) / 1024:.0f} KiB"
    )

    def write_csv() -> None:
        writer = csv_writer(io.StringIO())
        for row in csv_rows(pack):
            writer.writerow(row)

    print(f"  CSV: {median_ms(write_csv, args.repeat):.0f} ms")


if __name__ == "__main__":
    main()
