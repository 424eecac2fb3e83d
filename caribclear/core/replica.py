"""Reads of dashboards and reports from a read replica (``DATABASE_REPLICA_URL``), when there is one.

Only code that asks for it reads there (``@replica_reads`` on a view, or ``with reading_from_replica():``):
a page that writes and then shows what it wrote must read the primary, and a replica may be a few
seconds behind. Without a replica (or with ``CARIBCLEAR_REPLICA_READS`` off) everything reads the
default database. Writes and migrations always go to the default database.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings

REPLICA = "replica"
_reading = contextvars.ContextVar("caribclear_replica_reads", default=False)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads(view: F) -> F:
    """A view whose reads may come from the replica (dashboards, reports): GET and HEAD only."""

    @wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and settings.CARIBCLEAR_REPLICA_READS and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
