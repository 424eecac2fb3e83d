"""Background work of the risk app: each task fetches by id and calls a service."""

from __future__ import annotations

from django_tasks import task

from caribclear.screening.choices import ScreeningReason

from . import services


@task(queue_name="screening")
def check_declaration_task(declaration_id: int, reason: str = ScreeningReason.FILED) -> str | None:
    """Screen a filed or amended declaration against the watchlists, then set its lane."""
    assessment = services.declaration_check(declaration_id=declaration_id, reason=reason)
    return assessment.final_lane if assessment else None


@task(queue_name="screening")
def check_declarations_task(declaration_ids: list[int], reason: str = ScreeningReason.FILED) -> int:
    """Screen and assess many declarations filed together (a ship's manifest) in batches; how many were
    assessed."""
    return len(services.declarations_check(declaration_ids=declaration_ids, reason=reason))
