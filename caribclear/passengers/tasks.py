"""Background work of the passengers app: each task fetches by id and calls a service."""

from __future__ import annotations

from django_tasks import task

from .declaration import passenger_list_assess, travellers_screen


@task(queue_name="screening")
def list_assess_task(declaration_id: int) -> str | None:
    """Assess a list's criteria and lane again after interactive check-ins (each traveller was screened
    when checking in; the list is not screened again)."""
    return passenger_list_assess(declaration_id=declaration_id)


@task(queue_name="screening")
def boarding_screen_task(declaration_id: int, traveller_ids: list[int], vessel: bool = False) -> str | None:
    """After an interactive answer: record the screening of the travellers who checked in (their hits,
    with the lists read afresh; the ship too on a list's first check-in), then assess the list's
    criteria and lane again: always when hits were found (a later check-in's task may have assessed the
    list's version before they were recorded)."""
    run = travellers_screen(declaration_id=declaration_id, traveller_ids=traveller_ids, vessel=vessel)
    return passenger_list_assess(declaration_id=declaration_id, force=run is not None and run.hit_count > 0)
