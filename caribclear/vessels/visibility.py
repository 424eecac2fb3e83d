"""Who may see vessels, people on board, travel documents and weapons: the operator account that
registered them, and nobody else here. (Officials see them only inside a notification filed to their
administration, through clearance's rules.)"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import is_operator, register

from .models import Person, TravelDocument, Vessel, Weapon


@register(Vessel)
@register(Person)
def own_records(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(account_id=reader.pk) if is_operator(reader) else qs.none()


@register(TravelDocument)
def own_documents(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    """Documents of the operator's own people (archived people included: documents of past voyages)."""
    return qs.filter(person__account_id=reader.pk) if is_operator(reader) else qs.none()


@register(Weapon)
def own_weapons(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(vessel__account_id=reader.pk) if is_operator(reader) else qs.none()
