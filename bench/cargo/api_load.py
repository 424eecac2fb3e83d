"""One-consignment API filings at N concurrent filers, against a live server (gunicorn on PostgreSQL).

``seed`` makes N filers (carriers), each with an operator and an API token, and writes their tokens to a
JSON file; ``run`` then has N threads, one per filer, each file one-consignment manifests
(``POST /api/cargo/manifests`` with an ``Idempotency-Key``) back to back for ``--seconds``, and prints
the latency percentiles, the errors and the registrations per second. The server is started apart (see
README.md); the queued screening of each filing is left in the queue (no worker runs), as the API's answer
does not wait for it.

    DATABASE_URL=... .venv/bin/python bench/cargo/api_load.py seed --filers 20 --out var/cargo-api.json
    .venv/bin/python bench/cargo/api_load.py run --credentials var/cargo-api.json --url http://127.0.0.1:8766
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = "/api/cargo/manifests"


def seed(filers: int, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
    import django

    django.setup()
    from caribclear.accounts.models import User
    from caribclear.accounts.services import api_token_create
    from caribclear.cargo import services
    from caribclear.cargo.models import Filer

    tokens = []
    for i in range(filers):
        email = f"api-filer-{i}@carrier.example"
        user, _ = User.objects.get_or_create(email=email, defaults={"username": email, "role": "operator"})
        if not Filer.objects.filter(organisation__trader_id=f"APIB{i:04d}").exists():
            services.filer_create(
                actor=None,
                name=f"API Bench Lines {i}",
                trader_id=f"APIB{i:04d}",
                kind="carrier",
                administrator=user,
            )
        _token, raw = api_token_create(user=user, name="cargo api bench")
        tokens.append(raw)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"tokens": tokens}))
    print(f"{filers} filers with tokens in {out}")


def filing(filer: int, n: int, consignments: int = 1) -> dict:
    """A manifest of ``consignments`` bills of lading (one consignment each unless said otherwise)."""
    bill = f"API{filer:02d}{n:07d}"
    body = {
        "lrn": f"APIB-{uuid.uuid4().hex[:20]}",
        "conveyance": {
            "mode": "sea",
            "vessel_name": "MSC CARIBBEAN",
            "imo": "9321483",
            "call_sign": "3FZA7",
            "flag": "PA",
            "carrier_code": "MSC",
            "carrier_name": "MEDITERRANEAN SHIPPING CO",
            "voyage": f"A{filer:02d}{n % 97}",
            "itinerary": [
                {"port": "DOPOP", "function": "departure", "departure": "2027-01-05T10:00:00Z"},
                {"port": "AGSJO", "function": "arrival", "arrival": "2027-01-07T08:00:00Z"},
            ],
        },
        "consignments": [
            {
                "bill_number": bill,
                "place_of_loading": "DOPOP",
                "place_of_discharge": "AGSJO",
                "origin_country": "DO",
                "parties": [
                    {"role": "consignor", "name": f"EXPORTADORA {n % 500}", "country": "DO"},
                    {"role": "consignee", "name": f"IMPORTER {n % 900} LTD", "country": "AG"},
                ],
                "goods": [
                    {
                        "hs_code": "170114",
                        "description": "Cane sugar, raw, in bags",
                        "package_count": 40,
                        "package_kind": "BG",
                        "gross_mass_kg": "1000.000",
                        "containers": ["MAEU5968532"],
                    }
                ],
                "containers": [{"number": "MAEU5968532", "size_type": "22G1", "full": True, "seals": ["S1"]}],
            }
        ],
    }
    if consignments > 1:
        one = body["consignments"][0]
        body["consignments"] = [{**one, "bill_number": f"{bill}-{k}"} for k in range(consignments)]
    return body


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def _backends(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to the bench's database (the server's connections, kept open)."""
    if not database_url.startswith("postgres"):
        return []
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [r[0] for r in rows]


