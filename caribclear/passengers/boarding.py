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
afresh), with their explanation, for the officers. What to screen against is screening's own choice
(``screening_sources``, which a run reads too); a test compares the two on the same people
(``tests/test_boarding.py``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from django.conf import settings

from caribclear.accounts.models import Administration
from caribclear.core.declarations import Subject
from caribclear.screening.services import MATCH_LIMIT, subject_query
from caribclear.screening.services.runs import Source, screening_sources

#: (watchlist id, entity id, score) of one match.
Found = tuple[int, str, float]


@dataclass(frozen=True)
class Context:
    """What an administration's declarations are screened against (screening's ``Source``s), and the lists
    used as a screening run names them: [watchlist id, version]."""

    sources: tuple[Source, ...]
    used: tuple[tuple[int, str], ...]
    built: float


#: No list at all (what the audit event names when screening did not finish in time).
EMPTY = Context((), (), 0.0)


def build(administration: Administration) -> Context:
    """Read the lists, lookouts and alerts the administration may use now (``screening_sources``, as a run
    reads them), their indexes from screening's cache."""
    sources = tuple(screening_sources(administration))
    used = tuple((source.watchlist.pk, source.version) for source in sources)
    return Context(sources, used, time.monotonic())


def screen(context: Context, subjects: Sequence[Subject]) -> list[list[Found]]:
    """Each subject's matches at or above each list's threshold (as a screening run finds them)."""
    found: list[list[Found]] = []
    for subject in subjects:
        query = subject_query(subject).query
        matches: list[Found] = []
        for source in context.sources:
            if source.kind == "intel":
                results = source.index.screen(query, source.threshold)
            else:
                results = source.index.screen(query, threshold=source.threshold, limit=MATCH_LIMIT)
            matches.extend((source.watchlist.pk, m.entity_id, m.score) for m in results)
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
