"""The STIX objects of records as served, kept between pulls (`models.StixCache`), and the table of
served ids (`models.StixIdIndex`).

What a reader gets of a record depends on the record (its version: `updated_at`, which every change of
content or handling moves), on whether the reader may see its personal parts (intel's `personal_visible`,
computed by the visibility rule on every pull), and on the language of the labels. That is the key of a
cache entry: an entry whose stored version is not the record's current one is built again from the
reader's redacted view (`intel.access.redact`) with `stix2`, and stored. Whether the reader may see the
record at all is never cached: the records of a page come from `visible_records` on every request.

Each entry also keeps what the access log names (the fields the view held, whether personal parts were
shown), so a page served from the cache still logs one row per record read, as a rebuilt one would.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils import translation

from caribclear.intel.access import redact
from caribclear.intel.models import DisseminatedRecord, Seizure
from caribclear.intel.selectors import seizure_queryset

from . import stix
from .models import StixCache, StixIdIndex
from .selectors import alert_queryset


@dataclass(frozen=True)
class Meta:
    """What a page needs of a record before its objects: from one query of the visible records."""

    pk: int
    reference: str
    updated_at: dt.datetime
    created_at: dt.datetime
    personal: bool


@dataclass(frozen=True)
class Entry:
    """One record's objects as the reader gets them, serialized."""

    record_type: str
    pk: int
    updated_at: dt.datetime
    ids: list[str]
    objects: list[str]  # compact JSON, in the order of `ids`
    markings: list[str]
    fields: list[str]
    personal_shown: bool


def metas(records: QuerySet[DisseminatedRecord]) -> list[Meta]:
    """The page's records as `Meta`, from a queryset of `visible_records` (annotated `personal_visible`)."""
    return [
        Meta(pk=pk, reference=reference, updated_at=updated, created_at=created, personal=bool(personal))
        for pk, reference, updated, created, personal in records.values_list(  # type: ignore[misc]
            "pk", "reference", "updated_at", "created_at", "personal_visible"
        )
    ]


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _base(record_type: str) -> QuerySet[Any]:
    return seizure_queryset() if record_type == Seizure.record_type else alert_queryset()


def index_rows(
    *,
    record_type: str,
    pk: int,
    updated_at: dt.datetime,
    reference: str,
    owner: str,
    port: str = "",
    persons: int = 0,
    companies: int = 0,
) -> list[StixIdIndex]:
    """The rows of the served-id table for every id a record's objects may have (also those one reader
    does not get, so a lookup by another reader finds the record; whether that reader gets the object is
    decided when it is built for them). Ids many records share name the owner or the port instead."""
    possible = stix.possible_ids(
        record_type=record_type,
        reference=reference,
        owner=owner,
        port=port,
        persons=persons,
        companies=companies,
    )
    owner_id = stix.owner_identity_id(owner)
    port_id = stix.port_location_id(port) if port else ""
    main = stix.record_stix_id(record_type, reference)
    rows = []
    for stix_id in sorted(possible):
        if stix_id == owner_id:
            rows.append(StixIdIndex(stix_id=stix_id, record_type=record_type, owner=owner))
        elif stix_id == port_id:
            rows.append(StixIdIndex(stix_id=stix_id, record_type=record_type, port=port))
        else:
            rows.append(
                StixIdIndex(
                    stix_id=stix_id,
                    record_type=record_type,
                    record_id=pk,
                    main=stix_id == main,
                    record_updated_at=updated_at,
                )
            )
    return rows


def _record_index_rows(record: DisseminatedRecord) -> list[StixIdIndex]:
    if isinstance(record, Seizure):
        return index_rows(
            record_type=Seizure.record_type,
            pk=record.pk,
            updated_at=record.updated_at,
            reference=record.reference,
            owner=record.owner.code,
            port=record.port.locode,
            persons=len(record.persons.all()),
            companies=len(record.companies.all()),
        )
    return index_rows(
        record_type=str(record.record_type),
        pk=record.pk,
        updated_at=record.updated_at,
        reference=record.reference,
        owner=record.owner.code,
    )


