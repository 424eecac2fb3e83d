"""Built engine indexes, cached per process and keyed by what they were built from; the intelligence
alerts an administration may match on."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _

from caribclear.accounts.models import Administration

from .. import selectors
from ..alerts import AlertRecord
from ..choices import Sharing, SourceFormat
from ..engine import Entity, Evidence, Index, Match
from ..engine.index import IDENTIFIER_FLOOR
from ..engine.normalize import normalize_identifier
from ..models import Lookout, Watchlist, WatchlistEntry
from .entities import entity_from_data
from .lookouts import lookout_entity

T = TypeVar("T")
#: At most this many matches per subject and list.
MATCH_LIMIT = 10


#: An index of this many entries or more is moved out of the garbage collector's sight once built.
FREEZE_FROM = 10_000


def _size(index: Any) -> int:
    try:
        return len(index)
    except TypeError:
        return 0


def _settle_heap() -> None:
    """Move what the process holds, a large index just built included, into the collector's permanent
    generation (``gc.freeze``), as each web worker does once it has loaded the platform: the index's
    millions of objects live as long as the process, and every full collection walked them all (a third
    of a 6,000-passenger ship's check was the collector, bench/passengers). What was frozen before is
    unfrozen and collected first, so an index dropped from the cache since is freed, not kept for good.
    Paid once per build of a list version (seconds), a collection of some hundred milliseconds."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class IndexCache:
    """Built engine indexes, keyed by what they were built from (a list version, a set of lookout revisions,
    the fingerprint of the intelligence alerts an administration sees).

    A key never changes meaning: a new version or revision makes a new key, so an entry is never stale;
    the least recently used ones are dropped beyond ``size``.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0

    def get(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self._lock:
            index = self._items.get(key)
            if index is not None:
                self._items.move_to_end(key)
                return index
        index = build()
        with self._lock:
            self.builds += 1
            self._items[key] = index
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        if _size(index) >= FREEZE_FROM:  # after the eviction, so that an index dropped is collected
            _settle_heap()
        return index

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


index_cache = IndexCache()


def _lookouts_index(lookouts: list[Lookout]) -> Index:
    return Index.build(lookout_entity(lk) for lk in lookouts)


def _version_index(watchlist: Watchlist) -> Index:
    version = watchlist.current_version
    assert version is not None
    # The hash and time make the key unique even if a rolled-back import's row id is used again.
    return index_cache.get(
        ("version", watchlist.pk, version.pk, version.file_hash, version.imported_at.isoformat()),
        lambda: Index.build(
            entity_from_data(data)
            for data in WatchlistEntry.objects.filter(watchlist_id=watchlist.pk)
            .order_by("pk")
            .values_list("data", flat=True)
            .iterator(chunk_size=2000)
        ),
    )


# --- Intelligence alerts --------------------------------------------------------------------------------
_ALERT_SCHEMAS = {"person": "Person", "vessel": "Vessel", "company": "Organization"}
_DIGITS = frozenset("0123456789")


def intel_list_for(administration: Administration) -> Watchlist:
    """The administration's own "Intelligence alerts" list, under which hits on alerts are recorded.

    It holds nothing itself: which alerts it screens is decided, each time, by the intel app's release of
    each alert. It is never shared (another administration sees alerts through its own list).
    """
    watchlist, _created = Watchlist.objects.get_or_create(
        owner=administration,
        source_format=SourceFormat.INTEL,
        defaults={
            "name": _("Intelligence alerts of %(administration)s") % {"administration": administration.name},
            "sharing": Sharing.OWN,
            "description": _(
                "Current intelligence alerts and lookouts that this administration may see, screened with "
                "the names and identifiers their release lets it see. Each hit shows the alert's reference."
            ),
        },
    )
    return watchlist


def _vessel_identifier(value: str) -> tuple[str, str]:
    """(kind, number) of a vessel identifier written freely: "IMO 9187629", "MMSI 232001234", a call sign."""
    cleaned = normalize_identifier("call_sign", value)
    for prefix in ("IMO", "MMSI"):
        if cleaned.startswith(prefix) and set(cleaned[len(prefix) :]) <= _DIGITS:
            cleaned = cleaned[len(prefix) :]
    if len(cleaned) == 7 and set(cleaned) <= _DIGITS:
        return "imo", cleaned
    if len(cleaned) == 9 and set(cleaned) <= _DIGITS:
        return "mmsi", cleaned
    return "call_sign", cleaned


def intel_lookout_entity(lookout: AlertRecord) -> Entity | None:
    """An intelligence alert as the engine sees it; None when there is nothing the reader may match on
    (a pattern, or a subject whose personal details are not released to this administration)."""
    schema = _ALERT_SCHEMAS.get(lookout.subject_kind)
    if schema is None or not (lookout.names or lookout.identifiers):
        return None
    identifiers: dict[str, list[str]] = {}
    for value in lookout.identifiers:
        kind, number = _vessel_identifier(value) if schema == "Vessel" else ("passport", value)
        identifiers.setdefault(kind, []).append(number)
    return Entity(
        id=lookout.reference,
        schema=schema,  # type: ignore[arg-type]
        names=lookout.names,
        birth_dates=(lookout.date_of_birth.isoformat(),) if lookout.date_of_birth else (),
        nationalities=(lookout.nationality,) if lookout.nationality else (),
        identifiers={kind: tuple(values) for kind, values in identifiers.items()},
        details={"title": lookout.title, "owner": lookout.owner, "tlp": lookout.tlp},
    )


@dataclass(frozen=True)
class IntelIndex:
    """The alerts an administration may match on, built once per fingerprint of what it may see."""

    index: Index  # alerts with a name the reader may see
    by_identifier: dict[tuple[str, str], tuple[str, ...]]  # alerts known by identifiers only
    alerts: dict[str, AlertRecord]

    @classmethod
    def build(cls, lookouts: Iterable[AlertRecord]) -> IntelIndex:
        named: list[Entity] = []
        by_identifier: dict[tuple[str, str], list[str]] = {}
        alerts: dict[str, AlertRecord] = {}
        for lookout in lookouts:
            entity = intel_lookout_entity(lookout)
            if entity is None:
                continue
            alerts[lookout.reference] = lookout
            if entity.names:
                named.append(entity)
                continue
            for kind, values in entity.identifiers.items():
                for value in values:
                    key = (kind, normalize_identifier(kind, value))
                    if key[1]:
                        by_identifier.setdefault(key, []).append(entity.id)
        return cls(
            index=Index.build(named),
            by_identifier={key: tuple(dict.fromkeys(ids)) for key, ids in by_identifier.items()},
            alerts=alerts,
        )

    def __len__(self) -> int:
        return len(self.alerts)

    def screen(self, query: Entity, threshold: float) -> list[Match]:
        """Named alerts through the engine; alerts known only by identifiers on an identical number."""
        matches = self.index.screen(query, threshold=threshold, limit=MATCH_LIMIT)
        found = {m.entity_id for m in matches}
        for kind, values in query.identifiers.items():
            for value in values:
                number = normalize_identifier(kind, value)
                for reference in self.by_identifier.get((kind, number), ()):
                    if reference in found or threshold > IDENTIFIER_FLOOR:
                        continue
                    found.add(reference)
                    detail = f"same identifier: {kind} {number}"
                    matches.append(
                        Match(
                            entity_id=reference,
                            score=IDENTIFIER_FLOOR,
                            explanation=f"alert {reference} scored {IDENTIFIER_FLOOR:.2f}; {detail}",
                            evidence=(Evidence("identifier", IDENTIFIER_FLOOR, detail),),
                        )
                    )
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return matches[:MATCH_LIMIT]


def _intel_index(administration: Administration) -> tuple[tuple[Any, ...], IntelIndex] | None:
    """The administration's alerts index, rebuilt only when what it may see changes; None if none."""
    day = timezone.localdate()
    fingerprint = selectors.intel_alerts_fingerprint(administration, on=day)
    if not fingerprint[1]:
        return None
    index = index_cache.get(
        ("intel", administration.pk, *fingerprint),
        lambda: IntelIndex.build(selectors.intel_lookouts(administration, on=day)),
    )
    return fingerprint, index
