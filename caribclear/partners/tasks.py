"""Background work of the partners app: keeping the cache of served STIX objects (`stix_cache`) filled
when records change, so a partner's first pull reads stored objects instead of building them.

A saved seizure or alert (`post_save`, connected in `apps.PartnersConfig.ready`) is noted on the
connection; when the transaction commits, one job is queued for the records it saved, which builds their
objects in bulk (`stix_cache.fill`). Records written in bulk without `save()` (imports, generators) are
filled by `manage.py stix_cache_fill`; a record not yet filled is still built when it is first read.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django_tasks import task

from caribclear.intel.models import Alert, Seizure

from . import stix_cache


@task()
def stix_cache_fill_task(record_type: str, ids: list[int]) -> int:
    """Build and store the served objects of records that changed (those already current are skipped)."""
    return stix_cache.fill(record_type, ids)


class _Pending:
    """The records saved in the current transaction, queued once when it commits. Valid only while it is
    among the connection's on-commit callbacks (a rollback drops both, as `core.chain` relies on too)."""

    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {}

    def __call__(self) -> None:
        for record_type, ids in sorted(self.ids.items()):
            stix_cache_fill_task.enqueue(record_type=record_type, ids=sorted(ids))


def record_saved(sender: type[Any], instance: Seizure | Alert, **_kwargs: Any) -> None:
    pending: _Pending | None
    if not connection.in_atomic_block:  # the row is written already: queue it now
        pending = _Pending()
    else:
        pending = getattr(connection, "_caribclear_stix_pending", None)
        if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
            pending = connection._caribclear_stix_pending = _Pending()  # type: ignore[attr-defined]
            transaction.on_commit(pending)
    pending.ids.setdefault(str(sender.record_type), set()).add(instance.pk)
    if not connection.in_atomic_block:
        pending()
