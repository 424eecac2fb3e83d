"""Template context the whole site uses: what the navigation needs to know of the signed-in operator's
organisations, asked once per request and only when a page shows the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import OrganisationNav, organisation_nav


def organisation(request: HttpRequest) -> dict[str, Any]:
    def answer() -> OrganisationNav:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return OrganisationNav()
        return organisation_nav(user)

    return {"organisation_nav": SimpleLazyObject(answer)}
