"""Background work of the screening app: each task fetches by id and calls a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="screening")
def rescreen_task(
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: list[int] | None = None,
) -> int:
    """A list or lookout changed: ask for its users' open declarations to be screened again."""
    return len(
        services.declarations_rescreen(
            watchlist_id=watchlist_id, lookout_id=lookout_id, also_administrations=also_administrations or []
        )
    )


@task(queue_name="screening")
def rescreen_intel_alert_task(alert_id: int) -> int:
    """An intelligence alert was issued or its release changed: screen the open declarations again."""
    return len(services.declarations_rescreen_for_alert(alert_id=alert_id))
