"""Real queue workers for the benches (their repository root is on ``sys.path``): N ``manage.py worker``
processes (the production worker: django-tasks-db's loop, heartbeat and all) on the bench's database,
their CPU read from /proc, and a wait for the tasks queued since a moment to be done."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def proc_cpu(pid: int) -> float:
    """CPU seconds (user and system) process ``pid`` has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL backend connected to this database (the bench's and the workers')."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid: proc_cpu(pid) for (pid,) in cursor.fetchall()}


class Workers:
    """``n`` workers taking every queue, each with its own ``--worker-id`` (so a warm-up can tell which
    worker ran a task), started from ``root`` (a checkout: the code before a change, say)."""

    def __init__(self, n: int, log: Path, root: Path = ROOT, env: dict[str, str] | None = None) -> None:
        self.log = log.open("ab")
        self.ids = [f"bench-{os.getpid()}-{i}" for i in range(n)]
        command = [
            sys.executable,
            str(root / "manage.py"),
            "worker",
            "--queue-name",
            "*",
            "--interval",
            "0.05",
        ]
        self.processes = [
            subprocess.Popen(
                [*command, "--no-startup-delay", "--no-reload", "--worker-id", worker_id],
                cwd=root,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {}), "CARIBCLEAR_TASKS_IMMEDIATE": "0"},
            )
            for worker_id in self.ids
        ]

    def cpu(self) -> float:
        return sum(proc_cpu(p.pid) for p in self.processes)

    def ran(self, since: dt.datetime) -> set[str]:
        """The ids of the workers that ran a task queued since ``since``."""
        from django_tasks_db.models import DBTaskResult

        ran: set[str] = set()
        for worker_ids in DBTaskResult.objects.filter(enqueued_at__gte=since).values_list(
            "worker_ids", flat=True
        ):
            ran.update(worker_ids)
        return ran

    def wait(self, since: dt.datetime, expected: int = 1, timeout: float = 3600) -> int:
        """Wait until at least ``expected`` tasks were queued since ``since`` and all of them are done;
        raises if one failed or a worker exited. Returns how many there were."""
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        started = time.monotonic()
        while True:
            for p in self.processes:
                if p.poll() is not None:
                    raise RuntimeError(f"a worker exited ({p.returncode}); see {self.log.name}")
            statuses = Counter(
                DBTaskResult.objects.filter(enqueued_at__gte=since).values_list("status", flat=True)
            )
            if statuses[TaskResultStatus.FAILED]:
                raise RuntimeError(f"{statuses[TaskResultStatus.FAILED]} task(s) failed; see {self.log.name}")
            total = sum(statuses.values())
            if total >= expected and statuses[TaskResultStatus.SUCCESSFUL] == total:
                return total
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"tasks not done after {timeout} s: {dict(statuses)}")
            time.sleep(0.05)

    def stop(self) -> None:
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        self.log.close()
