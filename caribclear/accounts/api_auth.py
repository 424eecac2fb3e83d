"""Who may call an API router, declared on the router: `Router(auth=operator_token)`.

A token is a per-account bearer token created under 'API tokens' (officials create theirs in a session
that passed the second factor). A valid token of another role is answered 404, as the pages do: an
endpoint for another role is "not found", like a record one may not see. No token, or a revoked or expired
one, is 401.

Each token carries scopes (`TokenScope`): `read` for GET, `file` for every other method, and a router with an
`area` (intelligence) needs that scope for everything. A token without the scope an operation needs is a
403 problem naming the scope (RFC 6750 `insufficient_scope`): the caller may use this endpoint with another
token, so it says nothing about any record.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from .choices import TokenScope
from .models import User
from .selectors import user_for_api_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InsufficientScope(Exception):
    """The token is valid but lacks the scope this operation needs (answered 403 by the API)."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


class ApiToken(HttpBearer):
    """Any account's token."""

    openapi_description = (
        "A per-account token created under 'API tokens' (it starts with cc_). It expires, and carries scopes:"
        " `read` for GET, `file` for the other methods, `intel` for everything under /api/intel."
    )

    def __init__(self, *, area: str | None = None) -> None:
        super().__init__()
        self.area = area

    def allows(self, user: User) -> bool:
        return True

    def required_scope(self, request: HttpRequest) -> str:
        if self.area:
            return self.area
        return TokenScope.READ if request.method in SAFE_METHODS else TokenScope.FILE

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A POST was already authenticated by the idempotency middleware: one token lookup per request.
        user: User | None = (
            request.api_token_user if hasattr(request, "api_token_user") else user_for_api_token(raw=token)
        )
        if user is None:
            return None
        if not self.allows(user):
            raise Http404
        api_token = getattr(user, "api_token", None)
        scope = self.required_scope(request)
        if api_token is None or not api_token.has_scope(scope):
            raise InsufficientScope(scope)
        request.user = user
        return user


class OperatorToken(ApiToken):
    """The token of a yacht operator (captain, owner or agent)."""

    def allows(self, user: User) -> bool:
        return user.is_operator


class OfficialToken(ApiToken):
    """The token of an official of a member administration."""

    def allows(self, user: User) -> bool:
        return user.is_official


any_token = ApiToken()
operator_token = OperatorToken()
official_token = OfficialToken()
intel_token = OfficialToken(area=TokenScope.INTEL)
