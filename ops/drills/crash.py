"""Crash drill: kill -9 web workers while filers submit, and importers and background workers in the
middle of their work; afterwards count what was lost, doubled or left half-done (all must be 0).

    .venv/bin/python ops/drills/crash.py                     # small sizes, a throwaway PostgreSQL cluster
    .venv/bin/python ops/drills/crash.py --submissions 100 --clients 6 --list-size 20000

1. Web: gunicorn (2 workers); `--clients` agents' systems each file `--submissions` notifications with an
   Idempotency-Key, resending the same request with the same key on a dropped connection, a 503 or a 409;
   every `--kill-every` seconds a random worker gets SIGKILL (gunicorn starts a new one). Afterwards every
   acknowledged submission is stored once, and nothing else was stored.
2. Background: for a watchlist import (lookout CSV), a cargo manifest import (`import_manifest`) and a
   passenger-list import (`import_passenger_list`, PAXLST): the import is killed half-way through its
   transaction (none of it may be visible) and run again (all of it, once); then the queue's worker is
   killed while it runs a job the import queued (re-screening, risk checks), and another worker is started:
   it must take the job up (lease `CARIBCLEAR_WORKER_LEASE_SECONDS`, 6 s here) and finish every job once.
Exit 1 if a check fails.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    PY,
    ROOT,
    Cluster,
    Process,
    Submitter,
    django_query,
    free_port,
    platform_env,
    say,
    seed,
    start_server,
    start_worker,
    throwaway_cluster,
)

NEW_NOTIFICATIONS = """
from collections import Counter
from caribclear.clearance.models import Notification
rows = list(Notification.objects.filter(pk__gt={after}).values_list('reference', 'vessel_id', 'expected_at'))
pairs = Counter((vessel, str(at)) for _ref, vessel, at in rows)
result = {{'references': [r[0] for r in rows], 'doubled': sum(c - 1 for c in pairs.values() if c > 1)}}
"""

STATE = """
from django_tasks_db.models import DBTaskResult
from caribclear.screening.models import Watchlist, WatchlistVersion, WatchlistEntry
from caribclear.cargo.models import Manifest, Consignment
from caribclear.passengers.models import TravelList, Traveller
from django.db.models import Count
result = {
    'watchlist_versions': list(WatchlistVersion.objects.filter(watchlist__name='Crash drill')
        .values_list('entity_count', flat=True)),
    'watchlist_entries': WatchlistEntry.objects.filter(watchlist__name='Crash drill').count(),
    'manifests': Manifest.objects.count(),
    'consignments': Consignment.objects.count(),
    'travel_lists': TravelList.objects.count(),
    'travellers': Traveller.objects.count(),
    'jobs': dict(DBTaskResult.objects.values_list('status').annotate(n=Count('id')).values_list('status', 'n')),
    'jobs_taken_up': sum(1 for ids in DBTaskResult.objects.values_list('worker_ids', flat=True) if len(ids) > 1),
}
"""


MAKE_FILER = """
from caribclear.accounts.models import User
from caribclear.cargo import services
user, _new = User.objects.get_or_create(
    email='drill@carrier.example', defaults={'username': 'drill@carrier.example', 'role': 'operator'}
)
services.filer_create(actor=None, name='Drill Lines', trader_id='DRILL1', kind='carrier', administrator=user)
result = 'DRILL1'
"""


class Failures(list[str]):
    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.append(what)


def kill_web_workers(
    server: Process, every: float, stop: threading.Event, kills: list[int], submitter: Submitter
) -> None:
    """SIGKILL a random web worker every few seconds, once the clients got an answer since the last kill
    (on a slow machine a request may take longer than the interval: the drill must still move on)."""
    rng = random.Random(7)
    answered = -1
    while not stop.wait(every * rng.uniform(0.5, 1.5)):
        if len(submitter.acknowledged) <= answered:
            continue
        answered = len(submitter.acknowledged)
        children = server.children()
        if children:
            victim = rng.choice(children)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass


def web_drill(
    args: argparse.Namespace, env: dict[str, str], credentials: dict[str, Any], work: Path, failures: Failures
) -> dict[str, Any]:
    last = django_query(
        env,
        "from caribclear.clearance.models import Notification\n"
        "result = Notification.objects.order_by('-pk').values_list('pk', flat=True).first()",
    )
    port = free_port()
    server = start_server(env, port, work, workers=2, preload=True)
    submitter = Submitter([port], credentials)
    stop, kills = threading.Event(), []
    killer = threading.Thread(target=kill_web_workers, args=(server, args.kill_every, stop, kills, submitter))
    killer.start()
    started = time.time()
    try:
        submitter.run(threads=args.clients, per_thread=args.submissions)
    finally:
        stop.set()
        killer.join()
        server.stop()
    took = time.time() - started
    stored = django_query(env, NEW_NOTIFICATIONS.format(after=last or 0))
    acknowledged = {a["reference"] for a in submitter.acknowledged}
    wanted = args.clients * args.submissions
    stored_refs = stored["references"]
    retried = sum(1 for a in submitter.acknowledged if a["attempts"] > 1)
    replayed = sum(1 for a in submitter.acknowledged if a["replayed"])
    print(
        f"web: {wanted} submissions by {args.clients} clients in {took:.0f} s; {len(kills)} web workers "
        f"killed; answers {dict(submitter.outcomes)}"
    )
    failures.check(
        len(acknowledged) == wanted and not submitter.refused,
        f"every submission acknowledged in the end ({len(acknowledged)}/{wanted}, "
        f"{retried} after a retry, {replayed} of them replayed answers)",
    )
    failures.check(
        acknowledged <= set(stored_refs),
        f"no acknowledged submission missing ({len(acknowledged - set(stored_refs))} missing)",
    )
    failures.check(
        len(stored_refs) == len(acknowledged) and stored["doubled"] == 0,
        f"none doubled ({len(stored_refs)} stored for {len(acknowledged)} acknowledged; "
        f"{stored['doubled']} same vessel and time twice)",
    )
    failures.check(len(kills) > 0, f"web workers were killed mid-run ({len(kills)})")
    return {
        "kills": len(kills),
        "acknowledged": len(acknowledged),
        "stored": len(stored_refs),
        "retried": retried,
    }


# --- Files to import -------------------------------------------------------------------------------

SURNAMES = ["GARCIA", "SMITH", "MARTIN", "DE VRIES", "JOSEPH", "CHARLES", "BROWN", "LOPEZ", "DUBOIS"]
GIVEN = ["ANA", "JOHN", "MARIE", "PIETER", "CARLOS", "SOPHIE", "GRACE", "LUIS", "EMMA"]


def lookout_csv(path: Path, n: int, rng: random.Random) -> None:
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "schema", "name", "birth_date", "nationality", "passport_number"])
        for i in range(n):
            writer.writerow(
                [
                    f"DRILL-{i}",
                    "Person",
                    f"{rng.choice(SURNAMES)} {i}, {rng.choice(GIVEN)}",
                    f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["JM", "VE", "CO", "US"]),
                    f"X{i:08d}",
                ]
            )


def paxlst(path: Path, n: int, rng: random.Random, reference: str) -> None:
    departs = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    arrives = departs + dt.timedelta(hours=20)
    segments = [
        "UNB+UNOA:4+DRILLAPI:ZZ+AGAPIS:ZZ+261201:0600+1",
        f"UNH+1+PAXLST:D:05B:UN:IATA+{reference}+01:F",
        "BGM+745",
        "NAD+MS+++DRILL DESK",
        f"TDT+20+{reference}+1++DRL:172+++9383936:146::DRILL STAR:BS",
        "LOC+125+USMIA",
        f"DTM+189:{departs:%y%m%d%H%M}:201",
        "LOC+87+AGSJO",
        f"DTM+232:{arrives:%y%m%d%H%M}:201",
    ]
    for i in range(n):
        segments += [
            f"NAD+FL+++{rng.choice(SURNAMES).replace(' ', '')}:{rng.choice(GIVEN)}",
            f"ATT+2++{rng.choice('MF')}",
            f"DTM+329:{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}:102",
            f"NAT+2+{rng.choice(['USA', 'GBR', 'CAN'])}",
            f"DOC+P:110:111+D{i:08d}",
            "DTM+36:20300101:102",
            "LOC+91+USA",
        ]
    segments += [f"CNT+42:{n}", f"UNT+{len(segments)}+1", "UNZ+1+1"]
    path.write_text("UNA:+.? '" + "'".join(segments) + "'")


def manifest_file(env: dict[str, str], path: Path, n: int, voyage: str) -> None:
    code = (
        "import datetime as dt, random\nfrom django.utils import timezone\n"
        "from caribclear.cargo.samples import container_ship\n"
        f"data = container_ship(n={n}, rng=random.Random(3), lrn='{voyage}-LRN', voyage='{voyage}', "
        "departs=timezone.now() + dt.timedelta(days=2), discharge=['AGSJO'])\n"
        f"open({str(path)!r}, 'wb').write(data)\nresult = len(data)"
    )
    django_query(env, code)


# --- Killing an import half-way, then a worker mid-job ---------------------------------------------


def open_transaction_seconds(cluster: Cluster, app: str) -> float:
    sql = (
        "SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) FROM pg_stat_activity "  # noqa: S608
        f"WHERE application_name = '{app}' AND xact_start IS NOT NULL"
    )
    value = cluster.psql(sql, "caribclear")
    return float(value or 0)


def kill_import_half_way(
    cluster: Cluster, env: dict[str, str], command: list[str], work: Path, name: str
) -> str:
    """Start the import; SIGKILL it once its transaction has been open a while (it is writing)."""
    app = f"drill-{name}"
    log = work / f"{app}.log"
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            [PY, "manage.py", *command],
            cwd=ROOT,
            env={**env, "PGAPPNAME": app},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and popen.poll() is None:
        if open_transaction_seconds(cluster, app) > 0.3:
            popen.send_signal(signal.SIGKILL)
            popen.wait()
            return "killed in its transaction"
        time.sleep(0.1)
    popen.wait()
    return f"finished before it could be killed (exit {popen.returncode}): make the file larger"


def run_import(env: dict[str, str], command: list[str]) -> None:
    result = subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"import failed: {result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def running_jobs(cluster: Cluster) -> int:
    return int(
        cluster.psql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'", "caribclear"
        )
    )


def open_jobs(cluster: Cluster) -> int:
    return int(
        cluster.psql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')",
            "caribclear",
        )
    )


def kill_worker_when_busy(
    cluster: Cluster, worker: Process, stop: threading.Event, killed: list[str]
) -> None:
    """Watches the queue (while the import runs and after): SIGKILL the worker once it runs a job."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (stop.is_set() and open_jobs(cluster) == 0):
        if running_jobs(cluster):
            os.kill(worker.pid, signal.SIGKILL)
            worker.popen.wait()
            killed.append(worker.name)
            return
        time.sleep(0.02)


