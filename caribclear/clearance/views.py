"""The operator's pages: my voyages, a new notification, its details, change, submit and cancel.

Thin views: parse the form, call one service, render. A notification of another account is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.core.permissions import operator_required
from caribclear.vessels import selectors as vessel_selectors

from . import selectors, services
from .choices import DECIDED, Status
from .expiry import expired_on_board
from .forms import CancelForm, NotificationForm, StartFromLastVoyageForm
from .models import Notification
from .versions import version_changes

SUBMIT = "submit"
RECEIPT = "clearance.receipt"
SAVED_FROM = "clearance.saved_from"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@operator_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "clearance/operator/home.html",
        {
            "groups": selectors.my_voyages(user),
            "unfinished": _unfinished_rows(user),
            # After a draft kept as typed, the phone drops its local copy of the form (keep-local.js).
            "saved_from": request.session.pop(SAVED_FROM, ""),
            "has_vessels": vessel_selectors.vessels_for(user).exists(),
            "can_start_from_last": selectors.vessels_with_a_voyage(user).exists(),
            "Status": Status,
        },
    )


@operator_required
def notification_new(request: HttpRequest) -> HttpResponse:
    """A new notification; "Save as draft" keeps whatever is filled (a draft kept as typed until it has
    a vessel, kind, port and time: `?unfinished=<id>` continues it)."""
    user = _user(request)
    kept_id = request.POST.get("unfinished") or request.GET.get("unfinished")
    unfinished = selectors.unfinished_draft_for(user, kept_id) if kept_id else None
    submitting = request.POST.get("action") == SUBMIT
    if request.method == "POST" and not submitting and _lacks_what_a_notification_needs(request):
        unfinished = services.unfinished_save(
            actor=user, data=dict(request.POST.lists()), unfinished=unfinished
        )
        request.session[SAVED_FROM] = request.path  # the phone may drop its local copy
        messages.success(
            request,
            _(
                "Draft saved. It gets its reference once the vessel, arrival or departure, port and time are given."
            ),
        )
        return redirect("clearance:home")
    initial = unfinished.data if unfinished is not None and request.method != "POST" else None
    form = NotificationForm(
        _posted(request),
        user=user,
        submitting=submitting,
        initial={name: values[-1] for name, values in initial.items() if values} if initial else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.is_visit:
                notification, _departure = services.visit_file(
                    actor=user,
                    data=form.voyage_data(),
                    people=form.cleaned_data["people"],
                    departs_at=form.cleaned_data["departs_at"],
                    submit=submitting,
                    replaces=unfinished,
                )
            else:
                notification = services.notification_create(
                    actor=user,
                    data=form.voyage_data(),
                    people=form.cleaned_data["people"],
                    submit=submitting,
                    replaces=unfinished,
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _done(request, notification, submitted=submitting)
            return redirect("clearance:notification_detail", notification.reference)
    return render(
        request,
        "clearance/operator/form.html",
        {"form": form, "notification": None, "unfinished": unfinished, "Status": Status},
    )


@require_POST
@operator_required
def unfinished_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    services.unfinished_discard(actor=user, unfinished=selectors.unfinished_draft_for(user, pk))
    messages.success(request, _("The unfinished draft is discarded."))
    return redirect("clearance:home")


@operator_required
def notification_change(request: HttpRequest, reference: str) -> HttpResponse:
    """A draft is changed (and may be submitted); a submitted notification is amended: a new version."""
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    if not selectors.can_change(notification):
        messages.warning(request, _("This notification can no longer be changed."))
        return redirect("clearance:notification_detail", notification.reference)
    is_draft = notification.status == Status.DRAFT
    submitting = request.POST.get("action") == SUBMIT or not is_draft
    form = NotificationForm(_posted(request), user=user, instance=notification, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        try:
            if is_draft:
                notification = services.notification_update(
                    actor=user,
                    notification=notification,
                    data=form.voyage_data(),
                    people=form.cleaned_data["people"],
                    submit=submitting,
                )
            else:
                notification = services.notification_amend(
                    actor=user,
                    notification=notification,
                    data=form.voyage_data(),
                    people=form.cleaned_data["people"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if is_draft:
                _done(request, notification, submitted=submitting)
            else:
                request.session[SAVED_FROM] = request.path
                messages.success(
                    request,
                    _("Amendment filed: this is now version %(version)s.")
                    % {"version": notification.version},
                )
            return redirect("clearance:notification_detail", notification.reference)
    return render(
        request,
        "clearance/operator/form.html",
        {"form": form, "notification": notification, "Status": Status},
    )


@operator_required
def notification_detail(request: HttpRequest, reference: str) -> HttpResponse:
    notification = selectors.notification_for(_user(request), reference)
    context = _detail_context(notification)
    context["receipt"] = request.session.get(RECEIPT) == notification.reference
    if context["receipt"]:
        del request.session[RECEIPT]
    context["saved_from"] = request.session.pop(SAVED_FROM, "")
    return render(request, "clearance/operator/detail.html", context)


@require_POST
@operator_required
def notification_submit(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    try:
        notification = services.notification_submit(actor=user, notification=notification)
    except ValidationError as error:
        context = _detail_context(notification)
        context["problems"] = _messages_of(error)
        return render(request, "clearance/operator/detail.html", context)
    _done(request, notification, submitted=True)
    return redirect("clearance:notification_detail", notification.reference)


@operator_required
def notification_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    notification = selectors.notification_for(user, reference)
    if not selectors.can_change(notification):
        messages.warning(request, _("This notification can no longer be cancelled."))
        return redirect("clearance:notification_detail", notification.reference)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_cancel(
                actor=user, notification=notification, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Notification %(reference)s is cancelled.") % {"reference": reference}
            )
            return redirect("clearance:home")
    return render(request, "clearance/operator/cancel.html", {"form": form, "notification": notification})


@operator_required
def start_from_last_voyage(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = StartFromLastVoyageForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notification = services.notification_start_from_last_voyage(
                actor=user,
                vessel=data["vessel"],
                kind=data["kind"],
                port=data["port"],
                expected_at=data["expected_at"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Draft %(reference)s started from the last voyage. Check each answer and the declaration.")
                % {"reference": notification.reference},
            )
            return redirect("clearance:notification_change", notification.reference)
    return render(request, "clearance/operator/start_from_last.html", {"form": form})


# --- Helpers -----------------------------------------------------------------------------------------


# Without these a notification cannot exist yet (its reference, administration and registries follow
# from them); a draft missing any of them is kept as typed.
WHAT_A_NOTIFICATION_NEEDS = ("vessel", "kind", "port", "expected_at")


def _lacks_what_a_notification_needs(request: HttpRequest) -> bool:
    return any(not request.POST.get(name, "").strip() for name in WHAT_A_NOTIFICATION_NEEDS)


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one, so it shows its errors), None otherwise."""
    return request.POST if request.method == "POST" else None


