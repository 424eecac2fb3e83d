"""Reads of watchlists, lookouts and hits, always restricted to what an administration may use or see.

Sharing is decided here and only here: a list or lookout is usable by its owner, by everyone when shared
with all members, and by the named members when shared with them. Regional and global lists (no owner)
shared with all are usable by every member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from caribclear.accounts.models import Administration, User
from caribclear.core.visibility import get_visible_or_404, visible

from .alerts import AlertRecord, alert_source
from .choices import ENTERED_FORMATS, Sharing, SourceFormat
from .models import Hit, Lookout, Watchlist, WatchlistEntry, WatchlistVersion
from .visibility import CHANGE


def watchlists_usable_by(administration: Administration | None) -> QuerySet[Watchlist]:
    """Every list (imported or lookouts) an administration's officials may see and screen against."""
    if administration is None:
        return Watchlist.objects.none()
    return visible(administration, Watchlist).select_related("owner", "current_version")


def imported_watchlists_for_screening(administration: Administration) -> QuerySet[Watchlist]:
    """Imported lists to screen an administration's declarations against (active, with a version)."""
    return (
        watchlists_usable_by(administration)
        .exclude(source_format__in=ENTERED_FORMATS)
        .filter(is_active=True, current_version__isnull=False)
        .order_by("pk")
    )


def watchlist_for_user(user: User, pk: int) -> Watchlist:
    """One list the user may see; raises Watchlist.DoesNotExist otherwise (views turn it into a 404)."""
    return watchlists_usable_by(user.administration).get(pk=pk)


def watchlist_to_change(user: User, pk: int) -> Watchlist:
    """An imported list of the user's own administration (its settings); 404 otherwise."""
    qs = Watchlist.objects.exclude(source_format=SourceFormat.LOOKOUTS)
    return get_visible_or_404(user, qs, action=CHANGE, pk=pk)


def version_for_user(user: User, pk: int) -> WatchlistVersion:
    """One imported version of a list the user may see; 404 otherwise."""
    return get_visible_or_404(
        user, WatchlistVersion.objects.select_related("watchlist", "imported_by"), pk=pk
    )


def watchlist_versions(watchlist: Watchlist) -> QuerySet[WatchlistVersion]:
    return watchlist.versions.select_related("imported_by").order_by("-number")


def watchlist_entries(watchlist: Watchlist, *, search: str = "") -> QuerySet[WatchlistEntry]:
    from .engine.normalize import name_tokens

    entries = watchlist.entries.all().defer("data")
    for token in name_tokens(search):
        entries = entries.filter(search_name__contains=token)
    return entries.order_by("caption", "entity_id")


def lookouts_visible_to(administration: Administration | None) -> QuerySet[Lookout]:
    """Lookouts an administration's officials may see (and that screen its declarations)."""
    if administration is None:
        return Lookout.objects.none()
    return visible(administration, Lookout).select_related("administration", "watchlist", "created_by")


def lookouts_in_force(administration: Administration, *, on: dt.date | None = None) -> QuerySet[Lookout]:
    """Visible lookouts that are not withdrawn and valid on a date (today by default)."""
    on = on or timezone.localdate()
    return (
        lookouts_visible_to(administration)
        .filter(withdrawn_at__isnull=True, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    )


def lookout_for_user(user: User, reference: str) -> Lookout:
    return lookouts_visible_to(user.administration).get(reference=reference)


def lookout_to_change(user: User, reference: str) -> Lookout:
    """A lookout of the user's own administration (to edit or withdraw); 404 otherwise."""
    qs = Lookout.objects.select_related("administration", "watchlist", "created_by")
    return get_visible_or_404(user, qs, action=CHANGE, reference=reference)


def administrations_using(*, watchlist: Watchlist | None = None, lookout: Lookout | None = None) -> list[int]:
    """Ids of the administrations whose declarations screen against a list or a lookout."""
    record = lookout if lookout is not None else watchlist
    assert record is not None
    owner_id = record.administration_id if isinstance(record, Lookout) else record.owner_id
    if record.sharing == Sharing.ALL:
        return list(Administration.objects.values_list("pk", flat=True))
    ids = {owner_id} if owner_id else set()
    if record.sharing == Sharing.NAMED:
        ids |= set(record.shared_with.values_list("pk", flat=True))
    return sorted(i for i in ids if i is not None)


# --- Intelligence alerts -----------------------------------------------------------------------------
def intel_lookouts(administration: Administration, *, on: dt.date | None = None) -> list[AlertRecord]:
    """The intelligence alerts in force that an administration may see, as their owner releases them.

    Names, date of birth, nationality and identifiers are empty where the administration may not see the
    alert's subject (the registered source decides, see :mod:`caribclear.screening.alerts`).
    """
    source = alert_source()
    return source.alerts(administration, on=on or timezone.localdate()) if source else []


def intel_alerts_fingerprint(administration: Administration, *, on: dt.date | None = None) -> tuple[Any, ...]:
    """A cheap key that changes whenever the set of alerts in force visible to an administration changes
    (the day, how many, and what identifies their content); how many is the second item."""
    day = on or timezone.localdate()
    source = alert_source()
    return source.fingerprint(administration, on=day) if source else (day.isoformat(), 0, 0, "")


def administrations_screening_alert(alert_id: int) -> list[int]:
    """Ids of the administrations whose screening an alert takes part in now (they may see its subject),
    plus those with a current hit on it (a narrower release or an end must withdraw their hits)."""
    source = alert_source()
    reference = source.reference_of(alert_id) if source else None
    if source is None or reference is None:
        return []
    ids: set[int] = set(
        Hit.objects.filter(alert_reference=reference, is_current=True).values_list(
            "declaration__administration_id", flat=True
        )
    )
    ids |= set(source.administrations_seeing_subject(alert_id))
    return sorted(ids)


def hits_for_declaration(declaration_id: int) -> QuerySet[Hit]:
    """The current hits of a declaration (callers have already checked the declaration is visible)."""
    return (
        Hit.objects.filter(declaration_id=declaration_id, is_current=True)
        .select_related("watchlist", "lookout__administration", "disposed_by")
        .order_by("-score", "id")
    )


def hit_for_user(user: User, pk: int) -> Hit:
    """A hit on a declaration of the official's administration; Hit.DoesNotExist otherwise."""
    return visible(user, Hit).select_related("declaration", "watchlist").get(pk=pk)
