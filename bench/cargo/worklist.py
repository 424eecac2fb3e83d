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
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings_test")
os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from caribclear.accounts.models import Administration, User  # noqa: E402
from caribclear.cargo.models import Consignment, Filer  # noqa: E402
from caribclear.conftest import sign_in  # noqa: E402

SEED = """
WITH m AS (
    INSERT INTO cargo_manifest (created_at, updated_at, lrn, mrn, status, version, format, mode, vessel_name,
        imo, call_sign, flag, carrier_code, carrier_name, voyage, conveyance_date, loading_at, filed_at,
        invalidated_at, invalidation_reason, account_id, filer_id)
    SELECT t, t, 'SEED-' || n, 'SM' || lpad(n::text, 16, '0'), 'filed', 1, 'cuscar', 'sea', 'SEED CARRIER',
        '9321483', '3FZA7', 'PA', 'MSC', 'MEDITERRANEAN SHIPPING CO', 'S' || n, NULL, t - interval '2 days', t,
        NULL, '', %(account)s, %(filer)s
    FROM (SELECT n, now() - make_interval(days => 5 + (n %% 700)) AS t
          FROM generate_series(%(first_manifest)s, %(last_manifest)s) AS n) AS s
    RETURNING id, lrn, filed_at
),
calls AS (
    INSERT INTO cargo_portcall (manifest_id, sequence, locode, function, administration_id, arrival, departure)
    SELECT m.id, 1, CASE WHEN m.id %% 2 = 0 THEN 'AGSJO' ELSE 'BBBGI' END, 'arrival',
        CASE WHEN m.id %% 2 = 0 THEN %(ag)s ELSE %(bb)s END, m.filed_at + interval '3 days', NULL
    FROM m
    RETURNING manifest_id
),
d AS (
    INSERT INTO core_declaration (kind, reference, version, created_at, updated_at, administration_id)
    SELECT 'cargo.consignment', 'SC' || lpad(g::text, 16, '0'), 1, now(), now(),
        CASE WHEN (g / %(per)s) %% 2 = 0 THEN %(ag)s ELSE %(bb)s END
    FROM generate_series(%(first)s, %(last)s) AS g
    RETURNING id, reference
)
INSERT INTO cargo_consignment (created_at, updated_at, level, bill_number, mrn, status, version, document_code,
    place_of_loading, place_of_discharge, place_of_delivery, origin_country, transhipments, total_packages,
    gross_mass_kg, late, arrived_at, released_at, administration_id, declaration_id, master_id, manifest_id,
    master_bill)
SELECT m.filed_at, m.filed_at, 'master', 'SB' || g, d.reference,
    CASE WHEN g %% 50 = 0 THEN 'inspected' ELSE 'released' END, 1, '705', 'DOPOP',
    CASE WHEN (g / %(per)s) %% 2 = 0 THEN 'AGSJO' ELSE 'BBBGI' END, '', 'DO', '[]'::jsonb, 10 + g %% 900,
    1000 + g %% 20000, g %% 17 = 0, m.filed_at + interval '3 days', m.filed_at + interval '4 days',
    CASE WHEN (g / %(per)s) %% 2 = 0 THEN %(ag)s ELSE %(bb)s END, d.id, NULL, m.id, ''
FROM d
CROSS JOIN LATERAL (SELECT substr(d.reference, 3)::bigint AS g) AS x
JOIN m ON m.lrn = 'SEED-' || (x.g / %(per)s)
"""


def seed(total: int, per: int, chunk: int) -> None:
    stored = Consignment.objects.count()
    seeded = Consignment.objects.filter(mrn__startswith="SC").count()
    filer = Filer.objects.get(trader_id="BENCH1")
    account = User.objects.get(email="bench@carrier.example")
    ag, bb = (Administration.objects.get(code=c).pk for c in ("AG", "BB"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        os.system(f"renice -n 19 -p {cursor.fetchone()[0]} >/dev/null 2>&1")  # the server's side is niced too
    first = seeded
    while stored < total:
        n = max(per, min(chunk, total - stored) // per * per)  # whole manifests
        last = first + n - 1
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                SEED,
                {
                    "first": first,
                    "last": last,
                    "first_manifest": first // per,
                    "last_manifest": last // per,
                    "per": per,
                    "account": account.pk,
                    "filer": filer.pk,
                    "ag": ag,
                    "bb": bb,
                },
            )
        stored += n
        first = last + 1
        print(f"seeded {n} consignments in {time.perf_counter() - t0:.1f} s: {stored} stored", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cargo_consignment, core_declaration, cargo_manifest, cargo_portcall")


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


def measure(runs: int, explain: bool) -> None:
    ag = Administration.objects.get(code="AG")
    officer, _ = User.objects.get_or_create(
        email="bench-officer@ag.example",
        defaults={
            "username": "bench-officer@ag.example",
            "role": "officer",
            "administration": ag,
            "agency": "customs",
        },
    )
    client = sign_in(Client(), officer)
    current = (
        Consignment.objects.filter(administration=ag, manifest__lrn__startswith="BENCH-")
        .order_by("-pk")
        .first()
    )
    total = Consignment.objects.count()
    print(f"consignments stored: {total}; load average {os.getloadavg()}")
    pages = [
        ("worklist", "/officer/cargo/", None),
        ("worklist, red lane", "/officer/cargo/", {"lane": "red"}),
    ]
    if current is not None:
        pages.append(("consignment page", f"/officer/cargo/consignments/{current.mrn}/", None))
    seeded = Consignment.objects.filter(administration=ag, mrn__startswith="SC").order_by("pk").last()
    if seeded is not None:
        pages.append(("an old consignment's page", f"/officer/cargo/consignments/{seeded.mrn}/", None))
    for label, url, params in pages:
        timed(client, url, 2, params)  # warm
        c0 = time.process_time()
        times, queries = timed(client, url, runs, params)
        cpu = (time.process_time() - c0) / runs * 1000
        print(
            f"{label}: p50 {statistics.median(times):.0f} ms, p95 {p95(times):.0f} ms, max {max(times):.0f} ms "
            f"(cpu of this process {cpu:.0f} ms), {queries} queries, {runs} requests"
        )
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
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--time-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plans of the worklist's queries")
    args = parser.parse_args()
    if not args.time_only:
        seed(args.total, args.per_manifest, args.chunk)
    if not args.seed_only:
        measure(args.runs, args.explain)


if __name__ == "__main__":
    main()
