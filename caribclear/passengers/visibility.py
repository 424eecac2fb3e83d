"""Who may see passenger data.

- Carriers' users (operators) see their carriers and the lists their carriers filed, with the travellers
  and boarding answers (they sent them); never officers' records (arrival checks, unmasking requests).
- Officials see the lists bound to or leaving their administration's ports (arrival or departure
  administration), their travellers and documents. What was found at arrival and unmasking requests are
  seen by the officials of the administration of arrival only; so are hits (through the declaration).
- The retention policy: the officials of its administration.
Nobody else sees anything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caribclear.core.visibility import VIEW, administration_id, is_official, is_operator, register

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


def _lists(reader: Any, prefix: str) -> Q | None:
    if is_operator(reader):
        return Q(**{f"{prefix}carrier__organisation__members__user": reader.pk})
    if is_official(reader):
        admin = administration_id(reader)
        return Q(**{f"{prefix}administration_id": admin}) | Q(
            **{f"{prefix}departure_administration_id": admin}
        )
    return None


def _restrict(reader: Any, qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    condition = _lists(reader, prefix)
    if condition is None:
        return qs.none()
    restricted = qs.filter(condition)
    # A join through the carrier's organisation's users or an OR may repeat rows: keep each once.
    return restricted.distinct() if is_operator(reader) else restricted


@register(Carrier, actions=(VIEW,))
def carriers(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if is_operator(reader):
        return qs.filter(organisation__members__user=reader.pk)
    if is_official(reader):
        return qs
    return qs.none()


@register(TravelList, actions=(VIEW,))
def travel_lists(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _restrict(reader, qs, "")


@register(TravelListVersion, actions=(VIEW,))
def versions(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _restrict(reader, qs, "travel_list__")


@register(Traveller, actions=(VIEW,))
def travellers(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _restrict(reader, qs, "travel_list__")


@register(TravellerDocument, actions=(VIEW,))
def documents(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _restrict(reader, qs, "traveller__travel_list__")


def _arrival_officials(reader: Any, qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    if is_official(reader):
        return qs.filter(**{f"{prefix}administration_id": administration_id(reader)})
    return qs.none()


@register(ArrivalCheck, actions=(VIEW,))
def arrival_checks(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _arrival_officials(reader, qs, "traveller__travel_list__")


@register(UnmaskRequest, actions=(VIEW,))
def unmask_requests(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _arrival_officials(reader, qs, "traveller__travel_list__")


@register(RetentionPolicy, actions=(VIEW,))
def policies(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _arrival_officials(reader, qs, "")
