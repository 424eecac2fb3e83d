"""Idempotency-Key for every API POST: a retried request never creates a second record.

The first request with a key stores its response; a retry with the same key and the same body gets
that response again (with ``Idempotent-Replayed: true``); the same key with a different body is a 422;
a retry while the first is still running is a 409. Keys are scoped to the account.

Stored responses hold personal data (names, passport numbers), so they are kept for 24 hours
(`CARIBCLEAR_IDEMPOTENCY_KEEP_HOURS`): after that a key is forgotten, and `manage.py apply_retention`
deletes the records (the `core.idempotency` retention rule).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import IdempotencyRecord
from .problems import problem_response

API_PREFIX = "/api/"
STALE_AFTER = timedelta(minutes=5)


def keep_for() -> timedelta:
    """How long a stored response is replayed (and kept): 24 hours unless the settings say otherwise."""
    return timedelta(hours=getattr(settings, "CARIBCLEAR_IDEMPOTENCY_KEEP_HOURS", 24))


def idempotency_purge(policy: Any, *, dry_run: bool = False) -> int:
    """The `core.idempotency` retention rule: delete stored responses older than the keeping period."""
    expired = IdempotencyRecord.objects.filter(created_at__lt=policy.now - keep_for())
    if dry_run:
        return expired.count()
    deleted, _per_model = expired.delete()
    return deleted


@cache
def token_user() -> Callable[..., Any]:
    """The function that finds the account behind an API token (`settings.CARIBCLEAR_API_USER_LOOKUP`,
    called as ``f(raw=token)``): core knows no app, so the accounts app is named in the settings."""
    return import_string(settings.CARIBCLEAR_API_USER_LOOKUP)


def _view_name(request: HttpRequest) -> str:
    """The name of the view the request goes to ("" for none); resolved once per request, and only when the
    settings name views to tell apart."""
    if not (
        getattr(settings, "CARIBCLEAR_IDEMPOTENCY_SEARCH_VIEWS", ())
        or getattr(settings, "CARIBCLEAR_IDEMPOTENCY_COMMITTING_VIEWS", ())
    ):
        return ""
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _is_search(view_name: str) -> bool:
    """Searches posted so that their terms (a name, a document number) stay out of URLs and access logs
    are safe to repeat and create nothing: they need no key, and their answers, full of personal data,
    are never stored (`settings.CARIBCLEAR_IDEMPOTENCY_SEARCH_VIEWS`)."""
    return bool(view_name) and view_name in getattr(settings, "CARIBCLEAR_IDEMPOTENCY_SEARCH_VIEWS", ())


def _commits_itself(view_name: str) -> bool:
    """Endpoints that commit before they answer (an interactive boarding check screens its passenger in a
    worker thread, which must see the committed list) are named in
    `settings.CARIBCLEAR_IDEMPOTENCY_COMMITTING_VIEWS`: their claim is committed first, and a claim left by
    a server that died is taken over after STALE_AFTER."""
    return bool(view_name) and view_name in getattr(settings, "CARIBCLEAR_IDEMPOTENCY_COMMITTING_VIEWS", ())


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _insert_claim(user_id: int, key: str, fingerprint: str, now: Any) -> IdempotencyRecord | None:
    """Claim the key: the new record, or None when the key is taken already. One statement, no savepoint:
    ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite 3.35+) leaves the request's
    transaction usable when the key exists, where a plain INSERT's unique violation would need a savepoint
    around it (two more round trips on every POST). A concurrent request holding the same key uncommitted
    makes this one wait for it, as the plain INSERT did, and then see its record."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        # RETURNING came with SQLite 3.35 (Django 5.2 accepts 3.31): the plain INSERT in a savepoint
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user_id=user_id, key=key, fingerprint=fingerprint, created_at=now
                )
        except IntegrityError:
            return None
    q = connection.ops.quote_name
    table = q(IdempotencyRecord._meta.db_table)
    columns = ", ".join(
        q(c)
        for c in (
            "user_id",
            "key",
            "fingerprint",
            "created_at",
            "response_content_type",
            "response_body",
            "response_location",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, '', %s, '') "  # noqa: S608 - the model's names
            f"ON CONFLICT ({q('user_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}",
            [user_id, key, fingerprint, connection.ops.adapt_datetimefield_value(now), b""],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return IdempotencyRecord(
        pk=row[0],
        user_id=user_id,
        key=key,
        fingerprint=fingerprint,
        created_at=now,
        response_status=None,
        response_content_type="",
        response_body=b"",
        response_location="",
    )


def _store_response(record_id: int, response: HttpResponse) -> None:
    """Keep the answer on the claim: one plain UPDATE (what ``filter(pk=...).update(...)`` wrote, without
    the ORM's building of it on every POST)."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(IdempotencyRecord._meta.db_table)} SET {q('response_status')} = %s, "  # noqa: S608 - the model's names
            f"{q('response_content_type')} = %s, {q('response_body')} = %s, {q('response_location')} = %s "
            f"WHERE {q('id')} = %s",
            [
                response.status_code,
                response.get("Content-Type", ""),
                response.content,
                response.get("Location", ""),
                record_id,
            ],
        )


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        user = token_user()(raw=_bearer(request))
        # The API's own authentication reuses this lookup instead of reading the token again.
        request.api_token_user = user  # type: ignore[attr-defined]
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        view_name = _view_name(request)
        if _is_search(view_name):
            return self.get_response(request)  # a search stores nothing
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return problem_response(
                request,
                status=400,
                type_="idempotency-key-missing",
                title="Idempotency-Key header required",
                detail="Every POST needs an Idempotency-Key header (for example a UUID) so a retry is safe.",
            )
        if len(key) > 255:
            return problem_response(
                request,
                status=400,
                type_="idempotency-key-invalid",
                title="Idempotency-Key too long",
                detail="An Idempotency-Key has at most 255 characters.",
            )
        fingerprint = hashlib.sha256(
            b"\n".join([request.method.encode(), request.get_full_path().encode(), request.body])
        ).hexdigest()

        if _commits_itself(view_name):
            return self._respond(request, user.pk, key, fingerprint)
        # The claim, the request's own writes and the stored response commit together or not at all: a
        # server killed half-way (or a database lost) leaves neither a record nor a claim, so the client's
        # retry with the same key runs afresh; a concurrent retry waits on the claim's row and replays.
        with transaction.atomic():
            return self._respond(request, user.pk, key, fingerprint)

    def _respond(self, request: HttpRequest, user_id: int, key: str, fingerprint: str) -> HttpResponse:
        record = self._claim(request, user_id, key, fingerprint)
        if isinstance(record, HttpResponse):
            return record
        response = self.get_response(request)
        if response.status_code >= 500 or response.streaming:
            if transaction.get_connection().in_atomic_block:
                transaction.set_rollback(True)
            else:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        _store_response(record.pk, response)
        return response

    def _claim(
        self, request: HttpRequest, user_id: int, key: str, fingerprint: str
    ) -> IdempotencyRecord | HttpResponse:
        now = timezone.now()
        for _attempt in range(2):
            claimed = _insert_claim(user_id, key, fingerprint, now)
            if claimed is not None:
                return claimed
            # The key is taken: by a finished request (replayed), a running one, or a stale claim.
            existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
            if existing is None:
                continue
            if existing.created_at < now - keep_for() or (
                existing.response_status is None and existing.created_at < now - STALE_AFTER
            ):
                existing.delete()
                continue
            if existing.fingerprint != fingerprint:
                return problem_response(
                    request,
                    status=422,
                    type_="idempotency-key-reused",
                    title="Idempotency-Key already used for another request",
                    detail="This key was used with a different request. Use a new key for a new request.",
                )
            if existing.response_status is None:
                return problem_response(
                    request,
                    status=409,
                    type_="idempotency-in-progress",
                    title="Request still in progress",
                    detail="The first request with this key is still being processed. Retry shortly.",
                    headers={"Retry-After": "2"},
                )
            replay = HttpResponse(
                bytes(existing.response_body),
                status=existing.response_status,
                content_type=existing.response_content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            if existing.response_location:
                replay["Location"] = existing.response_location
            return replay
        return problem_response(
            request, status=409, type_="idempotency-in-progress", title="Request conflict"
        )
