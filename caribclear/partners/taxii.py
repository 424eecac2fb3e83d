"""A TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5) over the intelligence an account may see.

Endpoints: discovery (`/taxii2/`), one API root (`/taxii2/api/`), its collections, and for each
collection its objects (STIX 2.1, built by `stix.py`) and manifest, with `added_after` and `limit`
filtering and opaque `next` paging; one object by id, and its versions (the platform keeps the current
version of each record, so an object has one version: its `modified`). Read-only: no collection accepts
objects (`can_write` false); partners' bundles are taken in by upload (`services.bundle_take_in`).

Who: an API token with the `taxii` scope (`Authorization: Bearer cc_...`) of an official, or of a partner
agency's analyst whose agreement is in force (a partner's token carries that scope only, so it reads
TAXII and nothing else). A token without the scope is 403 (`insufficient_scope`). The records
come from `intel.access` only (`visible_records`, then `read`, which redacts each record for the reader
and writes one access-log row per record, `via` API), so a TAXII pull sees exactly what the reader's
screens show and is logged as they are; a withdrawn release is gone from the next pull.

Collections, two per sharing group the reader belongs to (seizures as incidents, alerts as indicators):
for an official, the region (every record shared with the reader: their own administration's, and those
other members released to it) and each operation their administration takes part in; for a partner, what
is released to its agency, narrowed to the categories of its agreement.

"date added" is the record's last change (`updated_at`): a record whose content or handling changes is
served again to a client polling with `added_after`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from caribclear.accounts.choices import TokenScope
from caribclear.accounts.models import User
from caribclear.accounts.selectors import user_for_api_token
from caribclear.core.visibility import visible
from caribclear.intel.access import log_read_entries, visible_records
from caribclear.intel.choices import ReadVia
from caribclear.intel.models import DisseminatedRecord, Operation
from caribclear.intel.selectors import seizure_queryset

from . import stix, stix_cache
from .models import StixIdIndex
from .selectors import agreement_in_force, alert_queryset, stix_keys

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
MAX_PAGE = 1000
DEFAULT_PAGE = 200
CHUNK = 100  # records read from the cache at once while a page fills
STEP_PART = 2  # a page's records are first read for half its objects (see `_windows`)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data, separators=(",", ":")), status=status, content_type=TAXII)
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "private, no-store"
    return response


def _raw_json(text: str, headers: dict[str, str]) -> HttpResponse:
    """A page already serialized (the cache's stored objects put together)."""
    response = HttpResponse(text, content_type=TAXII)
    for name, value in headers.items():
        response[name] = value
    response["Cache-Control"] = "private, no-store"
    return response


def _error(status: int, title: str, description: str = "") -> HttpResponse:
    body = {"title": title, "http_status": str(status)}
    if description:
        body["description"] = description
    response = _json(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="CaribClear TAXII"'
    return response


def _accepts_taxii(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return any(
        part.split(";")[0].strip() in ("application/taxii+json", "*/*", "application/*")
        and ("version" not in part or "version=2.1" in part.replace(" ", ""))
        for part in accept.split(",")
    )


def taxii_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticates the official's token, checks the media type, answers errors as TAXII does."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        user = None
        if header.startswith("Bearer "):
            user = user_for_api_token(raw=header[7:].strip())
        if user is None:
            return _error(
                401, "Authentication required", "Send an API token with the taxii scope as a Bearer token."
            )
        if not (user.is_official or user.is_partner):
            return _error(404, "Not found")
        if not user.api_token.has_scope(TokenScope.TAXII):  # type: ignore[attr-defined]
            response = _error(403, "Insufficient scope", "This token lacks the taxii scope.")
            response["WWW-Authenticate"] = (
                'Bearer realm="CaribClear TAXII", error="insufficient_scope", scope="taxii"'
            )
            return response
        if user.is_partner and agreement_in_force(user=user) is None:
            return _error(403, "No agreement in force", "Your agency's sharing agreement is not in force.")
        if not _accepts_taxii(request):
            return _error(406, "Not acceptable", f"Ask for {TAXII}.")
        request.user = user
        return view(request, user, *args, **kwargs)

    return wrapper


# --- Collections ------------------------------------------------------------------------------------


SEIZURES = "seizure"
ALERTS = "alert"


@dataclass(frozen=True)
class Collection:
    key: str
    title: str
    description: str
    kind: str  # SEIZURES or ALERTS
    condition: Q

    @property
    def id(self) -> str:
        return str(uuid.uuid5(stix.NAMESPACE, f"taxii-collection:{self.key}"))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "can_read": True,
            "can_write": False,
            "media_types": [STIX],
        }

    def records(self, user: User) -> QuerySet[DisseminatedRecord]:
        """The records of this collection the reader may see (intel's one visibility rule), oldest change
        first."""
        base: QuerySet[Any] = seizure_queryset() if self.kind == SEIZURES else alert_queryset()
        return visible_records(user, base).filter(self.condition).order_by("updated_at", "pk")


def _partner_collections(user: User) -> list[Collection]:
    agreement = agreement_in_force(user=user)
    if agreement is None:
        return []
    agency = agreement.organisation
    result = []
    if agreement.commodities():
        result.append(
            Collection(
                key=f"partner:{agency.code}:seizures",
                title=f"Seizures released to {agency.name}",
                description=f"Seizures released to the agency under {agreement.legal_basis}.",
                kind=SEIZURES,
                condition=Q(commodity__in=agreement.commodities()),
            )
        )
    if agreement.alert_subjects():
        result.append(
            Collection(
                key=f"partner:{agency.code}:alerts",
                title=f"Alerts released to {agency.name}",
                description=f"Alerts and lookouts released to the agency under {agreement.legal_basis}.",
                kind=ALERTS,
                condition=Q(subject_kind__in=agreement.alert_subjects()),
            )
        )
    return result


def collections_for(user: User) -> list[Collection]:
    if user.is_partner:
        return _partner_collections(user)
    administration = user.administration
    assert administration is not None
    result = [
        Collection(
            key="region",
            title=f"Seizures shared with {administration.name}",
            description="Seizures of every member administration that the reader may see.",
            kind=SEIZURES,
            condition=Q(),
        ),
        Collection(
            key="region:alerts",
            title=f"Alerts shared with {administration.name}",
            description="Alerts and lookouts of every member administration that the reader may see.",
            kind=ALERTS,
            condition=Q(),
        ),
    ]
    for operation in visible(user, Operation).order_by("code"):
        for kind, noun, suffix in ((SEIZURES, "Seizures", ""), (ALERTS, "Alerts", ":alerts")):
            result.append(
                Collection(
                    key=f"operation:{operation.code}{suffix}",
                    title=f"Operation {operation.name}: {noun.lower()}",
                    description=f"{noun} of the joint operation {operation.name}.",
                    kind=kind,
                    condition=Q(operation_id=operation.pk),
                )
            )
    return result


def _collection(user: User, collection_id: str) -> Collection | None:
    return next((c for c in collections_for(user) if c.id == collection_id), None)


# --- Paging -----------------------------------------------------------------------------------------


def _records(
    user: User, collection: Collection, request: HttpRequest
) -> QuerySet[DisseminatedRecord] | HttpResponse:
    qs = collection.records(user)
    added_after = request.GET.get("added_after")
    if added_after:
        moment = parse_datetime(added_after)
        if moment is None or moment.tzinfo is None:
            return _error(
                400, "Bad added_after", "Give an RFC 3339 timestamp with its zone, e.g. 2027-01-01T00:00:00Z."
            )
        qs = qs.filter(updated_at__gt=moment)
    settled = _settled_before()
    if settled is not None:
        qs = qs.filter(updated_at__lt=settled)
    return qs


#: What the application's clock may differ from the database's (record dates are the application's).
CLOCK_MARGIN = dt.timedelta(seconds=1)


def _settled_before() -> dt.datetime | None:
    """The date added before which every record is committed, or None when none may be missing.

    A record's date added is written when the record is saved, not when its transaction commits: a record
    saved at 10:00:00 by a transaction that commits at 10:00:05 would otherwise be missed by a pull at
    10:00:02 that ends with a record of 10:00:01 (the next `added_after` is after it). Every record not
    yet committed was saved by a transaction still open, which began before it was saved; so records dated
    before the start of the oldest transaction open on the database (less the margin for the clocks) are
    all committed, and a page serves only those. The others come on a later pull, seconds later. SQLite
    has one writer at a time, and a reader sees what is committed before it starts."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The activity as it is now, not as this transaction first read it (PostgreSQL keeps a snapshot).
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    oldest = row[0] if row else None
    return oldest - CLOCK_MARGIN if oldest is not None else None


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the record (`updated_at`, `pk`) the last page ended with. Records come
    in that order (the index `intel_*_added` on both columns), so a page is one range read of the index
    whatever its position, and a record added or changed between two requests comes later in the order
    (it is served on a later page, never skipped nor served twice at the same version)."""

    updated_at: dt.datetime
    pk: int

    def token(self) -> str:
        text = f"{self.updated_at.astimezone(dt.UTC).isoformat()}|{self.pk}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """The cursor of a `next` token; ValueError when it is not one this server gave."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(token) from error
        moment, _bar, pk = text.partition("|")
        parsed = parse_datetime(moment)
        if parsed is None or parsed.tzinfo is None or not pk.isdigit() or not 0 < int(pk) < 2**63:
            raise ValueError(token)
        return cls(parsed, int(pk))

    def after(self) -> Q:
        """The records after this one in (updated_at, pk) order, written so that the index's range starts
        at `updated_at` (`>=` on the first column, the tie broken by the primary key)."""
        return Q(updated_at__gte=self.updated_at) & (Q(updated_at__gt=self.updated_at) | Q(pk__gt=self.pk))


def _page(request: HttpRequest) -> tuple[int, Cursor | None] | HttpResponse:
    try:
        limit = int(request.GET.get("limit", DEFAULT_PAGE))
        cursor = Cursor.parse(request.GET["next"]) if "next" in request.GET else None
    except ValueError:
        return _error(400, "Bad paging", "limit is a whole number; next is the value the last page gave.")
    if limit < 1:
        return _error(400, "Bad paging", "limit is at least 1.")
    return min(limit, MAX_PAGE), cursor


def _next(last: Any) -> str:
    """The `next` token of a page that ended with `last` (a record's meta or cache entry)."""
    return Cursor(last.updated_at, last.pk).token()


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Endpoints --------------------------------------------------------------------------------------


@require_GET
@taxii_view
def discovery(request: HttpRequest, user: User) -> HttpResponse:
    root = request.build_absolute_uri(reverse("partners:api_root"))
    return _json(
        {
            "title": "CaribClear TAXII",
            "description": "Customs intelligence of the CCLEC member administrations, as STIX 2.1.",
            "default": root,
            "api_roots": [root],
        }
    )


@require_GET
@taxii_view
def api_root(request: HttpRequest, user: User) -> HttpResponse:
    return _json(
        {
            "title": "CaribClear intelligence",
            "versions": [TAXII],
            "max_content_length": 0,
        }
    )


@require_GET
@taxii_view
def collections(request: HttpRequest, user: User) -> HttpResponse:
    return _json({"collections": [c.as_json() for c in collections_for(user)]})


@require_GET
@taxii_view
def collection(request: HttpRequest, user: User, collection_id: str) -> HttpResponse:
    found = _collection(user, collection_id)
    if found is None:
        return _error(404, "Not found", "No such collection.")
    return _json(found.as_json())


def _requested(user: User, request: HttpRequest, collection_id: str) -> Any:
    """The collection, the records of the request after its `next` (a queryset in date-added order), and
    the limit; or the error to answer."""
    found = _collection(user, collection_id)
    if found is None:
        return _error(404, "Not found", "No such collection.")
    records = _records(user, found, request)
    if isinstance(records, HttpResponse):
        return records
    page = _page(request)
    if isinstance(page, HttpResponse):
        return page
    limit, cursor = page
    if cursor is not None:
        records = records.filter(cursor.after())
    return found, records, limit


def _window(user: User, request: HttpRequest, collection_id: str) -> Any:
    """The collection, and the metas of the records of the requested window (one more than `limit`, to
    know whether more follow): one query, no record loaded whole."""
    result = _requested(user, request, collection_id)
    if isinstance(result, HttpResponse):
        return result
    found, records, limit = result
    window = stix_cache.metas(records[: limit + 1])
    more = len(window) > limit
    return found, window[:limit], more, limit


def _windows(records: QuerySet[Any], limit: int) -> Iterator[tuple[list[stix_cache.Meta], bool]]:
    """The metas of the records a page of at most `limit` objects may serve, a step at a time, each step
    with whether more records follow it. A record has at least one object, so a page serves `limit`
    records at the most; but most have two or three, so the first step reads `limit // STEP_PART` of them
    (half the rows to read, and to test against the reader's rule) and a second is read only when those
    were not enough."""
    step = max(1, -(-limit // STEP_PART))
    after: Cursor | None = None
    taken = 0
    while True:
        count = min(step, limit - taken)
        window = stix_cache.metas((records.filter(after.after()) if after else records)[: count + 1])
        more = len(window) > count
        window = window[:count]
        taken += len(window)
        yield window, more
        if not more or taken >= limit:
            return
        after = Cursor(window[-1].updated_at, window[-1].pk)


def _headers(window: Sequence[Any]) -> dict[str, str]:
    """The first and last date added of a page (of records, metas or cache entries)."""
    if not window:
        return {}
    return {
        "X-TAXII-Date-Added-First": _stamp(window[0].updated_at),
        "X-TAXII-Date-Added-Last": _stamp(window[-1].updated_at),
    }


@require_GET
@taxii_view
def objects(request: HttpRequest, user: User, collection_id: str) -> HttpResponse:
    """A page of objects: whole records (a record's objects are never split across pages), as many as
    fit in `limit` objects, at least one record. Only the records served are logged as read.

    The objects come from the cache of served objects (`stix_cache`), built with stix2 only for records
    changed since they were last served; the page is their stored JSON put together."""
    result = _requested(user, request, collection_id)
    if isinstance(result, HttpResponse):
        return result
    found, records, limit = result
    more = False
    seen: set[str] = set()
    parts: list[str] = []
    markings: set[str] = set()  # the TLP definitions the page will carry
    served: list[stix_cache.Entry] = []
    full = False
    # The window's records are read from the cache a chunk at a time, so a page whose records have many
    # objects each does not read (or, the first time, build) the objects of records it will not serve.
    # What the page writes (objects built and stored, the access log) is one transaction: one commit.
    with transaction.atomic():
        for window, more in _windows(records, limit):
            for start in range(0, len(window), CHUNK):
                for entry in stix_cache.entries(user, found.kind, window[start : start + CHUNK]):
                    fresh = [(i, o) for i, o in zip(entry.ids, entry.objects, strict=True) if i not in seen]
                    used = markings | set(entry.markings)
                    if served and stix.PLATFORM_OBJECT_COUNT + len(used) + len(seen) + len(fresh) > limit:
                        more = full = True
                        break
                    markings = used
                    seen.update(i for i, _o in fresh)
                    parts += [o for _i, o in fresh]
                    served.append(entry)
                if full:
                    break
            if full:
                break
        log_read_entries(
            user,
            [(e.record_type, e.pk, e.personal_shown, e.fields) for e in served],
            via=ReadVia.API,
        )
    if not served:
        return _json({"more": False})
    body = ",".join([*stix_cache.definitions_json(markings), *parts])
    tail = f',"next":{json.dumps(_next(served[-1]))}' if more else ""
    text = f'{{"more":{json.dumps(more)},"objects":[{body}]{tail}}}'
    return _raw_json(text, headers=_headers(served))


@require_GET
@taxii_view
def manifest(request: HttpRequest, user: User, collection_id: str) -> HttpResponse:
    result = _window(user, request, collection_id)
    if isinstance(result, HttpResponse):
        return result
    found, window, more, _limit = result
    entries = [
        {
            "id": stix.record_stix_id(found.kind, meta.reference),
            "date_added": _stamp(meta.updated_at),
            "version": _stamp(max(meta.updated_at, meta.created_at)),
            "media_type": STIX,
        }
        for meta in window
    ]
    body: dict[str, Any] = {"more": more, "objects": entries} if entries else {"more": False}
    if more:
        body["next"] = _next(window[-1])
    return _json(body, headers=_headers(window))


# --- One object, and its versions --------------------------------------------------------------------


def _in_entry(user: User, record: DisseminatedRecord, object_id: str) -> tuple[Any, Any] | None:
    """The object `object_id` among a visible record's objects as the reader gets them, or None (the id
    may be one the reader does not get: a person withheld)."""
    entry = stix_cache.entry_for(user, record)
    for stix_id, text in zip(entry.ids, entry.objects, strict=True):
        if stix_id == object_id:
            return json.loads(text), entry
    return None


def _find(user: User, collection: Collection, object_id: str) -> tuple[Any, Any] | None:
    """The object `object_id` of the collection as the reader may see it, with the cache entry of the
    record it comes from (None for the platform's own objects and the TLP definitions). The record is
    found in the table of served ids (one lookup); records whose ids are not in it yet at their current
    version are indexed first, from what their ids are made of (no STIX built). Nothing is logged here."""
    for obj in stix.with_definitions([]):
        if obj.id == object_id:
            return stix.serialize(obj), None
    for label, marking_id in stix.TLP_IDS.items():
        if marking_id == object_id:
            return stix.serialize(stix.tlp_marking(label)), None
    records = collection.records(user)
    row = StixIdIndex.objects.filter(stix_id=object_id, record_type=collection.kind).first()
    if row is None or (row.record_id is not None and not records.filter(pk=row.record_id).exists()):
        _index_unindexed(records)
        row = StixIdIndex.objects.filter(stix_id=object_id, record_type=collection.kind).first()
    if row is None:
        return None
    if row.record_id is not None:
        candidates = records.filter(pk=row.record_id)
    elif row.owner:
        candidates = records.filter(owner__code=row.owner)
    else:
        candidates = records.filter(port__locode=row.port)  # type: ignore[misc]  # seizures have a port
    record = candidates.first()
    return None if record is None else _in_entry(user, record, object_id)


def _index_unindexed(records: QuerySet[DisseminatedRecord]) -> None:
    """Index the records (of a restricted queryset) whose current version is not in the served-id table."""
    indexed = StixIdIndex.objects.filter(
        record_type=records.model.record_type,
        record_id=OuterRef("pk"),
        main=True,
        record_updated_at=OuterRef("updated_at"),
    )
    pending = records.filter(~Exists(indexed))
    versions = dict(pending.values_list("pk", "updated_at"))
    rows = []
    for keys in stix_keys(pending):
        pk = keys.pop("pk")
        if pk in versions:
            rows += stix_cache.index_rows(pk=pk, updated_at=versions[pk], **keys)
    stix_cache.save_index(rows)


def _object_or_error(request: HttpRequest, user: User, collection_id: str, object_id: str) -> Any:
    found_collection = _collection(user, collection_id)
    if found_collection is None:
        return _error(404, "Not found", "No such collection.")
    found = _find(user, found_collection, object_id)
    if found is None:
        return _error(404, "Not found", "No such object in this collection.")
    return found


def _version(obj: dict[str, Any]) -> str:
    """The object's version as the object itself writes it (its `modified`, else `created`): stix2 drops
    trailing zeros of the fraction, so a client matching versions to objects compares equal strings."""
    return str(obj.get("modified") or obj["created"])


def _same_version(wanted: str, version: str) -> bool:
    try:
        moment, have = parse_datetime(wanted), parse_datetime(version)
    except ValueError:
        return False
    return moment is not None and moment.tzinfo is not None and moment == have


@require_GET
@taxii_view
def object_detail(request: HttpRequest, user: User, collection_id: str, object_id: str) -> HttpResponse:
    """One object by id (TAXII 2.1, 5.5). `match[version]` may be `last`, `first`, `all` or a timestamp;
    each object has one version, so any of those but a different timestamp finds it."""
    found = _object_or_error(request, user, collection_id, object_id)
    if isinstance(found, HttpResponse):
        return found
    obj, record = found
    wanted = [v.strip() for v in request.GET.get("match[version]", "last").split(",") if v.strip()]
    version = _version(obj)
    if not any(w in ("last", "first", "all") or _same_version(w, version) for w in wanted):
        return _json({"more": False})
    if record is not None:
        log_read_entries(
            user, [(record.record_type, record.pk, record.personal_shown, record.fields)], via=ReadVia.API
        )
        headers = _headers([record])
    else:
        headers = {}
    return _json({"more": False, "objects": [obj]}, headers=headers)


@require_GET
@taxii_view
def object_versions(request: HttpRequest, user: User, collection_id: str, object_id: str) -> HttpResponse:
    """The versions of one object (TAXII 2.1, 5.7): the platform serves the current one only."""
    found = _object_or_error(request, user, collection_id, object_id)
    if isinstance(found, HttpResponse):
        return found
    obj, record = found
    headers = _headers([record]) if record is not None else {}
    return _json({"more": False, "versions": [_version(obj)]}, headers=headers)
