"""Outage drill: PostgreSQL stops for 30 seconds under load and comes back.

    .venv/bin/python ops/drills/outage.py                 # 30 s outage, a throwaway PostgreSQL cluster
    .venv/bin/python ops/drills/outage.py --down 60 --readers 6

gunicorn (2 workers) and a queue worker (`manage.py worker`) run on the drill's own cluster; agents'
systems submit notifications (same key on a retry), officers' pages and API reads are requested, all
the time. The cluster is stopped (`pg_ctl stop -m fast`) for `--down` seconds, then started again.
Checks: no 500 and no request hanging (over 10 s); while it is down the API answers 503 problem JSON and
the pages a plain 503 page, all with Retry-After; after it is back everything answers again; every
acknowledged submission is stored once and every queued job finishes; no process was restarted (the same
process ids before and after). Prints the counts per phase. Exit 1 if a check fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Submitter,
    django_query,
    free_port,
    get,
    platform_env,
    say,
    seed,
    start_server,
    start_worker,
    throwaway_cluster,
)

HANG = 10.0


class Failures(list[str]):
    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.append(what)


class Phase:
    def __init__(self) -> None:
        self.name = "before"
        self.changed_at: dict[str, float] = {"before": time.time()}

    def set(self, name: str) -> None:
        self.name = name
        self.changed_at[name] = time.time()


def reader(
    port: int,
    credentials: dict[str, Any],
    phase: Phase,
    stop: threading.Event,
    index: int,
    seen: list[tuple[str, str, int, float, dict[str, str], bytes]],
    lock: threading.Lock,
) -> None:
    agent = credentials["agents"][index % len(credentials["agents"])]
    session = credentials["sessions"][index % len(credentials["sessions"])]
    kinds = [
        ("api", "/api/notifications?limit=20", {"Authorization": f"Bearer {agent['token']}"}),
        ("page", "/officer/?tab=expected", {"Cookie": f"sessionid={session}"}),
        ("healthz", "/healthz", {}),
    ]
    i = 0
    while not stop.is_set():
        kind, path, headers = kinds[i % len(kinds)]
        i += 1
        current = phase.name
        try:
            answer = get(port, path, headers=headers, timeout=HANG + 5)
            record = (current, kind, answer.status, answer.seconds, answer.headers, answer.body[:200])
        except OSError as error:
            record = (current, kind, -1, HANG + 5, {}, str(error).encode())
        with lock:
            seen.append(record)
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--down", type=float, default=30, help="seconds the database is stopped")
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--operators", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caribclear-drill-outage-"))
    failures = Failures()
    try:
        with throwaway_cluster() as cluster:
            env = platform_env(cluster.create_database("caribclear"), CARIBCLEAR_DB_CONNECT_TIMEOUT="3")
            credentials = seed(
                env,
                notifications=args.notifications,
                operators=args.operators,
                agents=4,
                out=work / "creds.json",
                demo=False,
            )
            last = django_query(
                env,
                "from caribclear.clearance.models import Notification\n"
                "result = Notification.objects.order_by('-pk').values_list('pk', flat=True).first()",
            )
            port = free_port()
            server = start_server(env, port, work, workers=2)
            worker = start_worker(env, work)
            processes_before = {server.pid, worker.pid, *server.children()}
            phase = Phase()
            stop = threading.Event()
            seen: list[Any] = []
            lock = threading.Lock()
            readers = [
                threading.Thread(target=reader, args=(port, credentials, phase, stop, i, seen, lock))
                for i in range(args.readers)
            ]
            submitter = Submitter([port], credentials, max_wait=args.down + 120)
            writing = threading.Thread(target=submitter.run, kwargs={"threads": args.writers, "until": stop})
            for thread in [*readers, writing]:
                thread.start()
            time.sleep(10)
            say(f"stopping PostgreSQL for {args.down:.0f} s")
            phase.set("down")
            cluster.stop("fast")
            time.sleep(args.down)
            say("starting PostgreSQL again")
            cluster.start()
            phase.set("back")
            time.sleep(25)
            stop.set()
            for thread in [*readers, writing]:
                thread.join()
            say("load stopped; waiting for the queue to empty")
            deadline = time.time() + 900
            while time.time() < deadline:
                jobs = django_query(
                    env,
                    "from django_tasks_db.models import DBTaskResult\n"
                    "from django.db.models import Count\n"
                    "result = dict(DBTaskResult.objects.values_list('status')"
                    ".annotate(n=Count('id')).values_list('status', 'n'))",
                )
                if not jobs.get("READY") and not jobs.get("RUNNING"):
                    break
                time.sleep(2)
            processes_after = {server.pid, worker.pid, *server.children()}
            alive = server.alive() and worker.alive()
            stored = django_query(
                env,
                "from caribclear.clearance.models import Notification\n"
                f"result = list(Notification.objects.filter(pk__gt={last or 0})"
                ".values_list('reference', flat=True))",
            )
            server.stop()
            worker.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    by_phase: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for current, kind, status, _seconds, _headers, _body in seen:
        by_phase[(current, kind)][status] += 1
    print()
    print("answers per phase (status: count; -1 = no answer):")
    for (current, kind), counts in sorted(by_phase.items()):
        print(f"  {current:7} {kind:8} {dict(sorted(counts.items()))}")
    print(f"  submissions (every attempt): {dict(submitter.outcomes)}")
    statuses = Counter(status for _p, _k, status, _s, _h, _b in seen)
    slowest = max((seconds for _p, _k, _st, seconds, _h, _b in seen), default=0)
    failures.check(statuses[500] == 0 and submitter.outcomes["500"] == 0, "no 500 answer")
    failures.check(
        statuses[-1] == 0 and slowest < HANG, f"no request hung or went unanswered (slowest {slowest:.1f} s)"
    )
    down_api = [(s, h, b) for p, k, s, _t, h, b in seen if p == "down" and k == "api" and s == 503]
    down_page = [(s, h, b) for p, k, s, _t, h, b in seen if p == "down" and k == "page" and s == 503]
    failures.check(
        bool(down_api)
        and all(
            h.get("content-type") == "application/problem+json" and h.get("retry-after")
            for _s, h, _b in down_api
        ),
        f"while down the API answers 503 problem JSON with Retry-After ({len(down_api)})",
    )
    failures.check(
        bool(down_page)
        and all(
            h.get("content-type", "").startswith("text/html") and h.get("retry-after")
            for _s, h, _b in down_page
        ),
        f"while down the pages answer a 503 page with Retry-After ({len(down_page)})",
    )
    back = [(p, k, s, t) for p, k, s, t, _h, _b in seen if p == "back"]
    late = back[len(back) // 3 :]
    failures.check(
        bool(late) and all(s == 200 for _p, _k, s, _t in late),
        f"after it is back every request answers 200 ({Counter(s for *_x, s, _t in late)})",
    )
    acknowledged = {a["reference"] for a in submitter.acknowledged}
    failures.check(
        not submitter.refused and submitter.outcomes["gave up"] == 0,
        f"every submission acknowledged in the end ({len(acknowledged)}; refused {len(submitter.refused)})",
    )
    failures.check(
        acknowledged == set(stored) and len(stored) == len(acknowledged),
        f"stored once each: {len(stored)} stored for {len(acknowledged)} acknowledged",
    )
    failures.check(
        not jobs.get("READY") and not jobs.get("RUNNING") and not jobs.get("FAILED"),
        f"every queued job finished after the outage ({jobs})",
    )
    failures.check(
        alive and processes_before == processes_after,
        f"no process restarted (web master, {len(processes_before) - 2} web workers, queue worker: "
        f"same process ids)",
    )
    print(
        f"PostgreSQL was down {phase.changed_at['back'] - phase.changed_at['down']:.0f} s; "
        f"no 500, no hang, every acknowledged submission stored once"
        if not failures
        else "see the failed checks above"
    )
    if failures:
        print(f"OUTAGE DRILL FAILED: {len(failures)} check(s)")
        sys.exit(1)
    print("outage drill passed")


if __name__ == "__main__":
    main()
