"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://caribclear.org/problems/"


def problem_response(
    request: HttpRequest | None,
    *,
    status: int,
    title: str | None = None,
    detail: str = "",
    type_: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + type_ if type_ else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.path
        request_id = getattr(request, "request_id", None)
        if request_id:
            body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    body.update(extensions)
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class ApiProblemMiddleware:
    """Under /api/, an error answered by Django itself (an unknown URL, a method the endpoint does not
    allow, a server error) still reaches the client as RFC 9457 problem JSON."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        if content_type.startswith(PROBLEM_CONTENT_TYPE):
            return response
        headers = {
            name: response[name] for name in ("Allow", "Retry-After", "WWW-Authenticate") if name in response
        }
        detail = {
            404: "There is no such endpoint or record.",
            405: f"This endpoint does not accept {request.method}.",
        }.get(response.status_code, "")
        return problem_response(request, status=response.status_code, detail=detail, headers=headers)
