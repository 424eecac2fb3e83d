"""What an interactive boarding answer is screened against, kept in memory between check-ins.

Screening one traveller with the engine takes a tenth of a millisecond against a 100,000-person list whose
index is built; reading which lists, lookouts and intelligence alerts the administration may use, as
screening does for every declaration (``screening.services.runs``), took some 9 ms of database reads for
each check-in. Here those reads are made once per administration and kept for
``PASSENGERS_SCREENING_CACHE_SECONDS`` (1 s by default, 0 in the tests): at 40 check-ins a second and
process that is one read in forty, and what an officer changes (a lookout entered, a list imported, an
alert released) reaches the answers at most that long after. A time, not a version stamp, because the
alerts an administration may see change with other apps' releases and with the day, which only screening's
own queries know; a second is far below the time it takes anyone to act on a new lookout.

The answer only needs the matches; the hits are recorded after the answer by the queue
(``tasks.boarding_screen_task``: screening's own ``declaration_subjects_screen``, with the lists read
afresh), with their explanation, for the officers. ``screen`` mirrors ``runs._screen``'s choice of lists
and thresholds; a test compares the two on the same people (``tests/test_boarding.py``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings

from caribclear.accounts.models import Administration
from caribclear.core.declarations import Subject
from caribclear.screening import selectors
from caribclear.screening.engine import Index
from caribclear.screening.services import MATCH_LIMIT, index_cache, intel_list_for, subject_query
from caribclear.screening.services.indexes import _intel_index, _lookouts_index, _version_index

#: (watchlist id, entity id, score) of one match.
Found = tuple[int, str, float]


@dataclass(frozen=True)
class _Source:
    watchlist_id: int
    threshold: float
    index: Any  # an engine Index, or the administration's IntelIndex (alerts)
    intel: bool


@dataclass(frozen=True)
class Context:
    """The indexes an administration's declarations are screened against, and the lists used (as a
    screening run names them: [watchlist id, version])."""

    sources: tuple[_Source, ...]
    used: tuple[tuple[int, str], ...]
    built: float


#: No list at all (what the audit event names when screening did not finish in time).
EMPTY = Context((), (), 0.0)


def build(administration: Administration) -> Context:
    """Read the lists, lookouts and alerts the administration may use now (``runs._screen``'s rules) and
    get their indexes from screening's cache (built there once per version or revision)."""
    sources: list[_Source] = []
    used: list[tuple[int, str]] = []
    for watchlist in selectors.imported_watchlists_for_screening(administration):
        version = watchlist.current_version
        used.append((watchlist.pk, f"v{version.number}" if version else ""))
        sources.append(_Source(watchlist.pk, float(watchlist.threshold), _version_index(watchlist), False))
    lookouts = list(selectors.lookouts_in_force(administration).select_related("watchlist").order_by("pk"))
    by_list: dict[int, list[Any]] = {}
    for lookout in lookouts:
        by_list.setdefault(lookout.watchlist_id, []).append(lookout)
    for lookout_list in by_list.values():
        watchlist = lookout_list[0].watchlist
        if not watchlist.is_active:
            continue
        revisions = tuple((lk.pk, lk.revision, lk.updated_at.isoformat()) for lk in lookout_list)
        used.append((watchlist.pk, hashlib.sha256(repr(revisions).encode()).hexdigest()[:16]))
        index: Index = index_cache.get(
            ("lookouts", watchlist.pk, revisions), partial(_lookouts_index, lookout_list)
        )
        sources.append(_Source(watchlist.pk, float(watchlist.threshold), index, False))
    intel = _intel_index(administration)
    if intel is not None and len(intel[1]):
        fingerprint, alerts = intel
        watchlist = intel_list_for(administration)
        if watchlist.is_active:
            used.append((watchlist.pk, hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]))
            sources.append(_Source(watchlist.pk, float(watchlist.threshold), alerts, True))
    return Context(tuple(sources), tuple(used), time.monotonic())


def screen(context: Context, subjects: Sequence[Subject]) -> list[list[Found]]:
    """Each subject's matches at or above each list's threshold (as ``runs._screen`` finds them)."""
    found: list[list[Found]] = []
    for subject in subjects:
        query = subject_query(subject).query
        matches: list[Found] = []
        for source in context.sources:
            if source.intel:
                results = source.index.screen(query, source.threshold)
            else:
                results = source.index.screen(query, threshold=source.threshold, limit=MATCH_LIMIT)
            matches.extend((source.watchlist_id, m.entity_id, m.score) for m in results)
        found.append(matches)
    return found


def cache_seconds() -> float:
    return float(getattr(settings, "PASSENGERS_SCREENING_CACHE_SECONDS", 1.0))


_contexts: dict[int, Context] = {}
_building: dict[int, Future[Context]] = {}
_lock = threading.Lock()


def fresh(administration_id: int) -> Context | None:
    """The administration's context if it was read less than ``cache_seconds()`` ago."""
    context = _contexts.get(administration_id)
    if context is not None and time.monotonic() - context.built < cache_seconds():
        return context
    return None


def refresh(administration: Administration) -> Context:
    """Read the administration's context now and keep it. Requests that find it stale at the same time
    wait for one read instead of each making their own."""
    with _lock:
        pending = _building.get(administration.pk)
        mine = pending is None
        if mine:
            pending = _building[administration.pk] = Future()
    assert pending is not None
    if not mine:
        return pending.result()
    try:
        context = build(administration)
    except BaseException as exc:
        pending.set_exception(exc)
        raise
    finally:
        with _lock:
            _building.pop(administration.pk, None)
    _contexts[administration.pk] = context
    pending.set_result(context)
    return context


def clear() -> None:
    _contexts.clear()
