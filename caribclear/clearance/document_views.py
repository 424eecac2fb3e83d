"""Certificates and crew lists of cleared notifications, and the public certificate verification page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from caribclear.accounts.models import User
from caribclear.core.permissions import login_required

from . import officer_selectors as selectors
from .choices import Status
from .documents import audit_travel_document_views, certificate_pdf, crew_list_pdf
from .expiry import expired_on_board


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    notification = selectors.notification_for_documents(user=user, reference=reference)
    return _pdf_response(certificate_pdf(notification), f"clearance-{notification.reference}.pdf")


def _crew_list(request: HttpRequest, reference: str, *, as_pdf: bool) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    notification = selectors.notification_for_documents(user=user, reference=reference)
    entries = list(notification.people_on_board.all())
    audit_travel_document_views(actor=user, notification=notification, entries=entries)
    if as_pdf:
        return _pdf_response(crew_list_pdf(notification), f"crew-list-{notification.reference}.pdf")
    response = render(
        request,
        "clearance/documents/crew_list.html",
        {
            "notification": notification,
            "vessel": notification.vessel,
            "entries": entries,
            "expired": expired_on_board(notification),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def crew_list(request: HttpRequest, reference: str) -> HttpResponse:
    return _crew_list(request, reference, as_pdf=request.GET.get("format") == "pdf")


@login_required
def crew_list_pdf_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _crew_list(request, reference, as_pdf=True)


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: is the certificate with this QR code valid? No personal data, whoever asks."""
    notification = selectors.notification_by_token(token)
    if notification is None:
        return render(request, "clearance/documents/verify.html", {"notification": None}, status=404)
    return render(
        request,
        "clearance/documents/verify.html",
        {
            "notification": notification,
            "valid": notification.status == Status.CLEARED,
        },
    )
