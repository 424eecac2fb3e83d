"""``manage.py worker``: django-tasks-db's ``db_worker`` (same options) that does not lose jobs.

Beside the queue's own loop it keeps a heartbeat, puts back in the queue the jobs of workers that stopped
answering (core/jobs.py), and rides out a database that goes away: it waits, reconnects and carries on
(its job interrupted by the outage goes back to the queue) instead of exiting.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from caribclear.core.jobs import (
    heartbeat_beat,
    heartbeat_end,
    job_retry_if_transient,
    jobs_reclaim,
    jobs_release,
)
from caribclear.core.unavailable import DATABASE_ERRORS

logger = logging.getLogger("caribclear.worker")


class Heartbeat(threading.Thread):
    """Beats and reclaims on its own connection, so a long job does not look like a dead worker."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def beat(self) -> None:
        try:
            close_old_connections()
            heartbeat_beat(worker_id=self.worker_id, hostname=socket.gethostname(), pid=os.getpid())
            reclaimed = jobs_reclaim()
            if reclaimed.requeued or reclaimed.failed:
                logger.warning("reclaimed jobs of gone workers: %s", reclaimed)
        except DATABASE_ERRORS as error:
            logger.warning("heartbeat: database unavailable (%s)", error)
            connection.close()

    def run(self) -> None:
        # The first beat was given by the starting worker itself (Command.handle); then one every interval.
        every = settings.CARIBCLEAR_WORKER_HEARTBEAT_SECONDS
        while not self.stopping.wait(every):
            self.beat()
        connection.close()


class Worker(db_worker.Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        # A job that failed only because the database went away goes back to the queue.
        if job_retry_if_transient(job_id=db_task_result.pk):
            logger.warning("job %s put back after a database error", db_task_result.pk)

    def run(self) -> None:
        wait = 1.0
        while True:
            try:
                super().run()
                return
            except DATABASE_ERRORS as error:
                if not self.running:
                    raise
                logger.warning("database unavailable (%s); retrying in %.0f s", error, wait)
                connection.close()
                time.sleep(wait)
                wait = min(wait * 2, 15.0)
                try:
                    released = jobs_release(worker_id=self.worker_id)
                    if released:
                        logger.warning("put back %d job(s) interrupted by the outage", released)
                    wait = 1.0
                except DATABASE_ERRORS:
                    connection.close()


class Command(db_worker.Command):
    help = (
        "Run a background worker (django-tasks-db's db_worker) with a heartbeat: jobs of workers that "
        "stopped are taken up again, and a database outage is waited out."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        heartbeat = Heartbeat(worker_id)
        # A starting worker beats and takes up the jobs of gone workers before its first look at the queue,
        # on its own connection: what a killed worker left running is run now, not after the next beat.
        heartbeat.beat()
        heartbeat.start()
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
            heartbeat.stopping.set()
            heartbeat.join(timeout=5)
            with contextlib.suppress(*DATABASE_ERRORS):
                heartbeat_end(worker_id=worker_id)
