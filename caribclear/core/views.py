from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from .audit_trail import AuditFilterForm, group_by_request
from .health import readiness
from .metrics import exposition, metrics_allowed
from .permissions import supervisor_required
from .selectors import audit_actors_for, audit_events_for
from .start import operator_start


def home(request: HttpRequest) -> HttpResponse:
    """The start page for visitors; signed-in users go straight to their own work."""
    user = request.user
    if user.is_authenticated:
        if getattr(user, "is_operator", False):
            return redirect(operator_start(user))
        if getattr(user, "is_partner", False):  # a partner agency's analyst: their work is the TAXII token
            return redirect("accounts:api_tokens")
        return redirect("officer:queue" if getattr(user, "is_official", False) else "training:home")
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches neither the database nor the session, so a restart is
    never triggered by a database outage; also the baseline of the load benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database answers and the job queue's table can be read, else 503; a small
    JSON body with each check and the queue's depth and oldest age (`core/health.py`)."""
    ok, body = readiness()
    response = JsonResponse(body, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    if not ok:
        response["Retry-After"] = "5"
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (`core/metrics.py`), for the scraper with the token or from an allowed address;
    a 404 while neither is configured, a 403 for anyone else."""
    allowed = metrics_allowed(request)
    if allowed is None:
        raise Http404
    if not allowed:
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    response = HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


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