def run(credentials: Path, url: str, seconds: float, consignments: int, server_pid: int | None) -> None:
    """One thread per filer, each with one ``http.client`` connection kept alive (reopened when the server
    closes it, as gunicorn's sync workers do after every answer): a real HTTP client costing the shared
    cores as little as one can. Prints the latency percentiles and, given the gunicorn master's pid, the
    CPU time per filing of its workers and of the database's backends, and of this client."""
    tokens = json.loads(credentials.read_text())["tokens"]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    def filer(index: int, token: str) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Connection": "keep-alive",
        }
        n = 0
        while time.monotonic() < stop:
            body = json.dumps(filing(index, n, consignments)).encode()
            detail = ""
            t0 = time.perf_counter()
            try:
                connection.request("POST", API, body, {**headers, "Idempotency-Key": uuid.uuid4().hex})
                response = connection.getresponse()
                data = response.read()
                status = response.status
                if status != 201:
                    detail = data[:200].decode(errors="replace")
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                status, detail = 0, str(exc)
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                if status == 201:
                    latencies.append(elapsed)
                else:
                    key = f"{status} {detail}"
                    errors[key] = errors.get(key, 0) + 1
            n += 1
        connection.close()

    database_url = os.environ.get("DATABASE_URL", "")
    workers = _workers(server_pid) if server_pid else []
    backends = _backends(database_url) if server_pid else []
    cpu_before = {pid: _cpu_seconds(pid) for pid in workers + backends}
    client_before = time.process_time()
    started = time.monotonic()
    stop = started + seconds
    threads = [threading.Thread(target=filer, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    client_cpu = time.process_time() - client_before
    load = os.getloadavg()
    ok = len(latencies)
    print(
        f"{len(tokens)} concurrent filers, {consignments} consignment(s) a filing, {wall:.0f} s; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    if ok:
        q = statistics.quantiles(latencies, n=100)
        print(
            f"{ok} filings registered ({ok / wall:.1f}/s, {ok * consignments / wall:.1f} consignments/s): "
            f"p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, max {max(latencies):.0f} ms"
        )
        per = 1000 / ok
        line = f"CPU per filing: client {client_cpu * per:.1f} ms"
        if server_pid:
            workers_cpu = sum(_cpu_seconds(p) - cpu_before[p] for p in workers)
            backend_pids = set(backends) | set(_backends(database_url))
            backends_cpu = sum(_cpu_seconds(p) - cpu_before.get(p, 0.0) for p in backend_pids)
            line += (
                f", server workers {workers_cpu * per:.1f} ms, PostgreSQL backends {backends_cpu * per:.1f} ms"
                f" ({len(workers)} workers, {len(backend_pids)} backends)"
            )
        print(line)
    print(f"errors: {sum(errors.values())} {errors if errors else ''}")


PRODUCTION = {  # as bench/load/run.sh: production settings behind no TLS proxy
    "DJANGO_SETTINGS_MODULE": "caribclear.settings",
    "CARIBCLEAR_SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
    "CARIBCLEAR_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "CARIBCLEAR_SSL_REDIRECT": "0",
    "CARIBCLEAR_PLAIN_STATIC": "1",
    "CARIBCLEAR_TASKS_IMMEDIATE": "0",
    "CARIBCLEAR_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "CARIBCLEAR_LOG_LEVEL": "WARNING",
}


def profile(count: int, consignments: int, top: int, sort: str, show_sql: bool) -> None:
    """File ``count`` manifests of ``consignments`` consignments each in this process through Django's test
    client (the whole request: middleware, token, idempotency, validation, registration, the answer) with
    production settings, and print the time per request, the statements per request and the costliest
    functions (cProfile)."""
    import cProfile
    import pstats

    for key, value in PRODUCTION.items():
        os.environ.setdefault(key, value)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seed(1, ROOT / "var" / "cargo-api-profile.json")
    token = json.loads((ROOT / "var" / "cargo-api-profile.json").read_text())["tokens"][0]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(n: int) -> None:
        body = filing(0, n, consignments)
        response = client.post(
            API, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])

    for n in range(3):  # warm: imports, caches, the first connection
        post(10_000_000 + n)
    # Timed by the process's CPU clock, not the wall clock: on a shared machine the wall time of a function
    # includes the waits for the database and for the cores taken by others.
    profiler = cProfile.Profile(time.process_time)
    with CaptureQueriesContext(connection) as captured:
        t0, c0 = time.perf_counter(), time.process_time()
        profiler.enable()
        for n in range(count):
            post(n)
        profiler.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{count} filings of {consignments} consignment(s) in one process: {wall / count * 1000:.1f} ms each "
        f"(cpu {cpu / count * 1000:.1f} ms, under cProfile), {len(captured) / count:.1f} statements each; "
        f"load average {os.getloadavg()}"
    )
    if show_sql:
        for q in captured.captured_queries[-len(captured) // count :]:  # the last request's statements
            print(f"  {q['time']} s  {q['sql'][:220]}")
    pstats.Stats(profiler).sort_stats(sort).print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--filers", type=int, default=20)
    s.add_argument("--out", type=Path, default=ROOT / "var" / "cargo-api.json")
    r = sub.add_parser("run")
    r.add_argument("--credentials", type=Path, default=ROOT / "var" / "cargo-api.json")
    r.add_argument("--url", default="http://127.0.0.1:8766")
    r.add_argument("--seconds", type=float, default=60)
    r.add_argument("--consignments", type=int, default=1, help="consignments per filing")
    r.add_argument(
        "--server-pid",
        type=int,
        help="the gunicorn master's pid: print its workers' CPU (and, with DATABASE_URL, PostgreSQL's) per filing",
    )
    p = sub.add_parser("profile")
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--consignments", type=int, default=1, help="consignments per filing")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--sql", action="store_true", help="print the statements of one request")
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.filers, args.out)
    elif args.command == "profile":
        profile(args.count, args.consignments, args.top, args.sort, args.sql)
    else:
        run(args.credentials, args.url, args.seconds, args.consignments, args.server_pid)


if __name__ == "__main__":
    main()
