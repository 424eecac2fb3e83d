"""Screening a declaration: its subjects (from its kind's registration) against every list its
administration may use, imported lists, lookouts and intelligence alerts; hits recorded with their
explanation."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from caribclear.core import bulk, declarations
from caribclear.core.audit import audit_record, audit_records
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


@dataclass(frozen=True)
class Source:
    """One list an administration screens against now: an imported list's current version, the lookouts in
    force on one lookout list, or the intelligence alerts it may see; with the index to screen it with
    (built once per version or revision, ``index_cache``) and the version tag a run records."""

    watchlist: Watchlist
    index: Any  # an engine Index; the administration's IntelIndex for alerts
    version: str
    kind: str  # "list", "lookouts" or "intel"
    lookouts: tuple[Lookout, ...] = ()

    @property
    def threshold(self) -> float:
        return float(self.watchlist.threshold)


def screening_sources(administration: Any) -> list[Source]:
    """The lists, lookouts and alerts the administration may use now, in the order a run names them. The
    one place that decides what a declaration of the administration is screened against: a run
    (``_screen``) and an interactive boarding answer (``passengers.boarding``) both read it."""
    sources: list[Source] = []
    for watchlist in selectors.imported_watchlists_for_screening(administration):
        version = watchlist.current_version
        tag = f"v{version.number}" if version else ""
        sources.append(Source(watchlist, _version_index(watchlist), tag, "list"))

    lookouts = list(selectors.lookouts_in_force(administration).select_related("watchlist").order_by("pk"))
    by_list: dict[int, list[Lookout]] = {}
    for lookout in lookouts:
        by_list.setdefault(lookout.watchlist_id, []).append(lookout)
    for lookout_list in by_list.values():
        watchlist = lookout_list[0].watchlist
        if not watchlist.is_active:
            continue
        revisions = tuple((lk.pk, lk.revision, lk.updated_at.isoformat()) for lk in lookout_list)
        index = index_cache.get(("lookouts", watchlist.pk, revisions), partial(_lookouts_index, lookout_list))
        tag = hashlib.sha256(repr(revisions).encode()).hexdigest()[:16]
        sources.append(Source(watchlist, index, tag, "lookouts", tuple(lookout_list)))

    intel = _intel_index(administration)
    if intel is not None and len(intel[1]):
        fingerprint, alerts = intel
        watchlist = intel_list_for(administration)
        if watchlist.is_active:
            tag = hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:16]
            sources.append(Source(watchlist, alerts, tag, "intel"))
    return sources


def _screen(
    administration: Any, subjects: list[Subject]
) -> tuple[list[tuple[Watchlist, Subject, Any, int | None, int | None, str]], list[list[Any]]]:
    """Every match of the subjects against the lists, lookouts and alerts the administration may use, and
    the lists used (with their versions)."""
    results: list[tuple[Watchlist, Subject, Any, int | None, int | None, str]] = []
    sources = screening_sources(administration)
    for source in sources:
        watchlist = source.watchlist
        if source.kind == "intel":
            for subject in subjects:
                for match in source.index.screen(subject.query, source.threshold):
                    results.append(
                        (watchlist, subject, match, None, None, source.index.alerts[match.entity_id].title)
                    )
            continue
        pairs = _matches(source.index, subjects, source.threshold)
        if source.kind == "lookouts":
            by_entity = {lk.entity_id: lk for lk in source.lookouts}
            for subject, match in pairs:
                lk = by_entity[match.entity_id]
                results.append((watchlist, subject, match, None, lk.pk, lk.name))
            continue
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
    return results, [[source.watchlist.pk, source.version] for source in sources]


Result = tuple[Watchlist, Subject, Any, int | None, int | None, str]


@dataclass
class _Written:
    """What one declaration's results change in its hits."""

    found: list[Hit]
    refound: list[Hit]
    gone: list[int]
    count: int


def _hits(
    declaration: Declaration, results: list[Result], existing: dict[tuple[int, str, str], Hit]
) -> _Written:
    """The hits a declaration's results make: new ones, ones found again (their result fields refreshed)
    and earlier current ones no longer found. ``last_run`` is set by the caller."""
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
    gone = [h.pk for k, h in existing.items() if k not in seen and h.is_current]
    return _Written(found, refound, gone, len(seen))


def _write_hits(written: list[tuple[_Written, ScreeningRun]]) -> None:
    """Store the hits of one or many runs: in batches, not one statement each (a ship's list can have
    hundreds)."""
    found: list[Hit] = []
    refound: list[Hit] = []
    gone: list[int] = []
    for w, run in written:
        for hit in (*w.found, *w.refound):
            hit.last_run = run
        found += w.found
        refound += w.refound
        gone += w.gone
    bulk.insert_instances(found)  # their ids are not needed: COPY on PostgreSQL
    if refound:
        Hit.objects.bulk_update(refound, HIT_RESULT_FIELDS, batch_size=500)
    for start in range(0, len(gone), 1000):
        Hit.objects.filter(pk__in=gone[start : start + 1000]).update(is_current=False)


