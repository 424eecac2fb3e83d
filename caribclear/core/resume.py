"""Nothing typed is lost when a session lapses.

A form posted after the session ended (signed out in another tab, the 12-hour session over, the phone
asleep overnight) reaches a guarded view as an anonymous request. Instead of throwing it away, the guard
keeps what was posted in the new session and sends the person to sign in, saying so; when they are back
on the same page, the post is sent again as it was: it completes, or the form comes back filled with its
errors. Files cannot be kept (the page says to choose them again).

What is kept was already checked by Django's CSRF protection when it was posted, is replayed only on the
page it was posted to, only once, within `KEEP_FOR`, and only for the account that was last signed in on
this browser (an HMAC of the account in a long-lived cookie), so someone else signing in on a shared
device neither sees nor sends it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

KEPT = "caribclear_kept_post"
ACCOUNT_COOKIE = "caribclear_account"
KEEP_FOR = 2 * 60 * 60  # seconds
MAX_BYTES = 200_000  # what one form may leave in the session
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def account_mark(user: Any) -> str:
    return salted_hmac("caribclear.resume.account", str(user.pk)).hexdigest()[:32]


def remember_account(request: HttpRequest, response: HttpResponse) -> None:
    """Name (as an HMAC) the account signed in on this browser, for `replay_kept_post`."""
    mark = account_mark(request.user)
    if request.COOKIES.get(ACCOUNT_COOKIE) != mark:
        response.set_cookie(
            ACCOUNT_COOKIE,
            mark,
            max_age=30 * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def keep_post(request: HttpRequest) -> None:
    """Keep an anonymous POST's fields in the session and tell the person what happens next."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in SKIPPED_FIELDS}
    if len(json.dumps(data)) > MAX_BYTES:
        messages.warning(
            request, _("Your session had ended. Sign in again; what you sent was too long to keep.")
        )
        return
    request.session[KEPT] = {
        "path": request.path,
        "data": data,
        "at": time.time(),
        "account": request.COOKIES.get(ACCOUNT_COOKIE, ""),
    }
    if request.FILES:
        messages.info(
            request,
            _(
                "Your session had ended. Sign in again: what you typed is kept and sent when you are back; "
                "choose the file again."
            ),
        )
    else:
        messages.info(
            request,
            _("Your session had ended. Sign in again: what you typed is kept and sent when you are back."),
        )


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not getattr(user, "needs_second_factor", False):
        return True
    # A user signed in during this request (the sign-in view) is not wrapped by the OTP middleware yet:
    # its device, set by `otp_login`, says it passed the second step.
    verified = getattr(user, "is_verified", None)
    return bool(verified()) if callable(verified) else getattr(user, "otp_device", None) is not None


def replay_kept_post(request: HttpRequest) -> bool:
    """On the first visit of the page after signing in again, turn the request into the kept POST."""
    if request.method != "GET" or not _signed_in(request) or KEPT not in request.session:
        return False
    kept = request.session.get(KEPT)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return False
    del request.session[KEPT]
    fresh = time.time() - float(kept.get("at", 0)) <= KEEP_FOR
    same_account = constant_time_compare(str(kept.get("account", "")), account_mark(request.user))
    if not (fresh and same_account):
        return False
    posted = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        posted.setlist(key, [str(value) for value in values])
    posted._mutable = False
    request.method = "POST"
    request.POST = posted  # type: ignore[assignment]
    messages.info(request, _("You are signed in again: what you sent before is sent now."))
    return True


class ResumeMiddleware:
    """Sends a kept POST again (after CSRF, authentication and OTP middleware, before the view and its
    decorators, so a POST-only view takes it too) and remembers which account this browser signed in as."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            remember_account(request, response)
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        replay_kept_post(request)
