"""Reads for operators: their own notifications, nothing else. (Officers read through officer_selectors.)

A notification another account filed is simply not found (404), for operators and officials alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from caribclear.accounts.choices import Agency
from caribclear.accounts.models import User
from caribclear.core.refs import InvalidReference, parse_reference
from caribclear.core.visibility import get_visible_or_404, is_operator, visible
from caribclear.reference.models import Port
from caribclear.vessels import selectors as vessel_selectors
from caribclear.vessels.models import Vessel

from .choices import DECIDED, OPERATOR_EDITABLE, Decision, Status
from .models import (
    AgencyClearance,
    Notification,
    NotificationPerson,
    NotificationVersion,
    UnfinishedNotification,
)
from .pipeline import required_agencies


def notifications_for(user: User) -> QuerySet[Notification]:
    """The notifications an operator filed. Officials see none here (they use the officer queue)."""
    if not is_operator(user):
        return Notification.objects.none()
    return visible(user, Notification)


def unfinished_drafts_for(user: User) -> QuerySet[UnfinishedNotification]:
    """The operator's drafts kept as typed, before they had a vessel, kind, port and time."""
    return visible(user, UnfinishedNotification)


def unfinished_draft_for(user: User, pk: Any) -> UnfinishedNotification:
    """One of them; another account's, a missing one or a bad id is a 404."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_visible_or_404(user, UnfinishedNotification, pk=number)


def notification_for(user: User, reference: str) -> Notification:
    """One of the user's notifications by its reference (as typed: case and dashes do not matter)."""
    try:
        reference = parse_reference(reference)
    except InvalidReference:
        raise Http404 from None
    notification = (
        notifications_for(user)
        .select_related("vessel", "port", "administration", "paired_with")
        .prefetch_related(
            Prefetch(
                "people_on_board",
                queryset=NotificationPerson.objects.select_related("person", "document").order_by("pk"),
            ),
            "clearances",
            Prefetch("versions", queryset=NotificationVersion.objects.order_by("-number")),
        )
        .filter(reference=reference)
        .first()
    )
    if notification is None:
        raise Http404
    return notification


def ports_of_entry() -> QuerySet[Port]:
    """Ports where a member administration clears craft, grouped by administration for choosing."""
    return (
        Port.objects.ports_of_entry()
        .filter(administration__is_active=True)
        .select_related("administration")
        .order_by("administration__name", "name")
    )


def vessels_with_a_voyage(user: User) -> QuerySet[Vessel]:
    """The operator's vessels with a filed (not cancelled) notification to start a new one from."""
    return (
        vessel_selectors.vessels_for(user)
        .filter(
            notifications__status__in=[s for s in Status.values if s not in (Status.DRAFT, Status.CANCELLED)]
        )
        .distinct()
    )


# --- What the operator's pages show ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyStatus:
    agency: str
    label: Any
    decision: str
    decision_label: Any
    remarks: str
    decided_at: Any


def agency_statuses(notification: Notification) -> list[AgencyStatus]:
    """Each agency that must (or did) decide, with its decision; pending until it decides.
    Uses `notification.clearances.all()`, so prefetch `clearances` for lists."""
    by_agency = {c.agency: c for c in notification.clearances.all()}
    agencies = list(dict.fromkeys([*required_agencies(notification), *by_agency]))
    labels = dict(Agency.choices)
    decisions = dict(Decision.choices)
    result = []
    for agency in agencies:
        clearance: AgencyClearance | None = by_agency.get(agency)
        decision = clearance.decision if clearance else Decision.PENDING
        result.append(
            AgencyStatus(
                agency=agency,
                label=labels.get(agency, agency),
                decision=decision,
                decision_label=decisions.get(decision, decision),
                remarks=clearance.remarks if clearance else "",
                decided_at=clearance.decided_at if clearance else None,
            )
        )
    return result


def can_change(notification: Notification) -> bool:
    """Whether the operator may still edit, amend or cancel (no agency has decided)."""
    return notification.status in OPERATOR_EDITABLE and all(
        c.decision == Decision.PENDING for c in notification.clearances.all()
    )


def my_voyages(user: User) -> dict[str, list[Notification]]:
    """The operator's notifications in three groups for the home page: drafts, in hand, decided
    (cancelled ones at the end of the decided group). Each carries `.agencies` (agency_statuses)."""
    notifications = (
        notifications_for(user)
        .select_related("vessel", "port", "administration", "paired_with")
        .prefetch_related("clearances")
        .order_by("-expected_at", "-id")[:200]
    )
    # The nearest date first: what is coming up soonest, then what is past, the most recent first.
    now = timezone.now()
    fetched = list(notifications)
    upcoming = sorted((n for n in fetched if n.expected_at >= now), key=lambda n: (n.expected_at, n.pk))
    past = [n for n in fetched if n.expected_at < now]
    groups: dict[str, list[Notification]] = {"drafts": [], "open": [], "decided": [], "cancelled": []}
    for n in [*upcoming, *past]:
        n.agencies = agency_statuses(n)  # type: ignore[attr-defined]
        if n.status == Status.DRAFT:
            groups["drafts"].append(n)
        elif n.status == Status.CANCELLED:
            groups["cancelled"].append(n)
        elif n.status in DECIDED:
            groups["decided"].append(n)
        else:
            groups["open"].append(n)
    return groups