def _audit_data(reason: str, used: list[list[Any]], w: _Written, scope: set[str] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reason": reason,
        "lists": used,
        "hits": w.count,
        "no_longer_matching": len(w.gone),
    }
    if scope is not None:
        data["subjects"] = sorted(scope)
    return data


def _observe_on_commit(kind: str, durations_ms: list[int]) -> None:
    """For /metrics: the time of each recorded run, by kind of declaration (once the runs are committed)."""

    def observe() -> None:
        for ms in durations_ms:
            SCREENING_SECONDS.labels(kind=kind).observe(ms / 1000)

    transaction.on_commit(observe)


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
    written = _hits(declaration, results, existing)
    _write_hits([(written, run)])
    run.hit_count = written.count
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.save(update_fields=["hit_count", "duration_ms"])
    _observe_on_commit(declaration.kind, [run.duration_ms])
    audit_record(
        actor=None,
        action="screening.run",
        obj=declaration,
        summary=f"{declaration.reference}: {len(subjects)} screened, {written.count} hits",
        data=_audit_data(reason, used, written, scope),
    )
    return run


@transaction.atomic
def declarations_screen(
    *, batch: Sequence[Declaration], records: dict[int, Any], reason: str = ScreeningReason.FILED
) -> dict[int, ScreeningRun]:
    """Screen many declarations at once (a ship's manifest), as :func:`declaration_screen` screens each:
    the same lists, lookouts and alerts, the same hits and runs recorded, in a few statements.

    ``records`` are the declarations' records by declaration id (their kind's ``load``); the declarations
    come with their administration. A subject several declarations share (the vessel, the carrier) is
    screened once; each administration's lists are read once. Each run's ``duration_ms`` is its share of
    the batch's time."""
    started = time.monotonic()
    by_administration: dict[int, list[Declaration]] = {}
    for declaration in batch:
        by_administration.setdefault(declaration.administration_id, []).append(declaration)
    pending: list[tuple[Declaration, _Written, list[list[Any]], int]] = []
    existing: dict[int, dict[tuple[int, str, str], Hit]] = {d.pk: {} for d in batch}
    ids = [d.pk for d in batch]
    for start in range(0, len(ids), 1000):
        for hit in Hit.objects.filter(declaration_id__in=ids[start : start + 1000]):
            existing[hit.declaration_id][(hit.watchlist_id, hit.entity_id, hit.subject_key)] = hit
    for group in by_administration.values():
        subjects_of: dict[int, list[Subject]] = {}
        unique: dict[str, Subject] = {}
        owners: dict[str, list[int]] = {}
        for declaration in group:
            record = records.get(declaration.pk)
            kind = declarations.kind_of(declaration.kind)
            subjects = [subject_query(s) for s in kind.subjects(record)] if record is not None else []
            subjects_of[declaration.pk] = subjects
            for subject in subjects:
                key = repr(subject)
                unique.setdefault(key, subject)
                owners.setdefault(key, []).append(declaration.pk)
        results, used = _screen(group[0].administration, list(unique.values()))
        # Each result goes to every declaration the subject is of, in the order the lists gave them.
        by_declaration: dict[int, list[Result]] = {d.pk: [] for d in group}
        for result in results:
            for pk in owners[repr(result[1])]:
                by_declaration[pk].append(result)
        for declaration in group:
            written = _hits(declaration, by_declaration[declaration.pk], existing[declaration.pk])
            pending.append((declaration, written, used, len(subjects_of[declaration.pk])))
    share = int((time.monotonic() - started) * 1000 / max(len(pending), 1))
    runs = ScreeningRun.objects.bulk_create(
        [
            ScreeningRun(
                declaration=declaration,
                administration_id=declaration.administration_id,
                reason=reason,
                declaration_version=declaration.version,
                subject_count=count,
                lists=used,
                hit_count=written.count,
                duration_ms=share,
            )
            for declaration, written, used, count in pending
        ],
        batch_size=500,
    )
    _write_hits([(written, run) for (_d, written, _u, _c), run in zip(pending, runs, strict=True)])
    for key in {d.kind for d in batch}:
        _observe_on_commit(key, [r.duration_ms for r in runs if r.declaration.kind == key])
    audit_records(
        actor=None,
        action="screening.run",
        items=[
            (
                declaration,
                f"{declaration.reference}: {count} screened, {written.count} hits",
                _audit_data(reason, used, written, None),
            )
            for declaration, written, used, count in pending
        ],
    )
    return {run.declaration_id: run for run in runs}


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
