"""Screening a declaration: its subjects (from its kind's registration) against every list its
administration may use, imported lists, lookouts and intelligence alerts; hits recorded with their
explanation."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from caribclear.core import declarations
from caribclear.core.audit import audit_record
from caribclear.core.metrics import SCREENING_SECONDS
from caribclear.core.models import Declaration

from .. import selectors
from ..choices import ScreeningReason
from ..engine import Entity, Index
from ..models import Hit, Lookout, ScreeningRun, Watchlist, WatchlistEntry
from .indexes import MATCH_LIMIT, _intel_index, _lookouts_index, _version_index, index_cache, intel_list_for


@dataclass(frozen=True)
class Subject:
    """A declaration's subject with the engine query made from it."""

    kind: str
    key: str
    label: str
    query: Entity


def subject_query(subject: declarations.Subject) -> Subject:
    return Subject(
        kind=subject.kind,
        key=subject.key,
        label=subject.label,
        query=Entity(
            id=subject.key,
            schema=subject.schema,  # type: ignore[arg-type]
            names=tuple(subject.names),
            birth_dates=tuple(subject.birth_dates),
            nationalities=tuple(subject.nationalities),
            gender=subject.gender,
            identifiers={kind: tuple(values) for kind, values in subject.identifiers.items()},
        ),
    )


def declaration_subjects(declaration: Declaration) -> list[Subject]:
    """The people, vessels and companies of a declaration, as its kind lists them, as engine queries."""
    record = declarations.record_of(declaration)
    if record is None:
        return []
    return [subject_query(s) for s in declarations.kind_of(declaration.kind).subjects(record)]


def _matches(index: Index, subjects: list[Subject], threshold: float) -> list[tuple[Subject, Any]]:
    return [
        (subject, match)
        for subject in subjects
        for match in index.screen(subject.query, threshold=threshold, limit=MATCH_LIMIT)
    ]


def _evidence(match: Any) -> list[dict[str, Any]]:
    return [{"kind": e.kind, "effect": e.effect, "detail": e.detail} for e in match.evidence]


@transaction.atomic
def declaration_screen(*, declaration: Declaration, reason: str = ScreeningReason.FILED) -> ScreeningRun:
    """Screen a declaration's subjects (as its kind lists them) against every list its administration may
    use.

    Hits already found keep their disposition; a hit no longer found is kept but marked as not current.
    """
    started = time.monotonic()
    declaration = Declaration.objects.select_related("administration").get(pk=declaration.pk)
    administration = declaration.administration
    subjects = declaration_subjects(declaration)
    results: list[tuple[Watchlist, Subject, Any, int | None, int | None, str]] = []
    used: list[list[Any]] = []

    for watchlist in selectors.imported_watchlists_for_screening(administration):
        version = watchlist.current_version
        used.append([watchlist.pk, f"v{version.number}" if version else ""])
        pairs = _matches(_version_index(watchlist), subjects, float(watchlist.threshold))
        if not pairs:
            continue
        rows = {
            entity_id: (pk, caption)
            for entity_id, pk, caption in WatchlistEntry.objects.filter(
                watchlist=watchlist, entity_id__in={m.entity_id for _s, m in pairs}
            ).values_list("entity_id", "pk", "caption")
        }
        for subject, match in pairs:
            pk, caption = rows.get(match.entity_id, (None, ""))
            results.append((watchlist, subject, match, pk, None, caption))

    lookouts = list(selectors.lookouts_in_force(administration).select_related("watchlist").order_by("pk"))
    by_list: dict[int, list[Lookout]] = {}
    for lookout in lookouts:
        by_list.setdefault(lookout.watchlist_id, []).append(lookout)
    for lookout_list in by_list.values():
        watchlist = lookout_list[0].watchlist
        if not watchlist.is_active:
            continue
        revisions = tuple((lk.pk, lk.revision, lk.updated_at.isoformat()) for lk in lookout_list)
        used.append([watchlist.pk, hashlib.sha256(repr(revisions).encode()).hexdigest()[:16]])
        index = index_cache.get(
            ("lookouts", watchlist.pk, revisions),
            partial(_lookouts_index, lookout_list),
        )
        by_entity = {lk.entity_id: lk for lk in lookout_list}
        for subject, match in _matches(index, subjects, float(watchlist.threshold)):
            lk = by_entity[match.entity_id]
            results.append((watchlist, subject, match, None, lk.pk, lk.name))

    intel = _intel_index(administration)
    if intel is not None and len(intel[1]):
        fingerprint, alerts = intel
        watchlist = intel_list_for(administration)
        if watchlist.is_active:
            used.append([watchlist.pk, hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]])
            threshold = float(watchlist.threshold)
            for subject in subjects:
                for match in alerts.screen(subject.query, threshold):
                    results.append(
                        (watchlist, subject, match, None, None, alerts.alerts[match.entity_id].title)
                    )

    run = ScreeningRun.objects.create(
        declaration=declaration,
        administration=administration,
        reason=reason,
        declaration_version=declaration.version,
        subject_count=len(subjects),
        lists=used,
    )
    existing = {
        (h.watchlist_id, h.entity_id, h.subject_key): h for h in Hit.objects.filter(declaration=declaration)
    }
    seen: set[tuple[int, str, str]] = set()
    for watchlist, subject, match, entry_id, lookout_id, caption in results:
        key = (watchlist.pk, match.entity_id, subject.key)
        if key in seen:
            continue
        seen.add(key)
        values = {
            "entry_id": entry_id,
            "lookout_id": lookout_id,
            "alert_reference": match.entity_id if watchlist.is_intel else "",
            "entity_caption": (caption or match.entity_id)[:300],
            "subject_kind": subject.kind,
            "subject_label": subject.label[:300],
            "score": Decimal(str(match.score)).quantize(Decimal("0.0001")),
            "explanation": match.explanation,
            "evidence": _evidence(match),
            "is_current": True,
            "last_run": run,
        }
        hit = existing.get(key)
        if hit is None:
            Hit.objects.create(
                declaration=declaration,
                watchlist=watchlist,
                entity_id=match.entity_id,
                subject_key=subject.key,
                **values,
            )
        else:
            for field, value in values.items():
                setattr(hit, field, value)
            hit.save()
    gone = [h.pk for k, h in existing.items() if k not in seen and h.is_current]
    if gone:
        Hit.objects.filter(pk__in=gone).update(is_current=False)
    run.hit_count = len(seen)
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["hit_count", "duration_ms"])
    # For /metrics: the time of each recorded run, by kind of declaration (once the run is committed).
    seconds, kind = run.duration_ms / 1000, declaration.kind
    transaction.on_commit(lambda: SCREENING_SECONDS.labels(kind=kind).observe(seconds))
    audit_record(
        actor=None,
        action="screening.run",
        obj=declaration,
        summary=f"{declaration.reference}: {len(subjects)} screened, {len(seen)} hits",
        data={"reason": reason, "lists": used, "hits": len(seen), "no_longer_matching": len(gone)},
    )
    return run