def kill_worker_mid_job(
    cluster: Cluster,
    env: dict[str, str],
    watcher: threading.Thread,
    stop: threading.Event,
    killed: list[str],
    work: Path,
    name: str,
    failures: Failures,
) -> Process:
    stop.set()
    watcher.join()
    if killed:
        say(f"{name}: worker {killed[0]} killed while running a job")
    else:
        say(f"{name}: no job was running to be killed ({open_jobs(cluster)} open)")
    successor = start_worker(env, work, name=f"worker-after-{name}")
    deadline = time.monotonic() + args_timeout
    while time.monotonic() < deadline and open_jobs(cluster):
        time.sleep(0.5)
    failures.check(bool(killed), f"{name}: a worker was killed in the middle of a job")
    failures.check(
        open_jobs(cluster) == 0,
        f"{name}: every job taken up and finished by another worker ({open_jobs(cluster)} left)",
    )
    return successor


args_timeout = 600.0


def background_drill(
    first_worker: Process,
    args: argparse.Namespace,
    cluster: Cluster,
    env: dict[str, str],
    work: Path,
    failures: Failures,
) -> dict[str, Any]:
    rng = random.Random(11)
    worker = first_worker
    filer = django_query(env, MAKE_FILER)
    lists = work / "lookouts.csv"
    lookout_csv(lists, args.list_size, rng)
    manifest = work / "manifest.edi"
    manifest_file(env, manifest, args.consignments, "DRL1")
    passengers = work / "paxlst.edi"
    paxlst(passengers, args.passengers, rng, "DRL42")
    imports = [
        ("watchlist", ["import_watchlist", str(lists), "--name", "Crash drill", "--format", "csv"]),
        ("manifest", ["import_manifest", str(manifest), "--filer", filer]),
        ("passenger list", ["import_passenger_list", str(passengers)]),
    ]
    report: dict[str, Any] = {}
    for name, command in imports:
        before = django_query(env, STATE)
        outcome = kill_import_half_way(cluster, env, command, work, name.replace(" ", "-"))
        after_kill = django_query(env, STATE)
        keys = {
            "watchlist": ["watchlist_versions", "watchlist_entries"],
            "manifest": ["manifests", "consignments"],
            "passenger list": ["travel_lists", "travellers"],
        }[name]
        failures.check(outcome.startswith("killed"), f"{name} import: {outcome}")
        stop, killed = threading.Event(), []
        watcher = threading.Thread(target=kill_worker_when_busy, args=(cluster, worker, stop, killed))
        watcher.start()
        run_import(env, command)
        done = django_query(env, STATE)
        # The kill may land after the import's data committed (in a later, shorter transaction): then all
        # of it is there. Half of it never.
        untouched = all(before[k] == after_kill[k] for k in keys)
        complete = all(done[k] == after_kill[k] for k in keys)
        failures.check(
            untouched or complete,
            f"{name} import killed: none or all of it visible, never half "
            f"({[before[k] for k in keys]} before, {[after_kill[k] for k in keys]} after the kill, "
            f"{[done[k] for k in keys]} after the re-run)",
        )
        report[name] = {k: done[k] for k in keys}
        worker = kill_worker_mid_job(cluster, env, watcher, stop, killed, work, name, failures)
    final = django_query(env, STATE)
    versions = final["watchlist_versions"]
    failures.check(
        versions == [args.list_size] and final["watchlist_entries"] == args.list_size,
        f"watchlist: one version of {args.list_size} entries ({versions}, "
        f"{final['watchlist_entries']} entries)",
    )
    failures.check(
        final["jobs"].get("FAILED", 0) == 0 and final["jobs"].get("RUNNING", 0) == 0,
        f"jobs: {final['jobs']}; taken up again after a worker died: {final['jobs_taken_up']}",
    )
    worker.stop()
    report["jobs"] = final["jobs"]
    report["jobs_taken_up"] = final["jobs_taken_up"]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--operators", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--submissions", type=int, default=25, help="per client")
    parser.add_argument("--kill-every", type=float, default=2.0, help="seconds between web worker kills")
    parser.add_argument("--list-size", type=int, default=5000, help="watchlist entries")
    parser.add_argument("--consignments", type=int, default=400)
    parser.add_argument("--passengers", type=int, default=2000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--only", choices=["web", "background"], help="run one half of the drill")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caribclear-drill-crash-"))
    failures = Failures()
    try:
        with throwaway_cluster() as cluster:
            env = platform_env(
                cluster.create_database("caribclear"),
                CARIBCLEAR_WORKER_LEASE_SECONDS="6",
                CARIBCLEAR_WORKER_HEARTBEAT_SECONDS="1",
            )
            credentials = seed(
                env,
                notifications=args.notifications,
                operators=args.operators,
                agents=8,
                out=work / "creds.json",
                demo=False,
            )
            first_worker = start_worker(env, work, name="worker-first")
            say("1/2 web workers killed while submissions are in flight")
            web = web_drill(args, env, credentials, work, failures) if args.only != "background" else {}
            say("2/2 imports and background workers killed half-way")
            background = (
                background_drill(first_worker, args, cluster, env, work, failures)
                if args.only != "web"
                else {}
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    if web:
        lost = web["acknowledged"] - min(web["acknowledged"], web["stored"])
        print(
            f"counts: web workers killed {web['kills']}; submissions acknowledged {web['acknowledged']}, stored "
            f"{web['stored']} ({web['retried']} needed a retry); lost {lost}, "
            f"doubled {max(0, web['stored'] - web['acknowledged'])}"
        )
    if background:
        print(f"imports after a kill and a re-run: {background}")
    if failures:
        print(f"CRASH DRILL FAILED: {len(failures)} check(s)")
        sys.exit(1)
    print("crash drill passed")


if __name__ == "__main__":
    main()
