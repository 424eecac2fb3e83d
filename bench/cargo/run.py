"""End to end on a generated container ship: read, register, then screen and assess every consignment.

A realistic CUSCAR of N consignments (two goods items each, one container with a seal each, discharged at
Antigua and Barbados) is read, checked and registered as one filing (MRNs, declarations, versions), and each
consignment's declaration is then screened and assessed as the background worker would (``declaration_check``),
against the lists and criteria already in the database. The database is migrated first; nothing is kept
between runs except what the filing adds (run it on a scratch database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cargo .venv/bin/python bench/cargo/run.py --consignments 10000
    .venv/bin/python bench/cargo/run.py --consignments 2000 --screen 500   # SQLite, screen a sample
    DATABASE_URL=... .venv/bin/python bench/cargo/run.py --consignments 10000 --workers 2 --verify

``--workers N`` has N ``manage.py worker`` processes take the check tasks registration queues (instead of
checking in this process), and times the filing from reading to the last task done.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")
os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "0"  # queued, as in production; screening is timed below

import gc

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import queue_workers  # noqa: E402
from bench.backend_cpu import backend_cpu  # noqa: E402
from caribclear.accounts.models import User  # noqa: E402
from caribclear.cargo import services  # noqa: E402
from caribclear.cargo.models import Consignment, Filer  # noqa: E402
from caribclear.cargo.samples import container_ship  # noqa: E402
from caribclear.core import declarations  # noqa: E402
from caribclear.risk.services import declaration_check, declarations_check  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"


class Workers(queue_workers.Workers):
    """The bench's queue workers (``bench/queue_workers.py``), each with its screening indexes built (as a
    running worker has them) by a one-declaration check it took from the queue before the timing."""

    def warm(self, declaration_ids: list[int]) -> None:
        """Queue one-declaration checks until every worker has run one (its indexes are then built)."""
        from caribclear.risk.tasks import check_declaration_task

        warmed: set[str] = set()
        for _round in range(6):
            since = timezone.now()
            for declaration_id in declaration_ids[: len(self.ids)]:
                check_declaration_task.enqueue(declaration_id=declaration_id)
            self.wait(since)
            warmed |= self.ran(since)
            if warmed >= set(self.ids):
                return
        raise RuntimeError(f"workers {set(self.ids) - warmed} took no warm-up check")


def results(manifest_id: int) -> tuple[dict[str, Any], str]:
    """What checking a manifest left, to compare two ways of checking it: counts (lanes, hits, runs, audit
    events by action) and a digest of each consignment's outcome by its bill of lading (status, lane,
    criteria lane, score, the criteria that fired, the hits: list, entry, subject)."""
    from caribclear.core.models import AuditEvent
    from caribclear.risk.models import Assessment, Firing
    from caribclear.screening.models import Hit, ScreeningRun

    bills = dict(
        Consignment.objects.filter(manifest_id=manifest_id).values_list("declaration_id", "bill_number")
    )
    outcome: dict[str, list[Any]] = {}
    for row in Assessment.objects.filter(declaration_id__in=bills).values(
        "pk", "declaration_id", "lane", "criteria_lane", "score", "hits_lane", "open_hits"
    ):
        outcome[bills[row["declaration_id"]][-7:]] = [
            row["lane"],
            row["criteria_lane"],
            row["score"],
            row["hits_lane"],
            row["open_hits"],
            [],
            [],
        ]
    by_assessment = dict(
        Assessment.objects.filter(declaration_id__in=bills).values_list("pk", "declaration_id")
    )
    for assessment_id, name in Firing.objects.filter(
        assessment_id__in=by_assessment, is_current=True
    ).values_list("assessment_id", "version__name"):
        outcome[bills[by_assessment[assessment_id]][-7:]][5].append(name)
    hits = 0
    for declaration_id, watchlist, entity, subject in Hit.objects.filter(
        declaration_id__in=bills, is_current=True
    ).values_list("declaration_id", "watchlist__name", "entity_id", "subject_key"):
        outcome[bills[declaration_id][-7:]][6].append([watchlist, entity, subject])
        hits += 1
    statuses = Counter(Consignment.objects.filter(manifest_id=manifest_id).values_list("status", flat=True))
    for bill, status in Consignment.objects.filter(manifest_id=manifest_id).values_list(
        "bill_number", "status"
    ):
        outcome.setdefault(bill[-7:], []).insert(0, status)
    for value in outcome.values():
        value[-1].sort()
        value[-2].sort()
    digest = hashlib.sha256(repr(sorted(outcome.items())).encode()).hexdigest()[:16]
    object_ids = [str(pk) for pk in bills]
    consignment_ids = [
        str(pk) for pk in Consignment.objects.filter(manifest_id=manifest_id).values_list("pk", flat=True)
    ]
    events = Counter(
        AuditEvent.objects.filter(object_type="core.declaration", object_id__in=object_ids).values_list(
            "action", flat=True
        )
    ) + Counter(
        AuditEvent.objects.filter(object_type="cargo.consignment", object_id__in=consignment_ids).values_list(
            "action", flat=True
        )
    )
    counts = {
        "lanes": dict(sorted(Counter(v[1] for v in outcome.values()).items())),
        "criteria lanes": dict(sorted(Counter(v[2] for v in outcome.values()).items())),
        "statuses": dict(sorted(statuses.items())),
        "hits": hits,
        "runs": ScreeningRun.objects.filter(declaration_id__in=bills).count(),
        "audit events": dict(sorted(events.items())),
    }
    return counts, digest


class CollectorClock:
    """The time the cyclic garbage collector takes (its collections' start to stop), in this process."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1

    def take(self) -> tuple[float, int]:
        taken = (self.seconds, self.collections)
        self.seconds, self.collections = 0.0, 0
        return taken


def _db(before: float | None, after: float | None) -> str:
    return "" if before is None or after is None else f"; database backend cpu {after - before:.2f} s"


def targeting() -> None:
    """What the consignments are screened and assessed against, set up once per database: the OFAC SDN
    list (about 18,000 names with aliases; the shared real file), a lookout on one of the generated
    consignees, and criteria on cargo facts in both members."""
    from caribclear.accounts.models import Administration
    from caribclear.risk.choices import Lane
    from caribclear.risk.models import Criterion
    from caribclear.risk.services import criterion_create
    from caribclear.screening.choices import LookoutKind
    from caribclear.screening.models import Lookout, Watchlist
    from caribclear.screening.services import lookout_create

    if not Watchlist.objects.filter(name="OFAC SDN").exists():
        with tempfile.TemporaryDirectory() as directory:
            for kind in ("sdn", "alt", "add"):
                shutil.copy(FIXTURES / "watchlists" / f"ofac_{kind}.csv", Path(directory) / f"{kind}.csv")
            call_command(
                "import_watchlist",
                "--name",
                "OFAC SDN",
                "--format",
                "ofac",
                str(Path(directory) / "sdn.csv"),
                stdout=io.StringIO(),
            )
    for code in ("AG", "BB"):
        administration = Administration.objects.get(code=code)
        supervisor, _ = User.objects.get_or_create(
            email=f"bench-supervisor@{code.lower()}.example",
            defaults={
                "username": f"bench-supervisor@{code.lower()}.example",
                "role": "supervisor",
                "administration": administration,
                "agency": "customs",
            },
        )
        if Criterion.objects.filter(administration=administration, kind="cargo.consignment").exists():
            continue
        for name, lane, conditions in (
            (
                "New consignee",
                Lane.BLUE,
                [{"field": "consignee_first_seen", "operator": "is_yes", "values": []}],
            ),
            (
                "Heavy packages",
                Lane.YELLOW,
                [{"field": "mass_per_package_kg", "operator": "gt", "values": ["38"]}],
            ),
            ("Tobacco", Lane.RED, [{"field": "hs_chapter", "operator": "in", "values": ["24"]}]),
            (
                "Listed party",
                Lane.RED,
                [{"field": "watchlist_hit_count", "operator": "gte", "values": ["1"]}],
            ),
        ):
            criterion_create(
                actor=supervisor,
                kind="cargo.consignment",
                name=name,
                lane=lane,
                weight=20,
                documentation="Bench criterion.",
                conditions=conditions,
            )
        if not Lookout.objects.filter(name="CORAL REEF TRADING HOLDINGS").exists():
            lookout_create(
                actor=supervisor,
                kind=LookoutKind.ORGANIZATION,
                name="CORAL REEF TRADING HOLDINGS",
                reason="Bench",
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consignments", type=int, default=10_000)
    parser.add_argument(
        "--screen", type=int, default=0, help="before: check this many one at a time first (rolled back)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="print the N costliest functions of registering and of the batched check",
    )
    parser.add_argument("--sort", default="cumulative", help="the profile's order: cumulative or tottime")
    parser.add_argument(
        "--profile-dump", default="", help="also write the profiles to PREFIX-register.prof, -check.prof"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="check as N `manage.py worker` processes do (PostgreSQL): start them, warm their indexes, then "
        "time from reading to the last queued task done (instead of --screen and the in-process batch)",
    )
    parser.add_argument(
        "--verify", action="store_true", help="verify the audit trail's hash chain afterwards (all of it)"
    )
    args = parser.parse_args()
    if args.workers and connection.vendor != "postgresql":
        parser.error("--workers needs PostgreSQL (SQLite has one writer at a time)")
    call_command("migrate", verbosity=0)
    targeting()
    user, _ = User.objects.get_or_create(
        email="bench@carrier.example", defaults={"username": "bench@carrier.example", "role": "operator"}
    )
    filer = Filer.objects.filter(organisation__trader_id="BENCH1").first() or services.filer_create(
        actor=None, name="Bench Lines", trader_id="BENCH1", kind="carrier", administrator=user
    )
    run = timezone.now().strftime("%H%M%S")
    workers = None
    if args.workers:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        # This scratch database's queue may hold checks no worker took: the in-process runs' filings (checked
        # here, not by a worker) and the re-checks of every declaration a list import queues. They would hold
        # the workers up; they are dropped.
        stale, _ = DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()
        print(f"{stale} tasks left queued by earlier runs dropped from this scratch database's queue")
        var = Path(os.environ.get("CARIBCLEAR_VAR_DIR", tempfile.gettempdir()))
        var.mkdir(parents=True, exist_ok=True)
        workers = Workers(args.workers, var / "bench-cargo-workers.log")
    try:
        if workers is not None:
            _warm(args, workers, user, filer, run)
        _timed(args, user, filer, run, workers)
    finally:
        if workers is not None:
            workers.stop()


def _warm(args: argparse.Namespace, workers: Workers, user: Any, filer: Any, run: str) -> None:
    """Build each worker's screening indexes, as a running worker has them, by a check it takes."""
    warm_ids = list(
        Consignment.objects.filter(declaration__isnull=False)
        .order_by("-pk")
        .values_list("declaration_id", flat=True)[: args.workers]
    )
    if len(warm_ids) < args.workers:  # a new database: a small filing first, checked by the workers
        since = timezone.now()
        small = container_ship(
            n=2 * args.workers,
            rng=random.Random(2),
            lrn=f"WARM-{run}",
            voyage=f"W{run}",
            departs=timezone.now() + dt.timedelta(days=2),
            discharge=["AGSJO", "BBBGI"],
        )
        services.manifest_register(actor=user, filer=filer, result=services.read_file(small), digest="warm")
        workers.wait(since)
        warm_ids = list(
            Consignment.objects.filter(declaration__isnull=False)
            .order_by("-pk")
            .values_list("declaration_id", flat=True)[: args.workers]
        )
    workers.warm(warm_ids)


def _timed(args: argparse.Namespace, user: Any, filer: Any, run: str, workers: Workers | None) -> None:
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
    clock = CollectorClock()
    workers_cpu = workers.cpu() if workers is not None else 0.0
    backends = queue_workers.backends_cpu() if workers is not None else {}
    since = timezone.now()
    result = services.read_file(data)
    read, cpu_read = time.perf_counter(), time.process_time()
    gc_read = clock.take()
    db_read = backend_cpu()
    # On commit each declaration is queued for screening (the database queue); the bench then screens and
    # assesses them here, as the worker would.
    register_profiler = cProfile.Profile(time.process_time) if args.profile else None
    if register_profiler is not None:
        register_profiler.enable()
    filed = services.manifest_register(actor=user, filer=filer, result=result, digest="bench")
    registered, cpu_registered = time.perf_counter(), time.process_time()
    gc_registered = clock.take()
    db_registered = backend_cpu()
    if register_profiler is not None:
        register_profiler.disable()
    manifest = filed.manifests[0]
    if workers is not None:
        _workers_done(
            args,
            workers,
            since,
            manifest.pk,
            started=(generated, cpu_generated),
            read=(read, cpu_read),
            registered=(registered, cpu_registered),
            workers_cpu=workers_cpu,
            backends=backends,
            gc_read=gc_read,
            gc_registered=gc_registered,
        )
        return
    ids = list(
        Consignment.objects.filter(manifest=manifest, declaration__isnull=False).values_list(
            "declaration_id", flat=True
        )
    )
    queries = [0]

    def counted(execute, sql, params, many, context):  # every statement the database is sent
        queries[0] += 1
        return execute(sql, params, many, context)

    # Before: one declaration at a time (the per-declaration task), on a sample, rolled back afterwards so
    # the batch below does the same work on the same manifest.
    sample = ids[: args.screen] if args.screen else []
    one_wall = one_cpu = 0.0
    one_queries = 0
    if sample:
        t0, c0 = time.perf_counter(), time.process_time()
        with transaction.atomic(), connection.execute_wrapper(counted):
            for declaration_id in sample:
                declaration_check(declaration_id=declaration_id)
            transaction.set_rollback(True)
        one_wall, one_cpu = time.perf_counter() - t0, time.process_time() - c0
        one_queries, queries[0] = queries[0], 0

    clock.take()
    db_batch_started = backend_cpu()
    # After: the whole manifest in batches (the batch task), committed.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    if profiler is not None:
        profiler.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counted):
        assessed = declarations_check(declaration_ids=ids)
        from caribclear.cargo.services import consignments_assessed

        consignments_assessed(declaration_ids=ids)  # run after commit by the task; timed here
    batch_wall, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    gc_batch = clock.take()
    db_batch = backend_cpu()
    if profiler is not None:
        profiler.disable()
    goods = sum(len(c.goods) for c in result.consignments)
    lanes = Counter(str(a.final_lane) for a in assessed.values())
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}; load average {os.getloadavg()}")
    print(f"file: {len(data) / 1e6:.1f} MB, {len(result.consignments)} consignments, {goods} goods items")
    print(f"generate {generated - started:.2f} s (cpu {cpu_generated - cpu_started:.2f} s)")
    print(
        f"read {read - generated:.2f} s (cpu {cpu_read - cpu_generated:.2f} s; "
        f"garbage collector {gc_read[0]:.2f} s in {gc_read[1]} collections)"
    )
    print(
        f"register {registered - read:.2f} s (cpu {cpu_registered - cpu_read:.2f} s; "
        f"garbage collector {gc_registered[0]:.2f} s in {gc_registered[1]} collections"
        f"{_db(db_read, db_registered)}): "
        f"{len(ids) / (registered - read):.0f} consignments/s"
    )
    if sample:
        n = len(sample)
        print(
            f"before, one at a time, {n} declarations: {one_wall:.2f} s, {one_wall / n * 1000:.1f} ms each "
            f"(cpu {one_cpu / n * 1000:.1f} ms each), {one_queries / n:.1f} queries each; "
            f"extrapolated to {len(ids)}: {one_wall / n * len(ids):.1f} s wall, {one_cpu / n * len(ids):.1f} s cpu"
        )
    print(
        f"after, in batches, {len(assessed)} declarations: {batch_wall:.2f} s (cpu {batch_cpu:.2f} s), "
        f"{batch_wall / max(len(assessed), 1) * 1000:.2f} ms each, {queries[0] / max(len(assessed), 1):.2f} "
        f"queries each; garbage collector {gc_batch[0]:.2f} s in {gc_batch[1]} collections"
        f"{_db(db_batch_started, db_batch)}; "
        f"lanes {dict(sorted(lanes.items()))}"
    )
    total = (read - generated) + (registered - read) + batch_wall
    cpu_total = (cpu_read - cpu_generated) + (cpu_registered - cpu_read) + batch_cpu
    db_total = (
        None
        if None in (db_read, db_registered, db_batch_started, db_batch)
        else (db_registered - db_read) + (db_batch - db_batch_started)  # type: ignore[operator]
    )
    print(
        f"end to end (read, register, screen and assess all {len(ids)}): {total:.1f} s wall, "
        f"{cpu_total:.1f} s cpu of this process{_db(0.0, db_total)}; "
        f"kinds: {[k.key for k in declarations.kinds()]}"
    )
    counts, digest = results(manifest.pk)
    print(f"results: {counts}; digest {digest}")
    if args.verify:
        _verify()
    if register_profiler is not None:
        print("--- profile of registering")
        pstats.Stats(register_profiler).sort_stats(args.sort).print_stats(args.profile)
        if args.profile_dump:
            register_profiler.dump_stats(f"{args.profile_dump}-register.prof")
    if profiler is not None:
        print("--- profile of the batched check")
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
        if args.profile_dump:
            profiler.dump_stats(f"{args.profile_dump}-check.prof")


