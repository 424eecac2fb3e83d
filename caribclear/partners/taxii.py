"""A TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5) over the intelligence an account may see.

Endpoints: discovery (`/taxii2/`), one API root (`/taxii2/api/`), its collections, and for each
collection its objects (STIX 2.1, built by `stix.py`) and manifest, with `added_after` and `limit`
filtering and opaque `next` paging. Read-only: no collection accepts objects (`can_write` false).

Who: an official's API token (`Authorization: Bearer cc_...`), as for the platform's API. The records
come from `intel.access` only (`visible_records`, then `read`, which redacts each record for the reader
and writes one access-log row per record, `via` API), so a TAXII pull sees exactly what the reader's
screens show and is logged as they are; a withdrawn release is gone from the next pull.

Collections, one per sharing group the reader belongs to: `region` (every record shared with the
reader: their own administration's, and those other members released to it) and one per operation
their administration takes part in.

"date added" is the record's last change (`updated_at`): a record whose content or handling changes is
served again to a client polling with `added_after`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from caribclear.accounts.models import User
from caribclear.accounts.selectors import user_for_api_token
from caribclear.core.visibility import visible
from caribclear.intel.access import log_reads, redact, visible_records
from caribclear.intel.choices import ReadVia
from caribclear.intel.models import Operation, Seizure
from caribclear.intel.selectors import seizure_queryset

from . import stix

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
MAX_PAGE = 1000
DEFAULT_PAGE = 200


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data, separators=(",", ":")), status=status, content_type=TAXII)
    for name, value in (headers or {}).items():
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
            return _error(401, "Authentication required", "Send an official's API token as a Bearer token.")
        if not user.is_official:
            return _error(404, "Not found")
        if not _accepts_taxii(request):
            return _error(406, "Not acceptable", f"Ask for {TAXII}.")
        request.user = user
        return view(request, user, *args, **kwargs)

    return wrapper


# --- Collections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collection:
    key: str
    title: str
    description: str
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


def collections_for(user: User) -> list[Collection]:
    administration = user.administration
    assert administration is not None
    result = [
        Collection(
            key="region",
            title=f"Intelligence shared with {administration.name}",
            description="Seizures of every member administration that the reader's may see.",
            condition=Q(),
        )
    ]
    for operation in visible(user, Operation).order_by("code"):
        result.append(
            Collection(
                key=f"operation:{operation.code}",
                title=f"Operation {operation.name}",
                description=f"Seizures of the joint operation {operation.name}.",
                condition=Q(operation_id=operation.pk),
            )
        )
    return result


def _collection(user: User, collection_id: str) -> Collection | None:
    return next((c for c in collections_for(user) if c.id == collection_id), None)


# --- Paging -----------------------------------------------------------------------------------------


def _records(user: User, collection: Collection, request: HttpRequest) -> QuerySet[Seizure] | HttpResponse:
    qs = visible_records(user, seizure_queryset()).filter(collection.condition)
    added_after = request.GET.get("added_after")
    if added_after:
        moment = parse_datetime(added_after)
        if moment is None or moment.tzinfo is None:
            return _error(
                400, "Bad added_after", "Give an RFC 3339 timestamp with its zone, e.g. 2027-01-01T00:00:00Z."
            )
        qs = qs.filter(updated_at__gt=moment)
    return qs.order_by("updated_at", "pk")


def _page(request: HttpRequest) -> tuple[int, int] | HttpResponse:
    try:
        limit = int(request.GET.get("limit", DEFAULT_PAGE))
        offset = int(base64.urlsafe_b64decode(request.GET["next"]).decode()) if "next" in request.GET else 0
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return _error(400, "Bad paging", "limit is a whole number; next is the value the last page gave.")
    if limit < 1 or not (0 <= offset <= 10_000_000):
        return _error(400, "Bad paging", "limit is at least 1.")
    return min(limit, MAX_PAGE), offset


def _next(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


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


def _window(user: User, request: HttpRequest, collection_id: str) -> Any:
    found = _collection(user, collection_id)
    if found is None:
        return _error(404, "Not found", "No such collection.")
    records = _records(user, found, request)
    if isinstance(records, HttpResponse):
        return records
    page = _page(request)
    if isinstance(page, HttpResponse):
        return page
    limit, offset = page
    window = list(records[offset : offset + limit + 1])
    more = len(window) > limit
    return window[:limit], more, limit, offset


def _headers(window: list[Seizure]) -> dict[str, str]:
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
    fit in `limit` objects, at least one record. Only the records served are logged as read."""
    result = _window(user, request, collection_id)
    if isinstance(result, HttpResponse):
        return result
    window, more, limit, offset = result
    built: dict[str, Any] = {}
    served: list[Seizure] = []
    views = []
    for record in window:
        view = redact(user, record)
        fresh = {o.id: o for o in stix.seizure_objects(view, modified=record.updated_at) if o.id not in built}
        if served and len(stix.with_definitions([*built.values(), *fresh.values()])) > limit:
            more = True
            break
        built.update(fresh)
        served.append(record)
        views.append(view)
    log_reads(user, views, via=ReadVia.API)
    if not served:
        return _json({"more": False})
    body: dict[str, Any] = {
        "more": more,
        "objects": [stix.serialize(o) for o in stix.with_definitions(built.values())],
    }
    if more:
        body["next"] = _next(offset + len(served))
    return _json(body, headers=_headers(served))


@require_GET
@taxii_view
def manifest(request: HttpRequest, user: User, collection_id: str) -> HttpResponse:
    result = _window(user, request, collection_id)
    if isinstance(result, HttpResponse):
        return result
    window, more, limit, offset = result
    entries = [
        {
            "id": stix.stix_id("incident", f"seizure:{record.reference}"),
            "date_added": _stamp(record.updated_at),
            "version": _stamp(max(record.updated_at, record.created_at)),
            "media_type": STIX,
        }
        for record in window
    ]
    body: dict[str, Any] = {"more": more, "objects": entries} if entries else {"more": False}
    if more:
        body["next"] = _next(offset + limit)
    return _json(body, headers=_headers(window))
