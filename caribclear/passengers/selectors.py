"""Reads of the passengers app, always through the visibility layer (restrict first, then look up)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from caribclear.accounts.models import User
from caribclear.accounts.selectors import organisation_nav
from caribclear.core.visibility import get_visible_or_404, visible
from caribclear.risk.choices import Lane
from caribclear.screening.choices import Disposition
from caribclear.screening.models import Hit

from .choices import ListStatus, Role
from .models import (
    ArrivalCheck,
    Carrier,
    RetentionPolicy,
    Traveller,
    TravellerDocument,
    TravelList,
    TravelListVersion,
    UnmaskRequest,
)


def files_passenger_lists(user: User) -> bool:
    """Whether the account files passenger lists for a carrier (its start page is then the lists). The
    answer is the navigation's, asked of the organisation once."""
    return organisation_nav(user).files_passenger_lists


def carriers_for(user: User) -> QuerySet[Carrier]:
    return visible(user, Carrier).select_related("organisation")


def carrier_for(user: User) -> Carrier | None:
    """The carrier an operator files for: the passenger profile of their organisation (the first)."""
    return carriers_for(user).order_by("pk").first() if user.is_operator else None


def lists_for(user: User) -> QuerySet[TravelList]:
    return visible(user, TravelList).select_related(
        "carrier__organisation", "arrival_port", "departure_port", "administration"
    )


def list_for(user: User, reference: str) -> TravelList:
    return get_visible_or_404(user, lists_for(user), reference=reference)


def versions_of(user: User, travel_list: TravelList) -> QuerySet[TravelListVersion]:
    return visible(user, TravelListVersion).filter(travel_list=travel_list).select_related("filed_by")


def travellers_of(user: User, travel_list: TravelList) -> QuerySet[Traveller]:
    return (
        visible(user, Traveller)
        .filter(travel_list=travel_list)
        .prefetch_related(Prefetch("documents", queryset=visible(user, TravellerDocument).order_by("pk")))
    )


def traveller_for(user: User, reference: str, pk: int) -> Traveller:
    qs = visible(user, Traveller).select_related(
        "travel_list__carrier__organisation",
        "travel_list__arrival_port",
        "travel_list__departure_port",
        "travel_list__declaration",
    )
    return get_visible_or_404(user, qs, travel_list__reference=reference, pk=pk)


@dataclass
class Arrival:
    travel_list: TravelList
    travellers: int
    hits: int
    pending_hits: int
    lane: str
    lane_label: str = ""


def arrivals_for(user: User, *, hours: int = 72, now: dt.datetime | None = None) -> list[Arrival]:
    """Flights and voyages arriving at the official's administration from 12 hours ago to ``hours`` ahead,
    with their travellers, hits and lanes."""
    now = now or timezone.now()
    if user.administration_id is None:
        return []
    lists = list(
        lists_for(user)
        .filter(
            administration_id=user.administration_id,
            arrival_at__gte=now - dt.timedelta(hours=12),
            arrival_at__lte=now + dt.timedelta(hours=hours),
        )
        .exclude(status=ListStatus.CANCELLED)
        .select_related("declaration__risk_assessment")
        .annotate(people=Count("travellers", filter=Q(travellers__removed_in__isnull=True)))
        .order_by("arrival_at", "pk")
    )
    declaration_ids = [t.declaration_id for t in lists if t.declaration_id]
    hits: Counter[int] = Counter()
    pending: Counter[int] = Counter()
    for declaration_id, disposition in Hit.objects.filter(
        declaration_id__in=declaration_ids, is_current=True
    ).values_list("declaration_id", "disposition"):
        hits[declaration_id] += 1
        if disposition == Disposition.PENDING:
            pending[declaration_id] += 1
    rows = []
    for t in lists:
        assessment = getattr(t.declaration, "risk_assessment", None) if t.declaration_id else None
        rows.append(
            Arrival(
                travel_list=t,
                travellers=getattr(t, "people", 0),
                hits=hits[t.declaration_id or 0],
                pending_hits=pending[t.declaration_id or 0],
                lane=assessment.final_lane if assessment is not None else "",
                lane_label=str(Lane(assessment.final_lane).label) if assessment is not None else "",
            )
        )
    return rows


def hits_by_traveller(user: User, travel_list: TravelList) -> dict[str, list[Hit]]:
    """Current hits on the list's travellers, for officials of the administration of arrival only."""
    if not user.is_official or user.administration_id != travel_list.administration_id:
        return {}
    if travel_list.declaration_id is None:
        return {}
    by_key: dict[str, list[Hit]] = {}
    for hit in (
        visible(user, Hit)
        .filter(declaration_id=travel_list.declaration_id, is_current=True)
        .select_related("watchlist", "lookout__administration", "disposed_by")
        .order_by("-score", "pk")
    ):
        by_key.setdefault(hit.subject_key, []).append(hit)
    return by_key


def earlier_travel(user: User, traveller: Traveller, *, limit: int = 20) -> list[Traveller]:
    """Earlier lists of this administration naming the same person (same name and date of birth, or same
    document), newest first."""
    if not user.is_official or traveller.masked_at is not None:
        return []
    numbers = [d.number for d in traveller.documents.all() if d.number]
    same = Q()
    if traveller.date_of_birth and traveller.surname:
        same |= Q(
            surname__iexact=traveller.surname,
            given_names__iexact=traveller.given_names,
            date_of_birth=traveller.date_of_birth,
        )
    if numbers:
        same |= Q(documents__number__in=numbers)
    if not same or user.administration_id is None:
        return []
    return list(
        visible(user, Traveller)
        .filter(same, travel_list__administration_id=user.administration_id)
        .exclude(pk=traveller.pk)
        .select_related("travel_list__carrier__organisation", "travel_list__arrival_port")
        .distinct()
        .order_by("-travel_list__arrival_at", "-pk")[:limit]
    )


def arrival_checks_of(user: User, traveller: Traveller) -> QuerySet[ArrivalCheck]:
    return visible(user, ArrivalCheck).filter(traveller=traveller).select_related("officer")


def unmask_requests_of(user: User, traveller: Traveller) -> QuerySet[UnmaskRequest]:
    return (
        visible(user, UnmaskRequest).filter(traveller=traveller).select_related("requested_by", "decided_by")
    )


def pending_unmask_requests(user: User) -> QuerySet[UnmaskRequest]:
    return (
        visible(user, UnmaskRequest)
        .filter(status="pending")
        .select_related("traveller__travel_list", "requested_by")
    )


def unmask_request_for(user: User, pk: int) -> UnmaskRequest:
    return get_visible_or_404(
        user, visible(user, UnmaskRequest).select_related("traveller__travel_list"), pk=pk
    )


def policy_for_user(user: User) -> RetentionPolicy | None:
    if user.administration_id is None:
        return None
    return visible(user, RetentionPolicy).filter(administration_id=user.administration_id).first()


def list_counts(travel_list_travellers: list[Traveller]) -> dict[str, Any]:
    current = [t for t in travel_list_travellers if t.removed_in is None]
    return {
        "passengers": sum(1 for t in current if t.role == Role.PASSENGER),
        "crew": sum(1 for t in current if t.role == Role.CREW),
        "removed": len(travel_list_travellers) - len(current),
    }