def _verify() -> None:
    from caribclear.core.chain import verify_chain
    from caribclear.core.models import AuditEvent

    verification = verify_chain(AuditEvent)
    print(
        f"audit chain: {verification.rows} rows, "
        + ("verifies" if verification.ok else f"BROKEN at {verification.broken_at}: {verification.reason}")
    )


def _workers_done(
    args: argparse.Namespace,
    workers: Workers,
    since: dt.datetime,
    manifest_id: int,
    *,
    started: tuple[float, float],
    read: tuple[float, float],
    registered: tuple[float, float],
    workers_cpu: float,
    backends: dict[int, float],
    gc_read: tuple[float, int],
    gc_registered: tuple[float, int],
) -> None:
    """Wait for the workers to check what registration queued, then print the figures."""
    tasks = workers.wait(since, expected=-(-args.consignments // 1000))
    done, cpu_done = time.perf_counter(), time.process_time()
    checked_cpu = workers.cpu() - workers_cpu
    after = queue_workers.backends_cpu()
    db_cpu = sum(cpu - backends.get(pid, 0.0) for pid, cpu in after.items())
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}; load average {os.getloadavg()}")
    print(f"{args.consignments} consignments; {args.workers} workers (manage.py worker), {tasks} tasks")
    print(
        f"read {read[0] - started[0]:.2f} s (cpu {read[1] - started[1]:.2f} s; "
        f"garbage collector {gc_read[0]:.2f} s in {gc_read[1]} collections)"
    )
    print(
        f"register {registered[0] - read[0]:.2f} s (cpu {registered[1] - read[1]:.2f} s; "
        f"garbage collector {gc_registered[0]:.2f} s in {gc_registered[1]} collections)"
    )
    print(
        f"screen and assess by the workers, from registration's commit to the last task done: "
        f"{done - registered[0]:.2f} s (workers' cpu {checked_cpu:.2f} s, from reading on)"
    )
    print(
        f"end to end (read, register, queue, workers screen and assess all): {done - started[0]:.1f} s wall, "
        f"{cpu_done - started[1] + checked_cpu:.1f} s cpu (this process {cpu_done - started[1]:.1f} s, "
        f"workers {checked_cpu:.1f} s); database backends cpu {db_cpu:.2f} s"
    )
    counts, digest = results(manifest_id)
    print(f"results: {counts}; digest {digest}")
    if args.verify:
        _verify()


if __name__ == "__main__":
    main()
