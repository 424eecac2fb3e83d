from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from .clientip import client_ip
from .context import RequestInfo, current_request
from .metrics import observe_request

# A client's own correlation id is kept beside ours, never instead of it: printable, at most 64 characters.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,64}")

access_log = logging.getLogger("caribclear.access")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in account's id if the request already looked it up (a liveness probe never does, and
    must not read the session for the access line)."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestContextMiddleware:
    """Gives every request an id of the platform's own (echoed as X-Request-ID) and makes it, the client's
    address and the client's X-Request-ID (kept separately, length-limited) available to the audit trail
    and to every log line written meanwhile (`core.logs`). Counts the request for `/metrics` by route,
    method and status, with its latency, and writes one access line to the `caribclear.access` log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        supplied = request.headers.get("X-Request-ID", "").strip()
        info = RequestInfo(
            request_id=uuid.uuid4().hex,
            client_request_id=supplied if _CLIENT_ID.fullmatch(supplied) else "",
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            method=request.method or "",
            path=request.path[:500],
        )
        request.request_id = info.request_id  # type: ignore[attr-defined]
        token = current_request.set(info)
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            observe_request(request, response.status_code, seconds)
            access_log.info(
                "%s %s %s",
                info.method,
                info.path,
                response.status_code,
                extra={
                    "method": info.method,
                    "path": info.path,
                    "route": getattr(getattr(request, "resolver_match", None), "route", None),
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "user_id": _user_id(request),
                    "ip": info.ip,
                },
            )
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = info.request_id
        return response
