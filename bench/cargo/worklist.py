"""The officers' worklist and consignment page with millions of consignments stored.

Seeds consignments in SQL (``generate_series``, one statement per chunk, not the ORM): manifests of
``--per-manifest`` bills that called at Antigua or Barbados months or years ago, each consignment with its
declaration, nearly all released; then times, as a signed-in officer of Antigua, the worklist page
(``/officer/cargo/``, also by lane) and a consignment page through Django's test client, and prints the
plans of the worklist's queries. What is current (the worklist's content) is what ``run.py`` filed in the
same database: run it first (``run.py --consignments 10000``), then this.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_cargo .venv/bin/python bench/cargo/worklist.py \\
        --total 10000000

Seeding stops at ``--total`` consignments stored (counting what is there already), so a later run adds only
the difference; ``--seed-only`` / ``--time-only`` split the two halves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")
os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "0"
os.environ.setdefault("CARIBCLEAR_LOG_LEVEL", "WARNING")  # no access log line per request

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402

from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.cargo.models import Consignment, Filer  # noqa: E402
from caribclear.cargo.selectors import worklist_for  # noqa: E402
from caribclear.conftest import sign_in  # noqa: E402

SEED_STATEMENTS = [
    # Manifests: one per --per-manifest consignments, filed 5 to 704 days ago, arrived three days later.
    """
    INSERT INTO cargo_manifest (id, created_at, updated_at, lrn, mrn, status, version, format, mode,
        vessel_name, imo, call_sign, flag, carrier_code, carrier_name, voyage, conveyance_date, loading_at,
        filed_at, invalidated_at, invalidation_reason, account_id, filer_id)
    SELECT %(mbase)s + n - %(fm)s + 1, t, t, 'SEED-' || n, 'SM' || lpad(n::text, 16, '0'), 'filed', 1,
        'cuscar', 'sea', 'SEED CARRIER ' || (n %% 40), '93214' || lpad((n %% 100)::text, 2, '0'),
        '3FZA' || (n %% 10), 'PA', 'MSC', 'MEDITERRANEAN SHIPPING CO', 'S' || n, NULL, t - interval '2 days',
        t, NULL, '', %(account)s, %(filer)s
    FROM (SELECT n, now() - make_interval(days => 5 + (n %% 700)) AS t
          FROM generate_series(%(fm)s, %(lm)s) AS n) AS s
    """,
    """
    INSERT INTO cargo_manifestversion (number, filed_at, format, sha256, snapshot, changes, warnings,
        account_id, manifest_id)
    SELECT 1, now() - make_interval(days => 5 + (n %% 700)), 'cuscar', md5(n::text) || md5(n::text),
        '{}'::jsonb, '[]'::jsonb, '[]'::jsonb, %(account)s, %(mbase)s + n - %(fm)s + 1
    FROM generate_series(%(fm)s, %(lm)s) AS n
    """,
    # Port calls: loading at Rio Haina (no member), discharge at St John's or Bridgetown.
    """
    INSERT INTO cargo_portcall (sequence, locode, function, arrival, departure, administration_id, manifest_id)
    SELECT p.seq, CASE WHEN p.seq = 1 THEN 'DOHAI' WHEN n %% 2 = 0 THEN 'AGSJO' ELSE 'BBBGI' END,
        CASE WHEN p.seq = 1 THEN 'departure' ELSE 'arrival' END,
        CASE WHEN p.seq = 1 THEN NULL ELSE t + interval '3 days' END,
        CASE WHEN p.seq = 1 THEN t - interval '2 days' ELSE NULL END,
        CASE WHEN p.seq = 1 THEN NULL WHEN n %% 2 = 0 THEN %(ag)s ELSE %(bb)s END,
        %(mbase)s + n - %(fm)s + 1
    FROM (SELECT n, now() - make_interval(days => 5 + (n %% 700)) AS t
          FROM generate_series(%(fm)s, %(lm)s) AS n) AS s
    CROSS JOIN (VALUES (1), (2)) AS p (seq)
    """,
    """
    INSERT INTO core_declaration (id, kind, reference, version, created_at, updated_at, administration_id)
    SELECT %(dbase)s + g - %(first)s + 1, 'cargo.consignment', 'SC' || lpad(g::text, 16, '0'), 1, t, t,
        CASE WHEN (g / %(per)s) %% 2 = 0 THEN %(ag)s ELSE %(bb)s END
    FROM (SELECT g, now() - make_interval(days => 5 + ((g / %(per)s) %% 700)) AS t
          FROM generate_series(%(first)s, %(last)s) AS g) AS s
    """,
    # Consignments: released (one in fifty inspected), one in seventeen filed late.
    """
    INSERT INTO cargo_consignment (id, created_at, updated_at, level, bill_number, mrn, status, version,
        document_code, place_of_loading, place_of_discharge, place_of_delivery, origin_country, transhipments,
        total_packages, gross_mass_kg, late, arrived_at, released_at, administration_id, declaration_id,
        master_id, manifest_id, master_bill)
    SELECT %(cbase)s + g - %(first)s + 1, t, t, 'master', 'SEEDB' || g, 'SC' || lpad(g::text, 16, '0'),
        CASE WHEN g %% 50 = 0 THEN 'inspected' ELSE 'released' END, 1, '705', 'DOHAI',
        CASE WHEN (g / %(per)s) %% 2 = 0 THEN 'AGSJO' ELSE 'BBBGI' END, '', 'DO', '[]'::jsonb,
        10 + g %% 900, 1000 + g %% 20000, g %% 17 = 0, t + interval '3 days', t + interval '4 days',
        CASE WHEN (g / %(per)s) %% 2 = 0 THEN %(ag)s ELSE %(bb)s END, %(dbase)s + g - %(first)s + 1, NULL,
        %(mbase)s + g / %(per)s - %(fm)s + 1, ''
    FROM (SELECT g, now() - make_interval(days => 5 + ((g / %(per)s) %% 700)) AS t
          FROM generate_series(%(first)s, %(last)s) AS g) AS s
    """,
    # Consignor and consignee: 50,000 shippers and 250,000 consignees, each seen many times.
    """
    INSERT INTO cargo_party (role, name, address, country, identifier, consignment_id)
    SELECT r.role, CASE WHEN r.role = 'consignor' THEN 'SEED EXPORTS ' || (g %% 50000)
        ELSE 'SEED IMPORTS ' || (g %% 250000) END,
        (g %% 900) || ' HARBOUR ROAD', CASE WHEN r.role = 'consignor' THEN 'DO' ELSE 'AG' END,
        CASE WHEN r.role = 'consignee' THEN 'TIN' || (g %% 250000) ELSE '' END, %(cbase)s + g - %(first)s + 1
    FROM generate_series(%(first)s, %(last)s) AS g
    CROSS JOIN (VALUES ('consignor'), ('consignee')) AS r (role)
    """,
    """
    INSERT INTO cargo_goodsitem (sequence, hs_code, description, package_count, package_kind, gross_mass_kg,
        un_number, value, currency, containers, consignment_id)
    SELECT i.seq, (ARRAY['851712', '870323', '220421', '610910', '940161', '392690', '080390'])[1 + (g + i.seq) %% 7],
        (ARRAY['MOBILE TELEPHONES', 'PASSENGER CARS, USED', 'WINE OF FRESH GRAPES IN BOTTLES',
               'COTTON T-SHIRTS', 'UPHOLSTERED SEATS', 'PLASTIC HOUSEHOLD ARTICLES', 'FRESH BANANAS'])[1 + (g + i.seq) %% 7],
        5 + (g + i.seq) %% 450, 'CT', 500 + (g * i.seq) %% 10000, '', NULL, '',
        jsonb_build_array('SEDU' || lpad((g %% 10000000)::text, 7, '0')), %(cbase)s + g - %(first)s + 1
    FROM generate_series(%(first)s, %(last)s) AS g
    CROSS JOIN (VALUES (1), (2)) AS i (seq)
    """,
    """
    INSERT INTO cargo_container (number, size_type, "full", seals, consignment_id)
    SELECT 'SEDU' || lpad((g %% 10000000)::text, 7, '0'), '45G1', true, jsonb_build_array('SL' || g),
        %(cbase)s + g - %(first)s + 1
    FROM generate_series(%(first)s, %(last)s) AS g
    """,
    # The lane each got: green, one in twenty yellow, one in fifty red (the inspected ones).
    """
    INSERT INTO risk_assessment (created_at, updated_at, criteria_lane, score, random_from_lane, random_sequence,
        random_selected, lane, override_lane, override_reason, overridden_at, assessed_at, declaration_version,
        administration_id, overridden_by_id, random_selection_id, declaration_id, hits_lane, open_hits)
    SELECT t, t, l, 0, '', NULL, false, l, '', '', NULL, t, 1,
        CASE WHEN (g / %(per)s) %% 2 = 0 THEN %(ag)s ELSE %(bb)s END, NULL, NULL, %(dbase)s + g - %(first)s + 1,
        '', 0
    FROM (SELECT g, now() - make_interval(days => 5 + ((g / %(per)s) %% 700)) AS t,
                 CASE WHEN g %% 50 = 0 THEN 'red' WHEN g %% 20 = 0 THEN 'yellow' ELSE 'green' END AS l
          FROM generate_series(%(first)s, %(last)s) AS g) AS s
    """,
    # Status history: filed, assessed, released or inspected.
    """
    INSERT INTO core_statuschange (record_type, record_id, field, from_status, to_status, at, note, actor_id)
    SELECT 'cargo.consignment', (%(cbase)s + g - %(first)s + 1)::text, 'status', h.f,
        CASE WHEN h.step = 3 AND g %% 50 = 0 THEN 'inspected' ELSE h.t END,
        now() - make_interval(days => 5 + ((g / %(per)s) %% 700)) + h.after, '', NULL
    FROM generate_series(%(first)s, %(last)s) AS g
    CROSS JOIN (VALUES (1, '', 'filed', interval '0'), (2, 'filed', 'assessed', interval '1 minute'),
                       (3, 'assessed', 'released', interval '4 days')) AS h (step, f, t, after)
    """,
]

SEQUENCED = ("cargo_manifest", "core_declaration", "cargo_consignment")
FILLED = (
    "cargo_manifest",
    "cargo_manifestversion",
    "cargo_portcall",
    "core_declaration",
    "cargo_consignment",
    "cargo_party",
    "cargo_goodsitem",
    "cargo_container",
    "risk_assessment",
    "core_statuschange",
)


def bench_filer() -> tuple[User, Filer]:
    from caribclear.cargo import services

    user, _ = User.objects.get_or_create(
        email="bench@carrier.example", defaults={"username": "bench@carrier.example", "role": "operator"}
    )
    filer = Filer.objects.filter(organisation__trader_id="BENCH1").first() or services.filer_create(
        actor=None, name="Bench Lines", trader_id="BENCH1", kind="carrier", administrator=user
    )
    return user, filer


def indexes_set_aside(cursor: Any) -> None:
    """Drop the filled tables' indexes and unique constraints but the primary keys, keeping their
    definitions in a table of the bench (so an interrupted run still gets them back): building an index
    once over 10 million rows is much cheaper than keeping it up to date row by row."""
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_set_aside (tbl text, name text, kind text, definition text)"
    )
    names = ", ".join(f"'{t}'" for t in FILLED)
    cursor.execute(
        "INSERT INTO bench_set_aside SELECT c.conrelid::regclass::text, c.conname, 'constraint', "
        "pg_get_constraintdef(c.oid) FROM pg_constraint c "
        f"WHERE c.contype = 'u' AND c.conrelid::regclass::text IN ({names})"
    )
    cursor.execute(
        "INSERT INTO bench_set_aside SELECT i.tablename, i.indexname, 'index', i.indexdef FROM pg_indexes i "
        f"WHERE i.tablename IN ({names}) AND i.indexname NOT LIKE '%%_pkey' "
        "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'u')"
    )
    cursor.execute("SELECT tbl, name, kind FROM bench_set_aside")
    for table, name, kind in cursor.fetchall():
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def indexes_restored(cursor: Any) -> None:
    cursor.execute("SELECT to_regclass('bench_set_aside') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SELECT tbl, name, kind, definition FROM bench_set_aside ORDER BY kind DESC")
    for table, name, kind, definition in cursor.fetchall():
        t0 = time.perf_counter()
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        else:
            cursor.execute(definition)
        print(f"  built {name} in {time.perf_counter() - t0:.1f} s", flush=True)
    cursor.execute("DROP TABLE bench_set_aside")


def seed(total: int, per: int, chunk: int) -> None:
    """Old consignments, set-based: each chunk is one transaction of one INSERT ... SELECT generate_series
    per table, with the ids of the referenced rows (manifest, declaration, consignment) computed from the
    tables' highest ids, and the sequences moved past them afterwards. Indexes are those the migrations
    made, kept up to date as rows go in (as in production)."""
    account, filer = bench_filer()
    ag, bb = (Administration.objects.get(code=c).pk for c in ("AG", "BB"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        os.system(f"renice -n 19 -p {cursor.fetchone()[0]} >/dev/null 2>&1")  # the server's side is niced too
        cursor.execute("SELECT count(*) FROM cargo_consignment")
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cargo_consignment WHERE mrn LIKE 'SC%%'")
        first = cursor.fetchone()[0]
    first = (first + per - 1) // per * per  # whole manifests
    started, cpu_started, seeded = time.perf_counter(), time.process_time(), 0
    if stored < total:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_set_aside') IS NOT NULL")
            if not cursor.fetchone()[0]:
                indexes_set_aside(cursor)
    while stored < total:
        n = max(per, min(chunk, total - stored) // per * per)
        last = first + n - 1
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            # The rows are made consistent by construction: no per-row foreign key triggers at commit
            # (Django's constraints are deferred; checking millions of them cost more than the inserts).
            cursor.execute("SET LOCAL session_replication_role = replica")
            bases = {}
            for table, key in zip(SEQUENCED, ("mbase", "dbase", "cbase"), strict=True):
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
                bases[key] = cursor.fetchone()[0]
            params = {
                "first": first,
                "last": last,
                "fm": first // per,
                "lm": last // per,
                "per": per,
                "account": account.pk,
                "filer": filer.pk,
                "ag": ag,
                "bb": bb,
                **bases,
            }
            spent = []
            for statement in SEED_STATEMENTS:
                t1 = time.perf_counter()
                cursor.execute(statement, params)
                spent.append(f"{statement.split('INTO ')[1].split()[0]} {time.perf_counter() - t1:.1f}")
            for table in SEQUENCED:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        stored += n
        seeded += n
        first = last + 1
        elapsed = time.perf_counter() - started
        print(
            f"seeded {n} consignments in {time.perf_counter() - t0:.1f} s: {stored} stored; "
            f"{seeded / elapsed:.0f}/s so far (cpu of this process {time.process_time() - cpu_started:.1f} s); "
            f"load {os.getloadavg()[0]:.1f}; seconds per table: {', '.join(spent)}",
            flush=True,
        )
    with connection.cursor() as cursor:
        t0 = time.perf_counter()
        indexes_restored(cursor)
        print(f"indexes rebuilt in {time.perf_counter() - t0:.1f} s", flush=True)
        cursor.execute("ANALYZE " + ", ".join(FILLED))
    elapsed = time.perf_counter() - started
    print(f"seeding: {seeded} consignments in {elapsed:.0f} s with the indexes ({seeded / elapsed:.0f}/s)")


def current(ships: int, per_ship: int, referrals: int) -> None:
    """What is arriving now, filed and checked as in production (readers, registration, the batched
    screening and assessment): ``ships`` container ships that left Rio Haina a day ago, each calling at
    St John's (Antigua) within a day and at Bridgetown after, with ``per_ship`` consignments; then
    requests for information on some red-lane consignments of Antigua, a few of them already overdue."""
    import random

    from caribclear.cargo import services
    from caribclear.cargo.models import Referral
    from caribclear.cargo.samples import container_ship
    from caribclear.risk.services import declarations_check

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import targeting  # the OFAC list, a lookout and four criteria per member

    targeting()
    from caribclear.risk.choices import Lane
    from caribclear.risk.models import Criterion
    from caribclear.risk.services import criterion_create

    ag = Administration.objects.get(code="AG")
    if not Criterion.objects.filter(
        administration=ag, current_version__name="Medicaments"
    ).exists():  # a red lane in Antigua
        criterion_create(
            actor=User.objects.get(email="bench-supervisor@ag.example"),
            kind="cargo.consignment",
            name="Medicaments",
            lane=Lane.RED,
            weight=30,
            documentation="Bench criterion: falsified medicines.",
            conditions=[{"field": "hs_chapter", "operator": "in", "values": ["30"]}],
        )
    account, filer = bench_filer()
    now = timezone.now()
    for ship in range(ships):
        t0, c0 = time.perf_counter(), time.process_time()
        data = container_ship(
            n=per_ship,
            rng=random.Random(100 + ship),
            lrn=f"BENCH-NOW-{now:%m%d%H%M}-{ship}",
            voyage=f"N{ship}{now:%H%M}",
            departs=now - dt.timedelta(days=1, hours=-10 * ship),
            discharge=["AGSJO", "BBBGI"],
        )
        filed = services.manifest_register(
            actor=account, filer=filer, result=services.read_file(data), digest=f"now-{ship}"
        )
        manifest = filed.manifests[0]
        ids = list(Consignment.objects.filter(manifest=manifest).values_list("declaration_id", flat=True))
        declarations_check(declaration_ids=ids)
        services.consignments_assessed(declaration_ids=ids)
        print(
            f"current ship {ship + 1}: {len(ids)} consignments filed and checked in "
            f"{time.perf_counter() - t0:.1f} s (cpu {time.process_time() - c0:.1f} s)",
            flush=True,
        )
    officer = bench_officer(ag)
    red = worklist_for(officer).rows
    red = [r.consignment for r in red if r.lane == "red"][:referrals]
    for i, consignment in enumerate(red):
        referral = services.consignment_refer(
            actor=officer,
            consignment=consignment,
            kind="information",
            question="Send the commercial invoice and the packing list.",
            deadline=now + dt.timedelta(hours=24),
        )
        if i % 4 == 0:  # one in four already past its deadline
            Referral.objects.filter(pk=referral.pk).update(deadline=now - dt.timedelta(hours=2))
    print(f"{len(red)} requests for information sent on red-lane consignments of Antigua")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(FILLED))


def bench_officer(ag: Administration) -> User:
    officer, _ = User.objects.get_or_create(
        email="bench-officer@ag.example",
        defaults={
            "username": "bench-officer@ag.example",
            "role": "officer",
            "administration": ag,
            "agency": "customs",
        },
    )
    return officer


def timed(
    client: Client, url: str, runs: int, params: dict[str, str] | None = None
) -> tuple[list[float], int]:
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return times, queries


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def selectors_from(path: Path) -> Any:
    """Another version of cargo/selectors.py (``git show COMMIT:caribclear/cargo/selectors.py > FILE``),
    loaded as a module of the cargo package, for a before-and-after in one run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("caribclear.cargo.selectors_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def measure(runs: int, explain: bool, before: Path | None = None) -> None:
    ag = Administration.objects.get(code="AG")
    officer = bench_officer(ag)
    client = sign_in(Client(), officer)
    # As each gunicorn worker does once it has loaded the platform (gunicorn.conf.py, post_worker_init).
    get_resolver().url_patterns  # noqa: B018
    gc.freeze()
    from caribclear.cargo.models import Referral

    referred = Referral.objects.filter(consignment__administration=ag).order_by("-pk").first()
    current = (
        referred.consignment
        if referred
        else Consignment.objects.filter(administration=ag, manifest__lrn__startswith="BENCH-")
        .order_by("-pk")
        .first()
    )
    total = Consignment.objects.count()
    rows = worklist_for(officer)
    lanes = {lane: sum(1 for r in rows.rows if r.lane == lane) for lane in ("red", "yellow", "blue", "green")}
    print(
        f"consignments stored: {total}; load average {os.getloadavg()}; the worklist: "
        f"{len(rows.arriving)} conveyances, {len(rows.rows)} consignments {lanes}, "
        f"{len(rows.referrals_open)} referrals open, {len(rows.overdue)} overdue"
    )
    pages = [
        ("worklist", "/officer/cargo/", None),
        ("worklist, red lane", "/officer/cargo/", {"lane": "red"}),
    ]
    if current is not None:
        pages.append(
            ("a current (referred) consignment's page", f"/officer/cargo/consignments/{current.mrn}/", None)
        )
    seeded = Consignment.objects.filter(administration=ag, mrn__startswith="SC").order_by("pk").last()
    if seeded is not None:
        pages.append(("an old consignment's page", f"/officer/cargo/consignments/{seeded.mrn}/", None))
    from caribclear.cargo import officer_views

    versions = [("before", selectors_from(before)), ("after", officer_views.selectors)] if before else []
    for label, url, params in pages:
        for version, module in versions or [("", officer_views.selectors)]:
            officer_views.selectors = module  # the views call selectors.<name>: the version timed
            timed(client, url, 2, params)  # warm
            c0 = time.process_time()
            times, queries = timed(client, url, runs, params)
            cpu = (time.process_time() - c0) / runs * 1000
            print(
                f"{label}{f' ({version})' if version else ''}: p50 {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms, max {max(times):.0f} ms "
                f"(cpu of this process {cpu:.0f} ms), {queries} queries, {runs} requests; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        officer_views.selectors = versions[-1][1] if versions else officer_views.selectors
    if explain:
        with CaptureQueriesContext(connection) as captured:
            client.get("/officer/cargo/")
        with connection.cursor() as cursor:
            for q in captured.captured_queries:
                sql = q["sql"]
                if "cargo_consignment" not in sql and "cargo_portcall" not in sql:
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [r[0] for r in cursor.fetchall()]
                print("\n" + sql[:300] + " ...\n  " + "\n  ".join(plan[:14]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=10_000_000, help="consignments stored in all")
    parser.add_argument("--per-manifest", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--ships", type=int, default=4, help="current ships arriving (0: none)")
    parser.add_argument("--per-ship", type=int, default=1500, help="consignments of each current ship")
    parser.add_argument("--referrals", type=int, default=40, help="requests for information sent")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--time-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plans of the worklist's queries")
    parser.add_argument(
        "--before",
        type=Path,
        help="also time this version of cargo/selectors.py, page by page, in the same run",
    )
    args = parser.parse_args()
    if not args.time_only:
        call_command("migrate", verbosity=0)
        seed(args.total, args.per_manifest, args.chunk)
        if args.ships:
            current(args.ships, args.per_ship, args.referrals)
    if not args.seed_only:
        measure(args.runs, args.explain, args.before)


if __name__ == "__main__":
    main()
