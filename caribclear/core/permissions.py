"""View guards by role. Officials must have passed two-factor verification in this session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from .resume import keep_post

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _guard(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            signed_in = user.is_authenticated and not (
                getattr(user, "needs_second_factor", False) and not user.is_verified()  # type: ignore[attr-defined]
            )
            if not signed_in:
                if request.method == "POST":
                    keep_post(request)  # nothing typed is lost: sent again once signed in (core/resume.py)
                return redirect_to_login(request.get_full_path())
            if not check(user):
                # A page for another role is "not found", like a record one may not see.
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


login_required = _guard(lambda user: True)
operator_required = _guard(lambda user: user.is_operator)
official_required = _guard(lambda user: user.is_official)
supervisor_required = _guard(lambda user: user.is_supervisor)
administrator_required = _guard(lambda user: user.is_administrator)
