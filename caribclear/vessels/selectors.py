"""Reads of vessels and people, always restricted to the operator account that owns them (the rule is
in `vessels/visibility.py`, read through the visibility layer).

Other apps (clearance) pick vessels, people and their travel documents through these functions only.
Officials and anyone else see nothing here: a record that is not yours is not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from caribclear.core.visibility import visible

from .models import Person, TravelDocument, Vessel, Weapon


def vessels_for(user: Any, *, include_archived: bool = False) -> QuerySet[Vessel]:
    """The operator's own vessels (not archived ones unless asked), by name."""
    qs = visible(user, Vessel)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def people_for(user: Any, *, include_archived: bool = False) -> QuerySet[Person]:
    """The operator's own crew and passengers, with their travel documents (newest expiry first)."""
    qs = visible(user, Person)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs.prefetch_related(
        Prefetch("documents", queryset=TravelDocument.objects.order_by("-expiry_date", "-id"))
    )


def documents_for(user: Any) -> QuerySet[TravelDocument]:
    """Travel documents of the operator's own people (archived people included: documents on past voyages)."""
    return visible(user, TravelDocument).select_related("person")


def weapons_for(user: Any) -> QuerySet[Weapon]:
    return visible(user, Weapon).select_related("vessel")


def vessel_list(user: Any, *, include_archived: bool = False) -> QuerySet[Vessel]:
    """For the list page: the vessels with the number of weapons declared on each."""
    return vessels_for(user, include_archived=include_archived).annotate(weapon_count=Count("weapons"))