def _add_errors(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, found in error.message_dict.items():
        for message in found:
            form.add_error(field if field in form.fields else None, message)


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for found in error.message_dict.values() for message in found]
    return list(error.messages)


def _done(request: HttpRequest, notification: Notification, *, submitted: bool) -> None:
    # The server has what was typed: the page that follows tells the phone to drop its local copy.
    request.session[SAVED_FROM] = request.path
    if submitted:
        # The notification's page opens as the receipt (reference, port, time, what happens next), once.
        request.session[RECEIPT] = notification.reference
    else:
        messages.success(
            request,
            _("Draft saved as %(reference)s. Submit it when it is complete.")
            % {"reference": notification.reference},
        )


def _unfinished_rows(user: User) -> list[dict[str, Any]]:
    """Each draft kept as typed, with its vessel's name and what it still needs, for My voyages."""
    vessels = {str(v.pk): v.name for v in vessel_selectors.vessels_for(user)}
    labels = {
        "vessel": _("the vessel"),
        "kind": _("arrival or departure"),
        "port": _("the port of entry"),
        "expected_at": _("the date and time"),
    }
    return [
        {
            "record": record,
            "vessel": vessels.get(record.value("vessel"), ""),
            "missing": [labels[name] for name in WHAT_A_NOTIFICATION_NEEDS if not record.value(name).strip()],
        }
        for record in selectors.unfinished_drafts_for(user)[:50]
    ]


def _detail_context(notification: Notification) -> dict[str, Any]:
    versions = list(notification.versions.all())
    return {
        "notification": notification,
        "people": list(notification.people_on_board.all()),
        "agencies": selectors.agency_statuses(notification),
        "versions": [(version, version_changes(version)) for version in versions],
        # A warning for the captain while it can still be acted on; gone once decided.
        "expired": [] if notification.status in DECIDED else expired_on_board(notification),
        "can_change": selectors.can_change(notification),
        "is_draft": notification.status == Status.DRAFT,
        "is_cleared": notification.status == Status.CLEARED,
        "problems": [],
        "Status": Status,
    }
