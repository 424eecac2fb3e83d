"""The clearance state pipeline: the moves a notification's status may make (`NOTIFICATION_STATUS`, a
core pipeline over `choices.PIPELINE`), which agencies must decide, and what their decisions add up to."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from caribclear.accounts.choices import Agency
from caribclear.core.pipeline import InvalidTransition, Pipeline

from .choices import PIPELINE, Decision, Status
from .models import Notification

__all__ = ["NOTIFICATION_STATUS", "InvalidTransition", "overall_status", "required_agencies"]

NOTIFICATION_STATUS = Pipeline(
    "status", PIPELINE, message=_("This notification is %(status)s: it cannot move to %(requested)s.")
)


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
