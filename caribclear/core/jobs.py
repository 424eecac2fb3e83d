"""Background jobs that survive their worker: heartbeats, a lease, and a bounded reclaim.

django-tasks-db marks a job RUNNING when a worker claims it and never looks at it again: a worker killed
half-way (``kill -9``, a lost machine) leaves it RUNNING for ever. ``manage.py worker`` runs the same
worker with a heartbeat (``WorkerHeartbeat.seen_at``, every ``CARIBCLEAR_WORKER_HEARTBEAT_SECONDS``), and
every worker puts back in the queue the jobs of workers not seen for ``CARIBCLEAR_WORKER_LEASE_SECONDS``.
A job that has already been started ``CARIBCLEAR_JOB_MAX_ATTEMPTS`` times (a job that kills its worker)
is marked failed instead of being tried again. The put-back is a conditional update, so two workers
reclaiming at once put a job back once. Tasks are written to be run again (an import in one transaction,
a re-screening that replaces its results), so a job started twice does its work once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from . import bulk
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

WORKER_GONE = "caribclear.core.jobs.WorkerGone"
#: Errors of a database that went away while a job ran: the job is put back, not failed.
TRANSIENT_ERRORS = ("django.db.utils.OperationalError", "django.db.utils.InterfaceError")


@dataclass(frozen=True)
class Reclaimed:
    requeued: int = 0
    failed: int = 0


def lease() -> timedelta:
    return timedelta(seconds=settings.CARIBCLEAR_WORKER_LEASE_SECONDS)


def max_attempts() -> int:
    return int(settings.CARIBCLEAR_JOB_MAX_ATTEMPTS)


def heartbeat_beat(*, worker_id: str, hostname: str, pid: int) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        seen_at=now, hostname=hostname, pid=pid
    )
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"hostname": hostname, "pid": pid, "started_at": now, "seen_at": now},
        )


def heartbeat_end(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _put_back(job: DBTaskResult, *, reason: str) -> bool:
    """READY again, if nobody changed it since we read it (another worker reclaiming, or it finishing)."""
    return bool(
        DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        ).update(status=TaskResultStatus.READY, traceback=reason)
    )


def _fail(job: DBTaskResult, *, reason: str) -> bool:
    return bool(
        DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=WORKER_GONE,
            traceback=reason,
        )
    )


def jobs_reclaim() -> Reclaimed:
    """Put back in the queue the running jobs whose worker has not been seen for the lease."""
    moment = timezone.now()
    cutoff = moment - lease()
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    # Jobs started within the lease may belong to a worker whose first beat is still on its way.
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True)
    )
    for job in candidates.only("id", "status", "started_at", "worker_ids", "task_path"):
        owner = job.worker_ids[-1] if job.worker_ids else ""
        if owner in alive:
            continue
        if len(job.worker_ids) >= max_attempts():
            reason = (
                f"Worker {owner} stopped answering; started {len(job.worker_ids)} times, not tried again."
            )
            if _fail(job, reason=reason):
                failed += 1
                logger.error("job %s (%s) failed: %s", job.pk, job.task_path, reason)
        elif _put_back(job, reason=f"Worker {owner} stopped answering; put back in the queue."):
            requeued += 1
            logger.warning("job %s (%s) put back: worker %s is gone", job.pk, job.task_path, owner)
    # Heartbeats of workers gone for long are only noise.
    WorkerHeartbeat.objects.filter(seen_at__lt=moment - 10 * lease()).delete()
    return Reclaimed(requeued=requeued, failed=failed)


def job_retry_if_transient(*, job_id: UUID | str) -> bool:
    """A job that failed only because the database went away is put back, within the attempt limit."""
    job = DBTaskResult.objects.filter(pk=job_id, status=TaskResultStatus.FAILED).first()
    if job is None or job.exception_class_path not in TRANSIENT_ERRORS:
        return False
    if len(job.worker_ids) >= max_attempts():
        return False
    return bool(
        DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, finished_at=None
        )
    )


def jobs_release(*, worker_id: str) -> int:
    """A worker's own jobs left RUNNING (the database went away mid-job) go back to the queue."""
    released = 0
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "started_at", "worker_ids"
    ):
        if (
            job.worker_ids
            and job.worker_ids[-1] == worker_id
            and _put_back(
                job, reason=f"Worker {worker_id} lost its database connection; put back in the queue."
            )
        ):
            released += 1
    return released


def enqueue_with_transaction(calls: list[tuple[Any, dict[str, Any]]]) -> None:
    """Queue several tasks (``(task, kwargs)`` each) for when the current transaction commits.

    With the database backend their rows are written now, in one INSERT inside that transaction: they
    become visible to the workers when it commits, and vanish with it if it rolls back, and cost neither a
    statement each nor a transaction of their own after the commit (as ``transaction.on_commit`` plus each
    task's ``enqueue`` would). Each row is what the backend's own ``enqueue`` writes, and ``task_enqueued``
    is sent for each as it does. Any other backend (the immediate one of tests and the demo) enqueues them
    one by one after commit."""
    if not calls:
        return
    backends = {task.get_backend() for task, _kwargs in calls}
    backend = next(iter(backends))
    if len(backends) != 1 or not isinstance(backend, DatabaseBackend):

        def enqueue_each() -> None:
            for task, kwargs in calls:
                task.enqueue(**kwargs)

        transaction.on_commit(enqueue_each)
        return
    for task, _kwargs in calls:
        backend.validate_task(task)
    rows: list[DBTaskResult[Any, Any]] = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),  # as the backend's pre_save receiver sets it
            backend_name=backend.alias,
        )
        for task, kwargs in calls
    ]
    # The rows as `bulk_create` would write them, in one statement of core.bulk's: the ORM's building of
    # its INSERT cost more CPU than anything else in queuing a filing's two tasks.
    bulk.insert_instances(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
