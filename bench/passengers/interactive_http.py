"""Interactive boarding answers over HTTP: several gunicorn workers on PostgreSQL, as deployed, answering
``--concurrency`` carrier check-in systems at once.

    createdb h_pax_http_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_pax_http_bench CARIBCLEAR_LOG_LEVEL=WARNING \
        .venv/bin/python bench/passengers/interactive_http.py --workers 4 --concurrency 20 --checks 10

1. The database is migrated; a watchlist of ``--list-size`` people (the same seeded people as run.py) is
   stored; one carrier organisation with an operator and an API token (scope "file"); ``--concurrency``
   flights each with ``--on-board`` passengers already checked in (filed and screened in this process).
2. gunicorn starts with ``--workers`` processes (``--preload``: the watchlist's index is built once in the
   parent before the workers fork, as ``bench/passengers/gunicorn_bench.py`` does), the flight's
   re-assessment after a check goes to the database queue as in production (no worker runs it here).
3. ``--concurrency`` threads, each a check-in system on its own flight, send ``--checks`` passengers one
   at a time to ``POST /api/passengers/boarding-checks``; the latency of each answer (p50, p95, p99), the
   answers sent by default (screening did not finish within the administration's time), the server's CPU
   per answer (user + system time of the gunicorn processes, from /proc) and the load average.

This client runs in one process too; its CPU (building JSON, reading answers) is printed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import paxlst, percentile, person, watchlist_seed  # noqa: E402  (the same people and lists as run.py)

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system time of the processes, from /proc (a worker that is gone counts nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--list-size", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--checks", type=int, default=10)
    parser.add_argument("--on-board", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free one)")
    parser.add_argument(
        "--root", default=str(ROOT), help="the checkout gunicorn serves (the code before a change, say)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this bench (see the docstring).")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
    os.environ.setdefault("CARIBCLEAR_DEBUG", "1")
    os.environ["CARIBCLEAR_TASKS_IMMEDIATE"] = "1"  # the set-up's lists are screened here, at once
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from caribclear.accounts.choices import TokenScope
    from caribclear.accounts.models import User
    from caribclear.accounts.services import api_token_create
    from caribclear.passengers import services
    from caribclear.passengers.models import Carrier, TravelList
    from caribclear.reference.services import ports_of_entry_seed
    from caribclear.screening.models import Watchlist

    rng = random.Random(args.seed)
    ports_of_entry_seed()
    t0 = time.perf_counter()
    if not Watchlist.objects.filter(name="Bench list").exists():
        watchlist_seed(args.list_size, rng)
    operator = User.objects.filter(email="ops@http-bench.example").first()
    if operator is None:
        operator = User.objects.create(
            username="ops@http-bench.example", email="ops@http-bench.example", role="operator"
        )
    carrier = Carrier.objects.filter(organisation__carrier_code="HB").first() or services.carrier_create(
        actor=None, name="HTTP Bench Air", code="HB", kind="airline", administrator=operator
    )
    _token, secret = api_token_create(user=operator, name="bench", scopes=[TokenScope.FILE])
    for w in range(args.concurrency):
        if not TravelList.objects.filter(carrier=carrier, number=f"HB{w:03d}").exists():
            data = paxlst(
                args.on_board, rng, reference=f"HB{w:03d}", departure="USMIA", arrival="BBBGI", days=1
            )
            assert services.passenger_list_import(actor=operator, data=data, carrier=carrier).ok
    print(f"database: {connection.vendor}; set up in {time.perf_counter() - t0:.1f} s")
    connection.close()

    # 2. The server.
    port = args.port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "CARIBCLEAR_TASKS_IMMEDIATE"}
    env.setdefault("CARIBCLEAR_LOG_LEVEL", "WARNING")
    # Production settings (no DEBUG, which keeps every query in memory), over plain HTTP on the loopback.
    env.update(
        CARIBCLEAR_DEBUG="0",
        CARIBCLEAR_SECRET_KEY=secrets.token_urlsafe(50),
        CARIBCLEAR_ALLOWED_HOSTS="127.0.0.1",
        CARIBCLEAR_SSL_REDIRECT="0",
        CARIBCLEAR_PLAIN_STATIC="1",
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "caribclear.wsgi",
            "--config",
            str(HERE / "gunicorn_bench.py"),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=args.root,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/api/passengers/boarding-checks"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    try:
        started = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:  # refused, reset or timed out while the workers start
                if server.poll() is not None or time.perf_counter() - started > 900:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(1)
        workers = children_of(server.pid)
        print(f"gunicorn: {len(workers)} workers up in {time.perf_counter() - started:.1f} s")

        def body(local: random.Random, flight: str) -> bytes:
            surname, given, born = person(local)
            return json.dumps(
                {
                    "flight": {
                        "carrier": "HB",
                        "number": flight,
                        "departure_port": "USMIA",
                        "arrival_port": "BBBGI",
                    },
                    "travellers": [
                        {
                            "surname": surname,
                            "given_names": given,
                            "date_of_birth": born,
                            "nationality": "US",
                            "documents": [
                                {
                                    "type": "P",
                                    "number": f"H{local.randrange(10**8):08d}",
                                    "issuing_state": "US",
                                    "expiry": "2033-01-01",
                                }
                            ],
                        }
                    ],
                }
            ).encode()

        def post(data: bytes) -> tuple[float, dict]:
            # Every API POST carries an Idempotency-Key (the platform answers 400 without one).
            request = urllib.request.Request(
                url, data=data, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, method="POST"
            )
            t = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.loads(response.read())
            return time.perf_counter() - t, answer

        # Warm-up: each worker's first requests open its database connection and load what it caches.
        warm = random.Random(args.seed - 1)
        with_threads = [
            threading.Thread(target=post, args=(body(warm, f"HB{w % args.concurrency:03d}"),))
            for w in range(args.workers * 2)
        ]
        for thread in with_threads:
            thread.start()
        for thread in with_threads:
            thread.join()

        # 3. The measured run.
        latencies: list[float] = []
        defaulted = 0
        errors: list[str] = []
        lock = threading.Lock()

        def check_in(worker: int) -> None:
            nonlocal defaulted
            local = random.Random(args.seed + worker)
            for _i in range(args.checks):
                try:
                    elapsed, answer = post(body(local, f"HB{worker:03d}"))
                except urllib.error.HTTPError as exc:
                    with lock:
                        errors.append(f"{exc}: {exc.read()[:300]!r}")
                    continue
                except (urllib.error.URLError, OSError) as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    latencies.append(elapsed)
                    defaulted += sum(1 for a in answer["answers"] if a.get("default_answer"))

        threads = [threading.Thread(target=check_in, args=(w,)) for w in range(args.concurrency)]
        pids = [server.pid, *children_of(server.pid)]
        server_cpu0, client_cpu0 = cpu_seconds(pids), time.process_time()
        load0 = os.getloadavg()
        t0 = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - t0
        server_cpu = cpu_seconds(pids) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        load1 = os.getloadavg()
        n = max(len(latencies), 1)
        if not latencies:
            raise SystemExit(f"no answer: {len(errors)} errors, the first: {errors[0] if errors else '-'}")
        print(
            f"interactive over HTTP: {len(latencies)} answers from {args.concurrency} concurrent check-in systems "
            f"(flights of {args.on_board}+ already checked in) to {args.workers} gunicorn workers x {args.threads} "
            f"thread(s) in {wall:.1f} s: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms "
            f"(goal: p50 < 150 ms, p99 < 1 s); server CPU {server_cpu / n * 1000:.0f} ms per answer "
            f"({server_cpu / wall:.2f} cores busy); client CPU {client_cpu / n * 1000:.0f} ms per answer; "
            f"{defaulted} sent by default; {len(errors)} errors; load average {load0[0]:.1f} before, "
            f"{load1[0]:.1f} after; {os.cpu_count()} cores"
        )
        if errors:
            print("  first error:", errors[0])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