def save_index(rows: list[StixIdIndex]) -> None:
    """Put rows in the served-id table (replacing what an older version of the same records put there).
    Ids many records share (an owner, a port) come once: one statement may not write a row twice."""
    unique = sorted({row.stix_id: row for row in rows}.values(), key=lambda row: row.stix_id)
    # Rows of shared ids already there as they would be written are left alone: every page and every
    # fill job names the same owners and ports, and rewriting them would make concurrent writers (a pull
    # and the job filling the cache) lock the same rows in different orders.
    shared = [row.stix_id for row in unique if row.record_id is None]
    if shared:
        have = set(
            StixIdIndex.objects.filter(stix_id__in=shared, record_id=None).values_list(
                "stix_id", "record_type", "owner", "port"
            )
        )
        unique = [
            row
            for row in unique
            if row.record_id is not None or (row.stix_id, row.record_type, row.owner, row.port) not in have
        ]
    if unique:
        StixIdIndex.objects.bulk_create(
            unique,
            update_conflicts=True,
            unique_fields=["stix_id"],
            update_fields=["record_type", "record_id", "owner", "port", "main", "record_updated_at"],
            batch_size=2000,
        )


def build(user: Any, record: DisseminatedRecord) -> tuple[Entry, list[Any]]:
    """A record's objects for `user`, built from the reader's view of it (the record comes from
    `visible_records(user, ...)`, so it carries `personal_visible`); the stix2 objects too."""
    record_type = str(record.record_type)
    view = redact(user, record, only=stix.STIX_FIELDS[record_type])
    built = stix.record_objects(view, modified=record.updated_at)
    entry = Entry(
        record_type=record_type,
        pk=record.pk,
        updated_at=record.updated_at,
        ids=[o.id for o in built],
        objects=[stix.dumps(o) for o in built],
        markings=sorted({ref for o in built for ref in o.get("object_marking_refs", [])}),
        fields=sorted(k for k in view.data if not k.endswith("_label")),
        personal_shown=view.personal_shown,
    )
    return entry, built


def _store(entries: list[tuple[Entry, bool]], language: str) -> None:
    # The record type as an expression keeps Django from sending the rows as arrays (UNNEST): psycopg's
    # client-side quoting escapes every quote of the stored JSON in Python there, about twenty times
    # slower than quoting each value as a parameter of its own.
    rows = [
        StixCache(
            record_type=Value(entry.record_type),
            record_id=entry.pk,
            personal=personal,
            language=language,
            record_updated_at=entry.updated_at,
            stix_json="\n".join(entry.objects),
            ids="\n".join(entry.ids),
            markings=entry.markings,
            fields=entry.fields,
            personal_shown=entry.personal_shown,
        )
        for entry, personal in sorted(entries, key=lambda item: (item[0].pk, item[1]))
    ]
    if rows:
        StixCache.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["record_type", "record_id", "personal", "language"],
            update_fields=["record_updated_at", "stix_json", "ids", "markings", "fields", "personal_shown"],
            batch_size=500,
        )


def entries(user: Any, record_type: str, page: Sequence[Meta]) -> list[Entry]:
    """The objects of the page's records for `user`, in the page's order: stored ones where their version
    is the record's current one, the others built (one query for their records) and stored."""
    language = _language()
    # Plain rows, not model instances: a page reads a few hundred of them, each only in the variant its
    # reader gets; markings and fields as their JSON text, decoded once per distinct value (a few).
    variant = Q(personal=False, record_id__in=[m.pk for m in page if not m.personal]) | Q(
        personal=True, record_id__in=[m.pk for m in page if m.personal]
    )
    decoded: dict[str, list[str]] = {}

    def strings(text: str) -> list[str]:
        found = decoded.get(text)
        if found is None:
            found = decoded[text] = json.loads(text)
        return list(found)

    stored = {
        (record_id, personal): (version, ids, stix_json, strings(markings), strings(fields), shown)
        for record_id, personal, version, ids, stix_json, markings, fields, shown in StixCache.objects.filter(
            variant, record_type=record_type, language=language
        )
        .annotate(markings_text=Cast("markings", TextField()), fields_text=Cast("fields", TextField()))
        .values_list(
            "record_id",
            "personal",
            "record_updated_at",
            "ids",
            "stix_json",
            "markings_text",
            "fields_text",
            "personal_shown",
        )
    }
    found: dict[int, Entry] = {}
    missing: dict[int, Meta] = {}
    for meta in page:
        row = stored.get((meta.pk, meta.personal))
        if row is None or row[0] != meta.updated_at:
            missing[meta.pk] = meta
            continue
        _version, ids, stix_json, markings, fields, personal_shown = row
        found[meta.pk] = Entry(
            record_type=record_type,
            pk=meta.pk,
            updated_at=meta.updated_at,
            ids=ids.split("\n"),
            objects=stix_json.split("\n"),
            markings=markings,
            fields=fields,
            personal_shown=personal_shown,
        )
    if missing:
        fresh: list[tuple[Entry, bool]] = []
        index: list[StixIdIndex] = []
        for record in _base(record_type).filter(pk__in=list(missing)):
            meta = missing[record.pk]
            record.personal_visible = meta.personal
            entry, _built = build(user, record)
            fresh.append((entry, meta.personal))
            found[record.pk] = entry
            index += _record_index_rows(record)
        _store(fresh, language)
        save_index(index)
    # A record deleted between the two queries is left out.
    return [found[m.pk] for m in page if m.pk in found]


