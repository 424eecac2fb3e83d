"""Who may see watchlists, lookouts, screening runs and hits.

Sharing is data: a list or lookout is seen (and screened against) by its owner administration, by every
member when shared with all, and by the named members when shared with them; regional and global lists
(no owner) shared with all are seen by every member. "change" is the owner's alone. Screening runs and
hits belong to the administration whose declaration was screened. Operators see none of it.

The reader may be an administration itself (a screening job acting for it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from caribclear.core.visibility import VIEW, administration_id, is_official, register, visible

from .choices import Sharing
from .models import Hit, Lookout, ScreeningRun, Watchlist, WatchlistEntry, WatchlistVersion

CHANGE = "change"


def _shared_with(administration_id: int | None, *, owner_field: str) -> Q:
    return (
        Q(**{owner_field: administration_id})
        | Q(sharing=Sharing.ALL)
        | Q(sharing=Sharing.NAMED, shared_with__id=administration_id)
    )


def _shared(reader: Any, qs: QuerySet[Any], action: str, *, owner_field: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    own = administration_id(reader)
    if action == CHANGE:
        return qs.filter(**{owner_field: own})
    # The sharing test joins the named members: select the ids first, so each record comes once.
    ids = qs.model._default_manager.filter(_shared_with(own, owner_field=owner_field)).values("pk")
    return qs.filter(pk__in=ids)


@register(Watchlist, actions=(VIEW, CHANGE))
def watchlists(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _shared(reader, qs, action, owner_field="owner_id")


@register(Lookout, actions=(VIEW, CHANGE))
def lookouts(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return _shared(reader, qs, action, owner_field="administration_id")


@register(WatchlistVersion)
@register(WatchlistEntry)
def parts_of_watchlist(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(watchlist__in=visible(reader, Watchlist).values("pk"))


@register(ScreeningRun)
def screening_runs(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(administration_id=administration_id(reader)) if is_official(reader) else qs.none()


@register(Hit)
def hits(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(declaration__administration_id=administration_id(reader))
