"""Backup and restore drill: fill a database, keep filing through the API while a backup is taken, destroy
the database, restore it, and check that nothing acknowledged is missing.

    .venv/bin/python ops/drills/restore.py                      # PostgreSQL (a throwaway cluster)
    .venv/bin/python ops/drills/restore.py --engine sqlite      # SQLite (online backup API)
    .venv/bin/python ops/drills/restore.py --notifications 20000 --writers 4

PostgreSQL: pg_basebackup of the running cluster plus its WAL archive (archive_command). Two restores:
the base backup alone (recovery_target = 'immediate': the backup point), then the backup plus every
archived WAL segment (the recovery point). SQLite: `manage.py backup_database` (sqlite3 backup API).
Checks: every submission acknowledged before the backup point is in the restored database; the audit
trail's hash chains verify (`manage.py verify_logs`); row counts match (PostgreSQL: every table as it was
when the writers stopped; SQLite: every table as in the backup). Prints the recovery time (from the
destruction to a server answering on the restored database) and the recovery point. Exit 1 on a failure.
"""

from __future__ import annotations

import argparse
import shutil
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
    Submitter,
    django_query,
    free_port,
    manage,
    platform_env,
    say,
    seed,
    start_server,
    throwaway_cluster,
)

COUNT_TABLES = """
from django.apps import apps
from django.db import connection
result = {}
with connection.cursor() as cursor:
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and table not in result:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cursor.fetchone()[0]
"""


def references_present(env: dict[str, str], references: list[str]) -> set[str]:
    code = (
        "from caribclear.clearance.models import Notification\n"
        f"wanted = {references!r}\n"
        "result = list(Notification.objects.filter(reference__in=wanted).values_list('reference', flat=True))"
    )
    return set(django_query(env, code))


def verify_chains(env: dict[str, str]) -> tuple[bool, str]:
    out = subprocess.run([PY, "manage.py", "verify_logs"], cwd=ROOT, env=env, capture_output=True, text=True)
    rows = [line.split(", last hash")[0] for line in out.stdout.splitlines() if "rows" in line]
    return out.returncode == 0, "; ".join(rows) or out.stderr.strip()[-300:]


class Failures(list[str]):
    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.append(what)


def writers_during(submitter: Submitter, threads: int, action: Any, *, after: float) -> tuple[float, float]:
    """Run the writers, call action() once they are going, keep writing `after` seconds, stop them.
    Returns when action started and ended (epoch seconds)."""
    stop = threading.Event()
    runner = threading.Thread(target=submitter.run, kwargs={"threads": threads, "until": stop})
    runner.start()
    # The backup begins once the writers have had some submissions acknowledged.
    deadline = time.time() + 120
    while len(submitter.acknowledged) < 2 * threads and time.time() < deadline:
        time.sleep(0.2)
    began = time.time()
    action()
    ended = time.time()
    time.sleep(after)
    stop.set()
    runner.join()
    say(f"answers to the writers: {dict(submitter.outcomes)}")
    return began, ended


def check_writers(submitter: Submitter, failures: Failures) -> None:
    failures.check(
        bool(submitter.acknowledged) and not submitter.refused,
        f"the writers' submissions were accepted ({len(submitter.acknowledged)}; refused "
        f"{len(submitter.refused)}{': ' + submitter.refused[0] if submitter.refused else ''})",
    )


def acknowledged_before(submitter: Submitter, moment: float) -> list[str]:
    return [a["reference"] for a in submitter.acknowledged if a["at"] < moment]


def check_restored(
    env: dict[str, str],
    failures: Failures,
    *,
    expected: list[str],
    acknowledged: list[str],
    baseline: dict[str, int],
    what: str,
) -> set[str]:
    """After a restore: the expected submissions are there, the audit chains verify, and every table holds
    as many rows as in the baseline. Returns the acknowledged references present."""
    present = references_present(env, acknowledged)
    failures.check(set(expected) <= present, f"{what} ({len(set(expected) & present)}/{len(expected)})")
    ok, last = verify_chains(env)
    failures.check(ok, f"audit chains verify ({last})")
    counts = django_query(env, COUNT_TABLES)
    differ = {t: (baseline[t], counts.get(t)) for t in baseline if baseline[t] != counts.get(t)}
    failures.check(not differ, f"row counts of all {len(baseline)} tables match {differ or ''}")
    return present


def print_rows(counts: dict[str, int], acknowledged: list[str], before_backup: list[str]) -> None:
    print()
    print(
        f"rows: {sum(counts.values()):,} in {len(counts)} tables; submissions acknowledged: "
        f"{len(acknowledged)} ({len(before_backup)} before the backup began)"
    )


