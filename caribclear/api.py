"""The REST API for agents' systems and apps: one NinjaAPI, token auth, RFC 9457 errors.

Each app adds its router in `register_routers()`; routers declare their role (`accounts.api_auth`) and
build on the kit in `core.api_kit`. The OpenAPI 3 document is at /api/openapi.json and the interactive
documentation at /api/docs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from caribclear.accounts.api_auth import InsufficientScope, any_token
from caribclear.core.api_kit import ProblemApi
from caribclear.core.problems import problem_response

api = ProblemApi(
    title="CaribClear API",
    version="1",
    description=(
        "Vessels, people on board and advance arrival/departure notifications for the CCLEC member "
        "administrations. Every POST that files or changes something needs an `Idempotency-Key` header "
        "(the `/search` endpoints, which take their terms in the body to keep names out of URLs and server "
        "logs, need none and keep nothing); errors are RFC 9457 problem JSON "
        "(`application/problem+json`); a record the caller may not see is a 404, like a missing one.\n\n"
        "**Retrying.** When the platform cannot answer (a 503 problem, a 502 or 504 from a proxy, a timeout "
        "or a dropped connection), send the same request again with the **same `Idempotency-Key`**: an "
        "earlier attempt that did reach the platform is then answered with its stored result, never filed "
        "twice (keys are kept 24 hours). Wait as the answer's `Retry-After` header says (seconds) when it "
        "has one; otherwise back off exponentially with jitter: a random wait between 0 and "
        "min(300, 2 × 2^attempt) seconds (2, 4, 8 ... capped at 5 minutes), for as long as the filing "
        "deadline allows. A 409 means an attempt with that key is still running: wait and resend the same. "
        "Do not retry a 4xx other than 408, 409 and 429 without changing the request; a new filing gets a "
        "new key. Every answer carries `X-Request-ID`: quote it when reporting a problem."
    ),
    auth=any_token,  # each router narrows it to a role
    urls_namespace="api",
)


def _location(loc: Any) -> str:
    """The field as the client wrote it: a body's fields are named from the body's top (the view's name for
    the body, ``payload`` or ``search``, is not in what the client sent)."""
    loc = list(loc)
    if loc[:1] == ["body"] and len(loc) > 2:
        loc = loc[2:]
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts)


def _message(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "Unknown field: this request has no such field (the fields are listed at /api/docs)"
    return str(err.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _location(err.get("loc", [])), "message": _message(err), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return problem_response(
        request,
        status=422,
        type_="validation-error",
        title="The request is not valid",
        detail="; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors),
        errors=errors,
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if field == "__all__" else field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": str(message)} for message in exc.messages]
    return problem_response(
        request,
        status=422,
        type_="validation-error",
        title="The request is not valid",
        detail="; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors),
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        type_="unauthenticated",
        title="Authentication required",
        detail=(
            "Send a valid API token as 'Authorization: Bearer <token>'. Tokens expire and can be revoked: "
            "create a new one under 'API tokens'."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="caribclear"'},
    )


@api.exception_handler(InsufficientScope)
def on_insufficient_scope(request: HttpRequest, exc: InsufficientScope) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        type_="insufficient-scope",
        title="The token lacks a scope",
        detail=(
            f"This operation needs a token with the '{exc.scope}' scope. Create one under 'API tokens' "
            "(the intel scope only in a session signed in with an authenticator code)."
        ),
        headers={
            "WWW-Authenticate": f'Bearer realm="caribclear", error="insufficient_scope", scope="{exc.scope}"'
        },
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request,
        status=404,
        type_="not-found",
        title="Not found",
        detail="There is no such record, or it is not yours to see.",
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # Not "forbidden": a record one may not see is simply not found.
    return on_not_found(request, Http404())


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, status=exc.status_code, detail=str(exc))


def register_routers() -> None:
    """Attach each app's router (its `api.router`). Called once from urls.py."""
    from importlib import import_module

    for app, prefix in API_ROUTERS:
        api.add_router(prefix, import_module(f"caribclear.{app}.api").router)


# (app, URL prefix) of the routers that make up the API; an app adds its line when it has a router.
API_ROUTERS: list[tuple[str, str]] = [
    ("clearance", "/"),
    ("vessels", "/"),
    ("intel", "/intel"),
    ("risk", "/risk"),
    ("training", "/training"),
    ("cargo", "/cargo"),
    ("passengers", "/passengers"),
    ("valuation", "/valuation"),
]