def fill(record_type: str, pks: Sequence[int] | None = None, *, language: str = "", batch: int = 200) -> int:
    """Build and store the entries of records whose stored objects are not their current version (all of
    them, or those of `pks`), in the platform's language unless told, so that a reader's first pull of
    them reads stored JSON: what a queued job does after records change (`tasks`), and
    `manage.py stix_cache_fill` for records written in bulk. Both variants are stored (personal parts
    shown or not: which one a reader gets is decided by the visibility rule at each pull); a record that
    flags no personal part looks the same either way and is built once. Returns the records built."""
    language = language or settings.LANGUAGE_CODE
    base = _base(record_type)
    current = StixCache.objects.filter(
        record_type=record_type,
        record_id=OuterRef("pk"),
        personal=False,
        language=language,
        record_updated_at=OuterRef("updated_at"),
    )
    stale = base.model._default_manager.filter(~Exists(current))
    if pks is not None:
        stale = stale.filter(pk__in=list(pks))
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    with translation.override(language):
        for start in range(0, len(ids), batch):
            fresh: list[tuple[Entry, bool]] = []
            index: list[StixIdIndex] = []
            for record in base.filter(pk__in=ids[start : start + batch]):
                for personal in (False, True):
                    record.personal_visible = personal
                    entry, _built = build(None, record)
                    fresh.append((entry, personal))
                    if not record.personal_fields:
                        fresh.append((entry, True))
                        break
                index += _record_index_rows(record)
            with transaction.atomic():
                _store(fresh, language)
                save_index(index)
    if len(ids) >= ANALYZE_AFTER:
        _analyze()
    return len(ids)


#: A fill of this many records or more refreshes PostgreSQL's statistics of the cache's tables at once: a
#: first fill of a whole collection multiplies their rows, and with the statistics of the empty tables the
#: planner reads a page's stored objects by scanning every entry of the language (200 ms a page instead of
#: 1 ms) until autovacuum next analyses them (or never, where it is turned off).
ANALYZE_AFTER = 1000


def _analyze() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (StixCache, StixIdIndex):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def entry_for(user: Any, record: DisseminatedRecord) -> Entry:
    """One visible record's objects for `user` (from the cache when current)."""
    meta = Meta(
        pk=record.pk,
        reference=record.reference,
        updated_at=record.updated_at,
        created_at=record.created_at,
        personal=bool(getattr(record, "personal_visible", False)),
    )
    found = entries(user, str(record.record_type), [meta])
    if not found:
        raise LookupError(record.pk)
    return found[0]


# --- The platform's own objects and the TLP definitions, serialized once per site address -----------

_PLATFORM: dict[str, list[str]] = {}
_MARKINGS: dict[str, str] = {}


def platform_json() -> list[str]:
    site = settings.SITE_URL
    if site not in _PLATFORM:
        _PLATFORM[site] = [_dump(stix.serialize(o)) for o in stix.platform_objects()]
    return _PLATFORM[site]


def marking_json(marking_id: str) -> str:
    if not _MARKINGS:
        for label, id_ in stix.TLP_IDS.items():
            _MARKINGS[id_] = _dump(stix.serialize(stix.tlp_marking(label)))
    return _MARKINGS[marking_id]


def definitions_json(markings: set[str]) -> list[str]:
    """The platform's objects and the TLP definitions used, as `stix.with_definitions` orders them."""
    return [*platform_json(), *(marking_json(id_) for id_ in stix.TLP_IDS.values() if id_ in markings)]