def postgres_drill(args: argparse.Namespace, work: Path, failures: Failures) -> None:
    with throwaway_cluster(archive_timeout=args.archive_timeout) as cluster:
        url = cluster.create_database("caribclear")
        env = platform_env(url)
        credentials = seed(
            env, notifications=args.notifications, operators=args.operators, agents=4, out=work / "creds.json"
        )
        port = free_port()
        server = start_server(env, port, work, workers=2)
        submitter = Submitter([port], credentials)
        backup = work / "base-backup"
        try:
            began, ended = writers_during(
                submitter, args.writers, lambda: cluster.base_backup(backup), after=args.after
            )
        finally:
            server.stop()
        say(f"base backup taken in {ended - began:.1f} s while {args.writers} writers filed; writers stopped")
        before_backup = acknowledged_before(submitter, began)
        all_acknowledged = [a["reference"] for a in submitter.acknowledged]
        check_writers(submitter, failures)
        counts = django_query(env, COUNT_TABLES)
        # The segment in progress is archived on the next switch or after archive_timeout: wait for it, as
        # the archive would have it a few seconds after the last write.
        cluster.psql("SELECT pg_switch_wal()")
        time.sleep(1)

        say("destroying the database cluster (stop -m immediate, data directory deleted)")
        destroyed = time.time()
        cluster.destroy()

        say("restore 1/2: the base backup alone (the backup point)")
        cluster.restore(backup, only_the_backup=True)
        present = references_present(env, all_acknowledged)
        failures.check(
            set(before_backup) <= present,
            f"every submission acknowledged before the backup began is there "
            f"({len(set(before_backup) & present)}/{len(before_backup)})",
        )
        ok, last = verify_chains(env)
        failures.check(ok, f"audit chains verify on the backup point ({last})")
        point_count = len(present)
        cluster.destroy()

        say("restore 2/2: the base backup plus the archived WAL (the recovery point)")
        started = time.time()
        cluster.restore(backup)
        server = start_server(env, port, work, workers=1, name="web-restored")
        recovered = time.time()
        server.stop()
        present = check_restored(
            env,
            failures,
            expected=all_acknowledged,
            acknowledged=all_acknowledged,
            baseline=counts,
            what="every acknowledged submission is there",
        )
        print_rows(counts, all_acknowledged, before_backup)
        print(
            f"backup: pg_basebackup {ended - began:.1f} s, {du(backup) / 1e6:.0f} MB; "
            f"WAL archive {du(cluster.archive) / 1e6:.0f} MB"
        )
        print(
            f"recovery point, base backup alone: the backup's end, {ended - began:.0f} s after it began: "
            f"{point_count}/{len(all_acknowledged)} acknowledged submissions (the rest came later: WAL archive)"
        )
        print(
            f"recovery point, backup + WAL archive: {len(present)}/{len(all_acknowledged)} acknowledged "
            f"submissions; lost: {len(all_acknowledged) - len(present)}; worst case without a final "
            f"switch is archive_timeout = {args.archive_timeout} s of writes"
        )
        print(
            f"recovery time: {recovered - started:.1f} s (restore and replay to a server answering); "
            f"destruction to answer including the check of the backup point: {recovered - destroyed:.1f} s"
        )


def sqlite_drill(args: argparse.Namespace, work: Path, failures: Failures) -> None:
    database = work / "caribclear.sqlite3"
    env = platform_env(f"sqlite:///{database}", CARIBCLEAR_VAR_DIR=str(work / "var"))
    credentials = seed(
        env, notifications=args.notifications, operators=args.operators, agents=4, out=work / "creds.json"
    )
    port = free_port()
    server = start_server(env, port, work, workers=2)
    submitter = Submitter([port], credentials)
    backup = work / "backup" / "caribclear.sqlite3"
    try:
        began, ended = writers_during(
            submitter, args.writers, lambda: manage(env, "backup_database", str(backup)), after=args.after
        )
    finally:
        server.stop()
    say(f"online backup taken in {ended - began:.1f} s while {args.writers} writers filed; writers stopped")
    before_backup = acknowledged_before(submitter, began)
    all_acknowledged = [a["reference"] for a in submitter.acknowledged]
    check_writers(submitter, failures)
    backup_env = platform_env(f"sqlite:///{backup}", CARIBCLEAR_VAR_DIR=str(work / "var"))
    backup_counts = django_query(backup_env, COUNT_TABLES)

    say("destroying the database (file, -wal and -shm deleted)")
    destroyed = time.time()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, database)
    server = start_server(env, port, work, workers=1, name="web-restored")
    recovered = time.time()
    server.stop()

    present = check_restored(
        env,
        failures,
        expected=before_backup,
        acknowledged=all_acknowledged,
        baseline=backup_counts,
        what="every submission acknowledged before the backup began is there",
    )
    print_rows(backup_counts, all_acknowledged, before_backup)
    print(f"backup: backup_database {ended - began:.1f} s, {backup.stat().st_size / 1e6:.0f} MB")
    print(
        f"recovery point: the backup ({len(present)}/{len(all_acknowledged)} acknowledged submissions; "
        f"the {len(all_acknowledged) - len(present)} filed after it are lost: SQLite keeps no WAL archive)"
    )
    print(f"recovery time: {recovered - destroyed:.1f} s (destruction to a server answering)")


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--notifications", type=int, default=2000, help="load seed size (default 2000)")
    parser.add_argument("--operators", type=int, default=200)
    parser.add_argument("--writers", type=int, default=2, help="API writers during the backup")
    parser.add_argument("--after", type=float, default=5, help="seconds of writing after the backup")
    parser.add_argument("--archive-timeout", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caribclear-drill-restore-"))
    failures = Failures()
    try:
        if args.engine == "postgresql":
            postgres_drill(args, work, failures)
        else:
            sqlite_drill(args, work, failures)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"RESTORE DRILL FAILED: {len(failures)} check(s)")
        sys.exit(1)
    print("restore drill passed")


if __name__ == "__main__":
    main()
