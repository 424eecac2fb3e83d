"""Pages of partner sharing: the owner's WCO CEN export (mark seizures, download the file); the
secretariat's partner agencies (their agreements and analysts); what came in from partners (upload a STIX
bundle, see each alert it became with its source and TLP); subscriptions to partners' TAXII collections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from caribclear.accounts.models import User
from caribclear.core.csv_export import csv_response
from caribclear.core.permissions import login_required

from . import cen, selectors, services
from .forms import AgreementForm, BundleUploadForm, PartnerAgencyForm, PartnerAnalystForm, SubscriptionForm
from .subscriptions import collection_url, poll_on_commit, subscription_create, subscription_set_active


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


# --- Partner agencies (the secretariat) ----------------------------------------------------------------


def _secretariat(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_secretariat:
        raise Http404
    return user


def _terms(form: AgreementForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "legal_basis": data["legal_basis"],
        "signed_on": data["signed_on"],
        "expires_on": data.get("expires_on"),
        "categories": data["categories"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def agencies(request: HttpRequest) -> HttpResponse:
    user = _secretariat(request)
    form = PartnerAgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.partner_agency_create(
                actor=user, name=form.cleaned_data["name"], **_terms(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": agency.name})
            return redirect("partners:agency", code=agency.code)
    today = timezone.localdate()
    rows = [(a, a.in_force_on(today)) for a in selectors.partner_agencies(user=user)]
    return render(request, "partners/agencies.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def agency(request: HttpRequest, code: str) -> HttpResponse:
    user = _secretariat(request)
    agreement = selectors.partner_agreement_get(user=user, code=code)
    posted = request.POST.get("form") if request.method == "POST" else None
    terms = AgreementForm(
        request.POST if posted == "terms" else None,
        initial={
            "legal_basis": agreement.legal_basis,
            "signed_on": agreement.signed_on,
            "expires_on": agreement.expires_on,
            "categories": agreement.categories,
        },
        prefix="terms",
    )
    analyst = PartnerAnalystForm(request.POST if posted == "analyst" else None, prefix="analyst")
    if posted == "terms" and terms.is_valid():
        try:
            services.partner_agreement_update(actor=user, agreement=agreement, **_terms(terms))
        except ValidationError as error:
            terms.add_error(None, error)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("partners:agency", code=agreement.organisation.code)
    if posted == "analyst" and analyst.is_valid():
        try:
            account = services.partner_account_create(
                actor=user, agency=agreement.organisation, **analyst.cleaned_data
            )
        except ValidationError as error:
            analyst.add_error(None, error)
        else:
            messages.success(
                request, _("%(email)s is added and gets a link to set a password.") % {"email": account.email}
            )
            return redirect("partners:agency", code=agreement.organisation.code)
    return render(
        request,
        "partners/agency.html",
        {
            "agreement": agreement,
            "in_force": agreement.in_force_on(timezone.localdate()),
            "terms": terms,
            "analyst": analyst,
            "analysts": selectors.partner_analysts(agreement=agreement),
        },
    )


# --- Received from partners (officials of a member) -----------------------------------------------------


def _official(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_official or user.administration_id is None:
        raise Http404
    return user


@login_required
@require_http_methods(["GET", "POST"])
def received(request: HttpRequest) -> HttpResponse:
    """What came in from partner agencies, each with its source and TLP; supervisors upload bundles."""
    user = _official(request)
    form = BundleUploadForm(request.POST or None, request.FILES or None) if user.is_supervisor else None
    problems: list[str] = []
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            result = services.bundle_take_in(
                actor=user, source=form.cleaned_data["source"], content=form.cleaned_data["bundle"].read()
            )
        except ValidationError as error:
            problems = error.messages
        else:
            problems = result.problems
            if result.created or result.skipped:
                messages.success(
                    request,
                    _("%(created)s alerts made; %(skipped)s already taken in.")
                    % {"created": len(result.created), "skipped": len(result.skipped)},
                )
                return redirect("partners:received")
    elif request.method == "POST" and form is None:
        raise Http404
    return render(
        request,
        "partners/received.html",
        {"rows": selectors.received_objects(user=user)[:500], "form": form, "problems": problems},
    )


# --- Subscriptions to partners' TAXII collections -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    """The administration's subscriptions to partners' TAXII collections; supervisors add them."""
    user = _official(request)
    form = SubscriptionForm(request.POST or None) if user.is_supervisor else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                created = subscription_create(actor=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The subscription is saved; its first poll is under way."))
                return redirect("partners:subscription", pk=created.pk)
    return render(
        request,
        "partners/subscriptions.html",
        {"rows": selectors.subscriptions(user=user), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request: HttpRequest, pk: int) -> HttpResponse:
    """One subscription: its last poll (when, how many alerts, the error), and a supervisor's actions."""
    user = _official(request)
    found = selectors.subscription_get(user=user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if not user.is_supervisor or action not in ("poll", "stop", "resume"):
            raise Http404
        if action == "poll" and not found.is_active:
            raise Http404
        if action == "poll":
            poll_on_commit(found.pk)
            messages.success(request, _("A poll is under way."))
        else:
            subscription_set_active(actor=user, subscription=found, active=action == "resume")
            messages.success(request, _("Polling resumed.") if action == "resume" else _("Polling stopped."))
        return redirect("partners:subscription", pk=found.pk)
    return render(
        request,
        "partners/subscription.html",
        {"subscription": found, "url": collection_url(found), "can_change": user.is_supervisor},
    )
