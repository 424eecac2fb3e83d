"""The clearance state pipeline: which agencies must decide, and what their decisions add up to."""

from __future__ import annotations

from collections.abc import Mapping

from caribclear.accounts.choices import Agency

from .choices import PIPELINE, Decision, Status
from .models import Notification


class InvalidTransition(Exception):
    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"A notification cannot go from {current!r} to {requested!r}.")
        self.current, self.requested = current, requested


def required_agencies(notification: Notification) -> list[str]:
    """Customs and immigration clear every craft; port health too when illness or animals are declared."""
    agencies = [Agency.CUSTOMS.value, Agency.IMMIGRATION.value]
    if notification.declares_illness or notification.declares_animals:
        agencies.append(Agency.PORT_HEALTH.value)
    return agencies


def overall_status(decisions: Mapping[str, str], required: list[str]) -> str:
    """Refused if any agency refused; referred if any referred; cleared when every required agency
    cleared; being processed once any decided; submitted before that."""
    values = set(decisions.values())
    if Decision.REFUSED in values:
        return Status.REFUSED
    if Decision.REFERRED in values:
        return Status.REFERRED
    if all(decisions.get(agency) == Decision.CLEARED for agency in required):
        return Status.CLEARED
    if values - {Decision.PENDING}:
        return Status.IN_PROGRESS
    return Status.SUBMITTED


def set_status(notification: Notification, status: str) -> bool:
    """Move along the pipeline; raises InvalidTransition. Returns whether the status changed."""
    if status not in PIPELINE[notification.status]:
        raise InvalidTransition(notification.status, status)
    changed = notification.status != status
    notification.status = status
    return changed
