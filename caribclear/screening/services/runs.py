"""Screening a declaration: its subjects (from its kind's registration) against every list its
administration may use, imported lists, lookouts and intelligence alerts; hits recorded with their
explanation."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from caribclear.core import declarations
from caribclear.core.audit import audit_record
from caribclear.core.metrics import SCREENING_SECONDS
from caribclear.core.models import Declaration

from .. import selectors
from ..choices import ScreeningReason
from ..engine import Entity, Index, screen_many
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


HIT_RESULT_FIELDS = [
    "entry_id",
    "lookout_id",
    "alert_reference",
    "entity_caption",
    "subject_kind",
    "subject_label",
    "score",
    "explanation",
    "evidence",
    "is_current",
    "last_run",
]


def _workers() -> int | None:
    """How many processes screen a long list (``SCREENING_WORKERS``: 1, or 0 for every core, the engine
    forking workers that share the index). Only a process with a single thread forks (the queue's worker, a
    command): forking where other threads run (a threaded web server) could copy a lock one of them holds.
    One by default: on a machine whose cores are busy anyway, the forked workers cost more CPU time (the
    pages of the index they touch are copied) than they save (bench/passengers)."""
    wanted = getattr(settings, "SCREENING_WORKERS", 1)
    if wanted == 1 or threading.active_count() != 1:
        return 1
    return wanted or None


def _matches(index: Index, subjects: list[Subject], threshold: float) -> list[tuple[Subject, Any]]:
    """Every (subject, match); a long list (a ship's) is screened on all cores when it may be."""
    queries = [subject.query for subject in subjects]
    results = screen_many(index, queries, threshold=threshold, limit=MATCH_LIMIT, workers=_workers())
    return [(subject, match) for subject, matches in zip(subjects, results, strict=True) for match in matches]


def _evidence(match: Any) -> list[dict[str, Any]]:
    return [{"kind": e.kind, "effect": e.effect, "detail": e.detail} for e in match.evidence]


def _screen(
    administration: Any, subjects: list[Subject]
) -> tuple[list[tuple[Watchlist, Subject, Any, int | None, int | None, str]], list[list[Any]]]:
    """Every match of the subjects against the lists, lookouts and alerts the administration may use, and
    the lists used (with their versions)."""
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
    return results, used


def _record(
    *,
    declaration: Declaration,
    subjects: list[Subject],
    reason: str,
    started: float,
    scope: set[str] | None,
) -> ScreeningRun:
    """Screen the subjects and record the run and its hits. With a ``scope`` (subject keys), only hits of
    those subjects can stop being current; without, every hit of the declaration can."""
    administration = declaration.administration
    results, used = _screen(administration, subjects)
    run = ScreeningRun.objects.create(
        declaration=declaration,
        administration=administration,
        reason=reason,
        declaration_version=declaration.version,
        subject_count=len(subjects),
        lists=used,
    )
    earlier = Hit.objects.filter(declaration=declaration)
    if scope is not None:
        earlier = earlier.filter(subject_key__in=list(scope))
    existing = {(h.watchlist_id, h.entity_id, h.subject_key): h for h in earlier}
    seen: set[tuple[int, str, str]] = set()
    found: list[Hit] = []
    refound: list[Hit] = []
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
            found.append(
                Hit(
                    declaration=declaration,
                    watchlist=watchlist,
                    entity_id=match.entity_id,
                    subject_key=subject.key,
                    **values,
                )
            )
        else:
            for field, value in values.items():
                setattr(hit, field, value)
            refound.append(hit)
    # A ship's list can have hundreds of hits: written in batches, not one statement each.
    Hit.objects.bulk_create(found, batch_size=500)
    if refound:
        Hit.objects.bulk_update(refound, HIT_RESULT_FIELDS, batch_size=500)
    gone = [h.pk for k, h in existing.items() if k not in seen and h.is_current]
    if gone:
        Hit.objects.filter(pk__in=gone).update(is_current=False)
    run.hit_count = len(seen)
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["hit_count", "duration_ms"])
    # For /metrics: the time of each recorded run, by kind of declaration (once the run is committed).
    seconds, kind = run.duration_ms / 1000, declaration.kind
    transaction.on_commit(lambda: SCREENING_SECONDS.labels(kind=kind).observe(seconds))
    data: dict[str, Any] = {
        "reason": reason,
        "lists": used,
        "hits": len(seen),
        "no_longer_matching": len(gone),
    }
    if scope is not None:
        data["subjects"] = sorted(scope)
    audit_record(
        actor=None,
        action="screening.run",
        obj=declaration,
        summary=f"{declaration.reference}: {len(subjects)} screened, {len(seen)} hits",
        data=data,
    )
    return run


@transaction.atomic
def declaration_screen(*, declaration: Declaration, reason: str = ScreeningReason.FILED) -> ScreeningRun:
    """Screen a declaration's subjects (as its kind lists them) against every list its administration may
    use.

    Hits already found keep their disposition; a hit no longer found is kept but marked as not current.
    """
    started = time.monotonic()
    declaration = Declaration.objects.select_related("administration").get(pk=declaration.pk)
    subjects = declaration_subjects(declaration)
    return _record(declaration=declaration, subjects=subjects, reason=reason, started=started, scope=None)


@transaction.atomic
def declaration_subjects_screen(
    *,
    declaration: Declaration,
    subjects: list[declarations.Subject],
    reason: str = ScreeningReason.FILED,
) -> ScreeningRun:
    """Screen only some of a declaration's subjects (a traveller checking in, who was just added to a
    flight's list), as :func:`declaration_screen` screens them all: the same lists, lookouts and alerts,
    hits recorded on the declaration with their explanation. Only those subjects' earlier hits can stop
    being current; everyone else's are left as they are."""
    started = time.monotonic()
    declaration = Declaration.objects.select_related("administration").get(pk=declaration.pk)
    queries = [subject_query(s) for s in subjects]
    return _record(
        declaration=declaration,
        subjects=queries,
        reason=reason,
        started=started,
        scope={s.key for s in queries},
    )
