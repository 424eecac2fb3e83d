from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .audit_trail import AuditFilterForm, group_by_request
from .permissions import supervisor_required
from .selectors import audit_actors_for, audit_events_for


def home(request: HttpRequest) -> HttpResponse:
    """The start page for visitors; signed-in users go straight to their own work."""
    user = request.user
    if user.is_authenticated:
        if getattr(user, "is_operator", False):
            return redirect("clearance:home")
        if getattr(user, "is_partner", False):  # a partner agency's analyst: their work is the TAXII token
            return redirect("accounts:api_tokens")
        return redirect("officer:queue" if getattr(user, "is_official", False) else "training:home")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare liveness answer, also the baseline of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")


@supervisor_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Who did what, when, to which record, from which request — for the supervisor's administration.
    Actions in words; filters by action, person, dates (UTC days), record and request; the events of
    one request are shown together."""
    events = audit_events_for(actor=request.user)
    form = AuditFilterForm(request.GET, actors=audit_actors_for(actor=request.user))
    # A filter that does not read (a date typed wrongly) shows its error and no events, not all of them.
    events = form.apply(events) if form.is_valid() else events.none()
    page = Paginator(
        events.only(
            "at",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "summary",
            "request_id",
            "ip",
            "method",
            "path",
        ),
        50,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_trail.html",
        {"page": page, "groups": group_by_request(page), "form": form, "query": query.urlencode()},
    )
