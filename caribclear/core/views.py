from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what each kind of user can do next."""
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer, also the baseline of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")
