from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .clientip import client_ip
from .context import RequestInfo, current_request

# A client's own correlation id is kept beside ours, never instead of it: printable, at most 64 characters.
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,64}")


class RequestContextMiddleware:
    """Gives every request an id of the platform's own (echoed as X-Request-ID) and makes it, the client's
    address and the client's X-Request-ID (kept separately, length-limited) available to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = info.request_id
        return response
