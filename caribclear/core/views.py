from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse


def home(request: HttpRequest) -> HttpResponse:
    """The start page for visitors; signed-in users go straight to their own work."""
    user = request.user
    if user.is_authenticated:
        target = "clearance:home" if getattr(user, "is_operator", False) else "officer:queue"
        try:
            return redirect(reverse(target))
        except NoReverseMatch:
            pass
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer, also the baseline of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")
