"""The owner's page of the WCO CEN export: mark seizures for CEN, download the file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caribclear.accounts.models import User
from caribclear.core.csv_export import csv_response
from caribclear.core.permissions import login_required

from . import cen


def _supervisor(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_supervisor or user.administration_id is None:
        raise Http404
    return user


@login_required
def cen_page(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    seizures = cen.own_seizures(user=user).select_related("cen_mark")[:500]
    return render(request, "partners/cen.html", {"seizures": seizures, "columns": cen.COLUMNS})


@login_required
@require_POST
def cen_mark(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    user = _supervisor(request)
    seizure = cen.own_seizures(user=user).filter(reference=reference.strip().upper()).first()
    if seizure is None or action not in ("mark", "unmark"):
        raise Http404
    try:
        if action == "mark":
            cen.seizure_mark_for_cen(actor=user, seizure=seizure)
            messages.success(request, _("%(reference)s goes to CEN.") % {"reference": seizure.reference})
        else:
            cen.seizure_unmark_for_cen(actor=user, seizure=seizure)
            messages.success(
                request, _("%(reference)s no longer goes to CEN.") % {"reference": seizure.reference}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect("partners:cen")


@login_required
def cen_file(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    assert user.administration is not None
    stamp = timezone.now().strftime("%Y%m%d")
    response, writer = csv_response(f"cen-seizures-{user.administration.code}-{stamp}.csv")
    writer.writerows(cen.cen_rows(user=user))
    return response
