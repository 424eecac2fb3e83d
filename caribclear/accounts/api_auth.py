"""Who may call an API router, declared on the router: `Router(auth=operator_token)`.

A token is a per-account bearer token created under 'API tokens' (officials create theirs in a session
that passed the second factor). A valid token of another role is answered 404, as the pages do: an
endpoint for another role is "not found", like a record one may not see. No token, or a revoked one, is 401.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from .models import User
from .selectors import user_for_api_token


class ApiToken(HttpBearer):
    """Any account's token."""

    openapi_description = "A per-account token created under 'API tokens' (it starts with cc_)."

    def allows(self, user: User) -> bool:
        return True

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # A POST was already authenticated by the idempotency middleware: one token lookup per request.
        user: User | None = (
            request.api_token_user if hasattr(request, "api_token_user") else user_for_api_token(raw=token)
        )
        if user is None:
            return None
        if not self.allows(user):
            raise Http404
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
