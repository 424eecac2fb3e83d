"""Background work of the passengers app: each task calls a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def retention_task(mask: bool = True, delete: bool = True) -> dict[str, int]:
    """Mask, then delete, what is past each administration's retention."""
    result: dict[str, int] = {}
    if mask:
        result |= {f"masked_{k}": v for k, v in services.passenger_lists_mask().items()}
    if delete:
        result |= {f"deleted_{k}": v for k, v in services.passenger_lists_purge().items()}
    return result
