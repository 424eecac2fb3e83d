"""Screening again after a list, a lookout or an intelligence alert changed.

Screening finds the declarations concerned (each kind says which of its declarations are still open) and
sends :data:`caribclear.screening.signals.recheck_requested`; whoever orchestrates "screen, then assess"
receives it (screening never imports risk). The background tasks that call these, and the helpers that
queue them after a commit, are in :mod:`caribclear.screening.tasks`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from caribclear.core import declarations

from . import selectors
from .choices import ScreeningReason
from .models import Lookout, Watchlist
from .signals import recheck_requested

logger = logging.getLogger(__name__)


def open_declarations(administration_ids: Iterable[int]) -> list[int]:
    """Ids of the declarations of every kind, of these administrations, that are still to be dealt with."""
    ids = list(administration_ids)
    return [pk for kind in declarations.kinds() for pk in kind.open_for_recheck(ids)]


def recheck_request(*, declaration_ids: Sequence[int], reason: str) -> None:
    """Ask for these declarations to be screened and assessed again (robustly: a failing receiver is logged)."""
    if not declaration_ids:
        return
    results = recheck_requested.send_robust(
        sender=Watchlist, declaration_ids=list(declaration_ids), reason=reason
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "recheck receiver %r failed",
                receiver,
                exc_info=(type(result), result, result.__traceback__),
            )


def declarations_rescreen(
    *,
    watchlist_id: int | None = None,
    lookout_id: int | None = None,
    also_administrations: Sequence[int] = (),
) -> list[int]:
    """After a list or lookout changed: ask for the open declarations that use it to be checked again."""
    administration_ids = set(also_administrations)
    if lookout_id is not None:
        lookout = Lookout.objects.get(pk=lookout_id)
        administration_ids |= set(selectors.administrations_using(lookout=lookout))
    if watchlist_id is not None:
        watchlist = Watchlist.objects.get(pk=watchlist_id)
        administration_ids |= set(selectors.administrations_using(watchlist=watchlist))
    ids = open_declarations(administration_ids)
    recheck_request(declaration_ids=ids, reason=ScreeningReason.LIST_CHANGED)
    logger.info("re-screening %d open declarations", len(ids))
    return ids


def declarations_rescreen_for_alert(*, alert_id: int) -> list[int]:
    """Ask for the open declarations of the administrations an alert now screens for (they may see its
    subject) and of those with a current hit on it, to be checked again."""
    ids = open_declarations(selectors.administrations_screening_alert(alert_id))
    recheck_request(declaration_ids=ids, reason=ScreeningReason.LIST_CHANGED)
    logger.info("re-screening %d open declarations after intelligence alert %s", len(ids), alert_id)
    return ids
