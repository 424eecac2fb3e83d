"""What one interactive boarding check costs, one at a time in one process: the whole request (middleware,
token, idempotency, the check, its worker thread) through Django's WSGI handler, on a database that
``interactive_http.py`` set up (its carrier ``HB``, flights ``HB000``...).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_pax_http_bench CARIBCLEAR_LOG_LEVEL=WARNING \\
        .venv/bin/python bench/passengers/check_profile.py --checks 100 [--profile /tmp/check.prof] [--root PATH]

Prints the CPU per check (this process, every thread: the request's and the screening's), the PostgreSQL
backends' CPU per check (every backend of the database, from /proc), the statements per check (counted on
every connection, whatever thread opened it) by their first word, and the statements of the last check.
``--profile`` writes a cProfile (per-thread CPU time, every thread's profile added up) readable with
``python -m pstats``. ``--root`` runs another checkout's code (the code before a change, from
``git archive``) on the same database. Production settings (no DEBUG); production's queue (the flight's
re-assessment is queued, not run).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import secrets
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default=str(HERE.parents[1]))
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--warm", type=int, default=10, help="checks before the measured ones")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="print the statements of the last check")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database interactive_http.py set up.")
    sys.path.insert(0, args.root)
    sys.path.insert(1, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caribclear.settings")
    os.environ.update(
        CARIBCLEAR_DEBUG="0",
        CARIBCLEAR_SECRET_KEY=secrets.token_urlsafe(50),
        CARIBCLEAR_ALLOWED_HOSTS="testserver",
        CARIBCLEAR_SSL_REDIRECT="0",
        CARIBCLEAR_PLAIN_STATIC="1",
    )
    os.environ.pop("CARIBCLEAR_TASKS_IMMEDIATE", None)
    import django

    django.setup()
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import Client
    from run import person  # the same people as run.py and interactive_http.py

    import caribclear
    from caribclear.accounts.choices import TokenScope
    from caribclear.accounts.models import User
    from caribclear.accounts.services import api_token_create
    from caribclear.screening.models import Watchlist
    from caribclear.screening.services.indexes import _version_index

    # Every statement of every connection (the check's worker thread has its own), by thread.
    counted: Counter[str] = Counter()
    last: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[sql.split(None, 1)[0].upper()] += 1
        last.append(sql if len(sql) < 160 else sql[:157] + "...")
        return execute(sql, params, many, context)

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        if count not in connection.execute_wrappers:  # a connection opened again keeps its wrappers
            connection.execute_wrappers.append(count)

    connection_created.connect(wrap)

    for watchlist in Watchlist.objects.exclude(current_version=None):
        _version_index(watchlist)
    operator = User.objects.get(email="ops@http-bench.example")
    _token, secret = api_token_create(user=operator, name="profile", scopes=[TokenScope.FILE])
    connection.close()
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    rng = random.Random(args.seed)
    flights = [f"HB{w:03d}" for w in range(20)]

    def check(i: int) -> dict[str, Any]:
        surname, given, born = person(rng)
        body = {
            "flight": {
                "carrier": "HB",
                "number": flights[i % len(flights)],
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
                            "number": f"Q{rng.randrange(10**8):08d}",
                            "issuing_state": "US",
                            "expiry": "2033-01-01",
                        }
                    ],
                }
            ],
        }
        response = client.post(
            "/api/passengers/boarding-checks",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 200, response.content[:500]
        return response.json()

    for i in range(args.warm):
        check(i)

    def backends() -> dict[int, float]:
        from django.db import connections

        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            return {pid: _proc_cpu(pid) for (pid,) in cursor.fetchall()}

    profiler = None
    if args.profile:
        # The check's screening thread runs inline here, so that one profiler (CPU time) sees all of it.
        from concurrent.futures import Future

        from caribclear.passengers import services

        class Inline:
            def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
                future: Future[Any] = Future()
                try:
                    future.set_result(fn(*args, **kwargs))
                except BaseException as exc:
                    future.set_exception(exc)
                return future

        services._executor = Inline()  # type: ignore[assignment]
        profiler = cProfile.Profile(time.process_time)

    db0 = backends()
    counted.clear()
    defaulted = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    load0 = os.getloadavg()
    for i in range(args.checks):
        last.clear()
        if profiler is not None:
            profiler.enable()
        answer = check(args.warm + i)
        if profiler is not None:
            profiler.disable()
        defaulted += sum(1 for a in answer["answers"] if a.get("default_answer"))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    db1 = backends()
    db = sum(value - db0.get(pid, 0.0) for pid, value in db1.items())
    n = args.checks
    print(
        f"{Path(caribclear.__file__).parents[1]}: {n} checks one at a time: CPU {cpu / n * 1000:.1f} ms per "
        f"check (this process), PostgreSQL backends {db / n * 1000:.1f} ms per check; wall "
        f"{wall / n * 1000:.1f} ms per check; {sum(counted.values()) / n:.1f} statements per check "
        f"({', '.join(f'{k} {v / n:.1f}' for k, v in counted.most_common())}); {defaulted} sent by default; "
        f"load average {load0[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    if args.show:
        print("statements of the last check:")
        for sql, times in Counter(last).items():
            print(f"  {times} x {sql}")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.dump_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
