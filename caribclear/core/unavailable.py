"""When the database cannot be reached, say so: 503 with ``Retry-After``, never a 500 or a hang.

Django turns an exception raised anywhere under the middleware into the ``handler500`` view; this one
answers a lost database (connection refused, dropped or timed out, a locked SQLite file) with 503 Service
Unavailable: RFC 9457 problem JSON under ``/api/``, a plain page elsewhere. Nothing here reads the
database. A filer's system retries the same request with the same ``Idempotency-Key`` after
``Retry-After`` seconds (doubling the wait on each further 503), so a retry never files twice.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from .problems import problem_response

logger = logging.getLogger(__name__)

#: The errors of a database that is down, restarting, unreachable or (SQLite) locked for too long.
DATABASE_ERRORS = (OperationalError, InterfaceError)


def retry_after_seconds() -> int:
    return int(getattr(settings, "CARIBCLEAR_RETRY_AFTER_SECONDS", 30))


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether an error, or one it was raised from, is the database being out of reach."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def database_unavailable(request: HttpRequest) -> HttpResponse:
    retry_after = str(retry_after_seconds())
    if request.path.startswith("/api/"):
        return problem_response(
            request,
            status=503,
            type_="service-unavailable",
            title="Service temporarily unavailable",
            detail=(
                "The platform cannot reach its database. Send the request again with the same "
                "Idempotency-Key after Retry-After seconds: it is recorded once."
            ),
            headers={"Retry-After": retry_after},
        )
    body = render_to_string(
        "core/unavailable.html",
        {"retry_after": retry_after, "request_id": getattr(request, "request_id", "")},
    )
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a lost database is a 503 the client can retry; anything else stays a 500."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, error)
        return database_unavailable(request)
    return defaults.server_error(request)
