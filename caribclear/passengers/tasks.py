"""Background work of the passengers app: each task fetches by id and calls a service."""

from __future__ import annotations

from django_tasks import task

from .declaration import passenger_list_assess


@task(queue_name="screening")
def list_assess_task(declaration_id: int) -> str | None:
    """Assess a list's criteria and lane again after interactive check-ins (each traveller was screened
    when checking in; the list is not screened again)."""
    return passenger_list_assess(declaration_id=declaration_id)
