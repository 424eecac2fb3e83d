from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestInfo, current_request


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and makes it available to the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if 8 <= len(supplied) <= 64 and supplied.replace("-", "").isalnum() else ""
        info = RequestInfo(
            request_id=request_id or uuid.uuid4().hex,
            ip=request.META.get("REMOTE_ADDR", "") or "",
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
