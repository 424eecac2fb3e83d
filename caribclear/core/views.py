from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .permissions import supervisor_required
from .selectors import audit_events_for


def home(request: HttpRequest) -> HttpResponse:
    """The start page for visitors; signed-in users go straight to their own work."""
    user = request.user
    if user.is_authenticated:
        if getattr(user, "is_operator", False):
            return redirect("clearance:home")
        return redirect("officer:queue" if getattr(user, "is_official", False) else "training:home")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer, also the baseline of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")


@supervisor_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Who did what, when, to which record, from which request — for the supervisor's administration."""
    events = audit_events_for(actor=request.user)
    filters = {
        "action": request.GET.get("action", "").strip(),
        "who": request.GET.get("who", "").strip(),
        "record": request.GET.get("record", "").strip(),
    }
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["who"]:
        events = events.filter(actor_label__icontains=filters["who"])
    if filters["record"]:
        events = events.filter(object_id=filters["record"])
    page = Paginator(
        events.only("at", "actor_label", "action", "object_type", "object_id", "summary", "request_id", "ip"),
        50,
    ).get_page(request.GET.get("page"))
    return render(request, "core/audit_trail.html", {"page": page, "filters": filters})
