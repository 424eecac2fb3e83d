"""Readiness: can this process serve requests that read and write, and is the job queue there?

Liveness (`/healthz`) touches nothing; readiness (`/readyz`) asks the database for one row and reads the
queue's figures (django-tasks-db's table), so a load balancer takes a server out of rotation while its
database cannot be reached. The queue's figures are computed from the table itself, so every web process
and every machine reports the same numbers (nothing is counted in a process's memory).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueFigures:
    queue: str
    ready: int  # jobs a worker may take now
    oldest_ready_at: datetime | None  # when the longest-waiting of them became due
    running: int
    failed: int  # failed results still kept in the table

    def oldest_age_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest_ready_at).total_seconds()) if self.oldest_ready_at else 0.0


def queue_figures(using: str = "default", *, states: bool = True) -> list[QueueFigures]:
    """Per queue: jobs ready now, when the oldest of them became due, and (with `states`) jobs running and
    failed results. The ready jobs come from the table's partial index on them; counting the running and
    failed ones reads every row kept, so readiness, polled every few seconds, leaves them to /metrics."""
    now = timezone.now()
    never = get_date_max()
    ready = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    rows = DBTaskResult.objects.using(using).values("queue_name")
    waiting = {
        row["queue_name"]: row
        for row in rows.filter(ready).annotate(
            n=Count("id"),
            # A job without a delay is due when enqueued; a delayed one when its run_after passes.
            first_plain=Min("enqueued_at", filter=Q(run_after=never)),
            first_delayed=Min("run_after", filter=~Q(run_after=never)),
        )
    }
    counted = (
        {
            row["queue_name"]: row
            for row in rows.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED]).annotate(
                running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
                failed=Count("id", filter=Q(status=TaskResultStatus.FAILED)),
            )
        }
        if states
        else {}
    )
    figures = []
    for queue in sorted(set(waiting) | set(counted)):
        w = waiting.get(queue, {})
        firsts = [at for at in (w.get("first_plain"), w.get("first_delayed")) if at is not None]
        s = counted.get(queue, {})
        figures.append(
            QueueFigures(
                queue=queue,
                ready=w.get("n", 0),
                oldest_ready_at=min(firsts) if firsts else None,
                running=s.get("running", 0),
                failed=s.get("failed", 0),
            )
        )
    return figures


def readiness(using: str = "default") -> tuple[bool, dict[str, Any]]:
    """(ready, body): the database answers a query and the queue's table can be read. The body is small
    JSON for whoever watches: each check's result and time, and the queue's depth and oldest age."""
    now = timezone.now()
    checks: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except DatabaseError as error:
        checks["database"] = {"ok": False, "error": type(error).__name__}
    if checks["database"]["ok"]:
        started = time.monotonic()
        try:
            figures = queue_figures(using, states=False)
            checks["queue"] = {
                "ok": True,
                "ms": round((time.monotonic() - started) * 1000, 1),
                "ready": sum(f.ready for f in figures),
                "oldest_ready_age_seconds": round(
                    max((f.oldest_age_seconds(now) for f in figures), default=0), 1
                ),
                "running": sum(f.running for f in figures),
            }
        except DatabaseError as error:
            checks["queue"] = {"ok": False, "error": type(error).__name__}
    else:
        checks["queue"] = {"ok": False, "error": "database unavailable"}
    ok = all(check["ok"] for check in checks.values())
    return ok, {"status": "ready" if ok else "unavailable", "checks": checks}
