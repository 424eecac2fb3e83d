"""Background work of the screening app: each task fetches by id and calls a service. The ``*_on_commit``
helpers queue them once the transaction that changed a list, a lookout or an alert commits."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django_tasks import task

from .rechecks import declarations_rescreen, declarations_rescreen_for_alert


@task(queue_name="screening")
def rescreen_task(
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: list[int] | None = None,
) -> int:
    """A list or lookout changed: ask for its users' open declarations to be screened again."""
    return len(
        declarations_rescreen(
            watchlist_id=watchlist_id, lookout_id=lookout_id, also_administrations=also_administrations or []
        )
    )


@task(queue_name="screening")
def rescreen_intel_alert_task(alert_id: int) -> int:
    """An intelligence alert was issued or its release changed: screen the open declarations again."""
    return len(declarations_rescreen_for_alert(alert_id=alert_id))


def rescreen_on_commit(
    *,
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: Sequence[int] = (),
) -> None:
    """Queue :func:`rescreen_task` once the current transaction commits."""

    def enqueue() -> None:
        rescreen_task.enqueue(
            watchlist_id=watchlist_id, lookout_id=lookout_id, also_administrations=list(also_administrations)
        )

    transaction.on_commit(enqueue)


def intel_alert_rescreen_on_commit(*, alert_id: int) -> None:
    """An intelligence alert was issued or its content or release changed (the intel app calls this inside
    its transaction): once it commits, the open declarations it may now hit, or no longer hits, are
    screened again in the background."""
    transaction.on_commit(lambda: rescreen_intel_alert_task.enqueue(alert_id=alert_id))
