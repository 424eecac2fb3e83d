"""Pages of the officials of a member administration: the queue and one notification with its decision."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from caribclear.accounts.choices import Agency
from caribclear.accounts.models import User
from caribclear.core.permissions import official_required
from caribclear.core.searches import search_data, search_save, url_query

from . import officer_selectors as selectors
from .choices import DECIDABLE, Decision, Status
from .documents import audit_travel_document_search, audit_travel_document_views
from .officer_forms import DecisionForm, QueueFilterForm
from .pipeline import overall_status, required_agencies
from .services import clearance_decide
from .versions import version_changes

QUEUE_PAGE_SIZE = 50
QUEUE_SEARCH = "officer.queue"  # the session's saved searches of the queue
QUEUE_PERSONAL = ("person",)  # never read from or written to a URL


class CappedPaginator(Paginator):
    """Counts at most CAP rows: a busy tab answers at once, and says "more than 1,000" instead of
    counting tens of thousands of records nobody pages through. The count (not the list) is kept for
    settings.QUEUE_COUNT_CACHE_SECONDS, so officers paging or refreshing a busy tab do not recount it."""

    CAP = 1000

    def __init__(self, object_list: Any, per_page: int, *, count_key: str = "") -> None:
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        capped: Any = self.object_list[: self.CAP + 1]
        seconds = getattr(settings, "QUEUE_COUNT_CACHE_SECONDS", 0)
        if not seconds or not self.count_key:
            return int(capped.count())
        key = "queue-count:" + hashlib.sha256(self.count_key.encode()).hexdigest()
        return int(cache.get_or_set(key, capped.count, seconds) or 0)

    def page(self, number: Any) -> Any:
        """A full page whatever the kept count says, so a list that grew since is never cut short."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(self.object_list[bottom : bottom + self.per_page], number, self)

    @property
    def is_capped(self) -> bool:
        return self.count > self.CAP


@official_required
def queue(request: HttpRequest) -> HttpResponse:
    """The queue's search is posted, kept in the session and named in the URL by an id (`?search=`), so
    a name or passport number typed into it never reaches a URL (`core/searches.py`); a search by
    document number is logged as a view of each document it finds."""
    user: User = request.user  # type: ignore[assignment]
    assert user.administration is not None
    source = request.POST if request.method == "POST" else request.GET
    tab = source.get("tab", selectors.Tab.EXPECTED)
    if tab not in dict(selectors.TABS):
        tab = selectors.Tab.EXPECTED
    status = 200
    if request.method == "POST":
        form = QueueFilterForm(request.POST, administration=user.administration)
        if form.is_valid():
            filters = form.to_filters()
            if filters.person:
                audit_travel_document_search(
                    actor=user, entries=selectors.documents_searched(user, filters.person)
                )
            search_id = search_save(request, scope=QUEUE_SEARCH, data=request.POST)
            query = url_query(request, personal=QUEUE_PERSONAL, tab=tab, search=search_id)
            return redirect(f"{reverse('officer:queue')}?{query.urlencode()}")
        status = 400  # the form comes back with what was typed and its errors
    else:
        form = QueueFilterForm(
            search_data(request, scope=QUEUE_SEARCH, personal=QUEUE_PERSONAL),
            administration=user.administration,
        )
    if form.is_valid():
        notifications = selectors.queue(user=user, tab=tab, filters=form.to_filters())
    else:
        notifications = selectors.notifications_for_official(user).none()
    data: QueryDict = form.data  # type: ignore[assignment]
    filters_key = sorted((k, v) for k, v in data.lists() if k not in ("page", "csrfmiddlewaretoken"))
    count_key = repr((user.administration_id, tab, filters_key))
    page = CappedPaginator(notifications, QUEUE_PAGE_SIZE, count_key=count_key).get_page(
        request.GET.get("page")
    )
    query = url_query(request, personal=QUEUE_PERSONAL, tab=tab)
    filters_query = query.copy()
    filters_query.pop("tab", None)
    return render(
        request,
        "clearance/officer/queue.html",
        {
            "tab": tab,
            "tabs": selectors.TABS,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filters_query": filters_query.urlencode(),
            "now": timezone.now(),
        },
        status=status,
    )


def _version_number(request: HttpRequest) -> int | None:
    """The version asked for (`?version=2`); None for the latest. Anything else is not found."""
    raw = request.GET.get("version", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


@official_required
def notification_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    notification = selectors.notification_for_official(user=user, reference=reference)
    clearances = {clearance.agency: clearance for clearance in notification.clearances.all()}
    own = clearances.get(user.agency)

    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                clearance_decide(
                    actor=user,
                    notification=notification,
                    decision=form.cleaned_data["decision"],
                    remarks=form.cleaned_data["remarks"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect("officer:notification_detail", reference=notification.reference)
        status = 400
    else:
        initial = {}
        if own is not None and own.decision != Decision.PENDING:
            initial = {"decision": own.decision, "remarks": own.remarks}
        form = DecisionForm(initial=initial)
        status = 200

    required = required_agencies(notification)
    agency_rows = [
        {
            "agency": agency,
            "label": label,
            "required": agency in required,
            "clearance": clearances.get(agency),
        }
        for agency, label in Agency.choices
        if agency in required or agency in clearances
    ]
    filed = selectors.notification_as_filed(notification=notification, version=_version_number(request))
    people = selectors.people_with_history(user=user, notification=notification, filed=filed)
    audit_travel_document_views(actor=user, notification=notification, entries=[p.entry for p in people])
    return render(
        request,
        "clearance/officer/detail.html",
        {
            "notification": notification,
            "filed": filed.filed,
            "shown": filed,
            "vessel": filed.vessel,
            "weapons": filed.weapons,
            "people": people,
            "versions": [
                {"version": version, "changes": version_changes(version)} for version in filed.versions
            ],
            "agency_rows": agency_rows,
            "pipeline_status": Status(
                overall_status({agency: c.decision for agency, c in clearances.items()}, required)
            ),
            "own_clearance": own,
            "can_decide": notification.status in DECIDABLE,
            "Status": Status,
            "form": form,
            "vessel_history": selectors.vessel_voyage_history(user=user, notification=notification),
            "history_limit": selectors.VOYAGE_HISTORY_LIMIT,
        },
        status=status,
    )
