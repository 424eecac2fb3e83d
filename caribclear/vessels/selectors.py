"""Reads of vessels and people, always restricted to the operator account that owns them.

Other apps (clearance) pick vessels, people and their travel documents through these functions only.
Officials and anyone else see nothing here: a record that is not yours is not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from .models import Person, TravelDocument, Vessel, Weapon


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator", False))


def vessels_for(user: Any, *, include_archived: bool = False) -> QuerySet[Vessel]:
    """The operator's own vessels (not archived ones unless asked), by name."""
    if not _is_operator(user):
        return Vessel.objects.none()
    qs = Vessel.objects.filter(account=user)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def people_for(user: Any, *, include_archived: bool = False) -> QuerySet[Person]:
    """The operator's own crew and passengers, with their travel documents (newest expiry first)."""
    if not _is_operator(user):
        return Person.objects.none()
    qs = Person.objects.filter(account=user)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs.prefetch_related(
        Prefetch("documents", queryset=TravelDocument.objects.order_by("-expiry_date", "-id"))
    )


def documents_for(user: Any) -> QuerySet[TravelDocument]:
    """Travel documents of the operator's own people (archived people included: documents on past voyages)."""
    if not _is_operator(user):
        return TravelDocument.objects.none()
    return TravelDocument.objects.filter(person__account=user).select_related("person")


def weapons_for(user: Any) -> QuerySet[Weapon]:
    if not _is_operator(user):
        return Weapon.objects.none()
    return Weapon.objects.filter(vessel__account=user).select_related("vessel")


def vessel_list(user: Any, *, include_archived: bool = False) -> QuerySet[Vessel]:
    """For the list page: the vessels with the number of weapons declared on each."""
    return vessels_for(user, include_archived=include_archived).annotate(weapon_count=Count("weapons"))
