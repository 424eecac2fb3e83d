"""Background work of the passengers app: each task calls a service."""

from __future__ import annotations

from django_tasks import task

from . import services


@task(queue_name="screening")
def list_assess_task(declaration_id: int) -> str | None:
    """Assess a list's criteria and lane again after interactive check-ins (each traveller was screened
    when checking in; the list is not screened again)."""
    return services.passenger_list_assess(declaration_id=declaration_id)
