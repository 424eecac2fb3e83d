from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caribclear.accounts.models import User
from caribclear.core.permissions import official_required, supervisor_required
from caribclear.core.searches import SEARCH_PARAM, search_data, search_save, url_query

from . import selectors, services
from .engine.figures import threshold_figures
from .forms import (
    ListFilesForm,
    LookoutForm,
    SearchForm,
    WatchlistCreateForm,
    WatchlistSettingsForm,
    WithdrawForm,
)
from .list_files import save_list_files
from .models import Lookout, Watchlist


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _reviewing(request: HttpRequest) -> bool:
    """A sharing form posted to see who would screen against the list, not to save it."""
    return request.POST.get("action") == "review"


def _import(user: User, watchlist: Watchlist, files: dict[str, UploadedFile | None]) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path, name = save_list_files(Path(tmp), watchlist.source_format, files)
        return services.watchlist_import(actor=user, watchlist=watchlist, path=path, file_name=name)


# --- Watchlists -----------------------------------------------------------------------------------------
@official_required
def watchlists(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lists = selectors.watchlists_usable_by(user.administration).order_by("name")
    return render(request, "screening/watchlists.html", {"watchlists": lists})


@supervisor_required
def watchlist_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = WatchlistCreateForm(
        request.POST or None, request.FILES or None, administration=user.administration
    )
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                watchlist = services.watchlist_create(
                    actor=user,
                    name=data["name"],
                    source_format=data["source_format"],
                    owner=user.administration,
                    sharing=data["sharing"],
                    shared_with=list(data["shared_with"]),
                    threshold=data["threshold"],
                    description=data["description"],
                )
                version = _import(user, watchlist, {k: data.get(k) for k in ("file", "alt_file", "add_file")})
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(count)s entries imported.") % {"count": version.entity_count})
            return redirect("screening:version", pk=version.pk)
    return render(
        request, "screening/watchlist_form.html", {"form": form}, status=400 if form.errors else 200
    )


WATCHLIST_SEARCH = "screening.watchlist"


@official_required
def watchlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        watchlist = selectors.watchlist_for_user(user, pk)
    except Watchlist.DoesNotExist as error:
        raise Http404 from error
    can_upload = (
        user.is_supervisor and watchlist.owner_id == user.administration_id and not watchlist.is_lookouts
    )
    scope = f"{WATCHLIST_SEARCH}.{watchlist.pk}"
    searching = request.method == "POST" and request.POST.get("action") == "search"
    uploading = request.method == "POST" and not searching
    if searching:
        # A name searched in a list is posted and kept in the session, never put in a URL.
        search = SearchForm(request.POST)
        if search.is_valid():
            search_id = search_save(request, scope=scope, data=request.POST)
            here = reverse("screening:watchlist", args=[watchlist.pk])
            return redirect(f"{here}?{SEARCH_PARAM}={search_id}")
    else:
        search = SearchForm(search_data(request, scope=scope, personal=("q",)))
    upload_form = ListFilesForm(request.POST if uploading else None, request.FILES if uploading else None)
    if uploading:
        if not can_upload:
            raise Http404
        if upload_form.is_valid():
            try:
                version = _import(
                    user,
                    watchlist,
                    {k: upload_form.cleaned_data.get(k) for k in ("file", "alt_file", "add_file")},
                )
            except ValidationError as error:
                _apply_errors(upload_form, error)
            else:
                messages.success(request, _("Version %(number)s imported.") % {"number": version.number})
                return redirect("screening:version", pk=version.pk)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if watchlist.is_lookouts:
        lookouts = selectors.lookouts_visible_to(user.administration).filter(watchlist=watchlist)
        if query:
            lookouts = lookouts.filter(name__icontains=query)
        page: Any = Paginator(lookouts.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    else:
        page = Paginator(selectors.watchlist_entries(watchlist, search=query), 50).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "screening/watchlist_detail.html",
        {
            "watchlist": watchlist,
            "versions": selectors.watchlist_versions(watchlist)[:20],
            "page": page,
            "search": search,
            "query": url_query(request, personal=("q",)).urlencode(),
            "can_upload": can_upload,
            "upload_form": upload_form,
            "threshold_figure": figures.at(watchlist.threshold) if (figures := threshold_figures()) else None,
        },
        status=400 if upload_form.errors or search.errors else 200,
    )


@supervisor_required
def watchlist_settings(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    watchlist = selectors.watchlist_to_change(user, pk)
    initial = {
        "sharing": watchlist.sharing,
        "shared_with": list(watchlist.shared_with.all()),
        "threshold": watchlist.threshold,
        "is_active": watchlist.is_active,
    }
    form = WatchlistSettingsForm(request.POST or None, initial=initial, administration=user.administration)
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        data = form.cleaned_data
        try:
            services.watchlist_update(
                actor=user,
                watchlist=watchlist,
                sharing=data["sharing"],
                shared_with=list(data["shared_with"]),
                threshold=data["threshold"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The list's settings are saved."))
            return redirect("screening:watchlist", pk=watchlist.pk)
    figures = threshold_figures()
    return render(
        request,
        "screening/watchlist_settings.html",
        {
            "form": form,
            "watchlist": watchlist,
            "figures": figures,
            "current_figure": figures.at(watchlist.threshold) if figures else None,
        },
        status=400 if form.errors else 200,
    )


@official_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    version = selectors.version_for_user(user, pk)
    return render(
        request, "screening/version_detail.html", {"version": version, "watchlist": version.watchlist}
    )


# --- Lookouts -------------------------------------------------------------------------------------------
LOOKOUT_SEARCH = "screening.lookouts"


@official_required
def lookouts(request: HttpRequest) -> HttpResponse:
    """The lookouts; a search by name is posted and kept in the session (`core/searches.py`), so the name
    of a wanted person never reaches a URL."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        search = SearchForm(request.POST)
        if search.is_valid():
            search_id = search_save(request, scope=LOOKOUT_SEARCH, data=request.POST)
            return redirect(f"{reverse('screening:lookouts')}?{SEARCH_PARAM}={search_id}")
    else:
        search = SearchForm(search_data(request, scope=LOOKOUT_SEARCH, personal=("q",)))
    qs = selectors.lookouts_visible_to(user.administration).order_by("-created_at")
    if search.is_valid() and search.cleaned_data["q"]:
        qs = qs.filter(name__icontains=search.cleaned_data["q"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = url_query(request, personal=("q",))
    return render(
        request,
        "screening/lookouts.html",
        {"page": page, "search": search, "query": query.urlencode()},
        status=400 if search.errors else 200,
    )


def _lookout_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "name": data["name"],
        "aliases": data["aliases"],
        "birth_date": data["birth_date"],
        "nationalities": data["nationalities"],
        "gender": data["gender"],
        "document_numbers": data["document_numbers"],
        "flag": data["flag"],
        "imo_number": data["imo_number"],
        "mmsi": data["mmsi"],
        "call_sign": data["call_sign"],
        "reason": data["reason"],
        "valid_from": data["valid_from"],
        "valid_until": data["valid_until"],
        "sharing": data["sharing"],
        "shared_with": list(data["shared_with"]),
    }


@official_required
def lookout_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = LookoutForm(request.POST or None, administration=user.administration)
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        try:
            lookout = services.lookout_create(actor=user, **_lookout_kwargs(form.cleaned_data))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The lookout is saved; pending notifications are screened against it.")
            )
            return redirect("screening:lookout", reference=lookout.reference)
    return render(request, "screening/lookout_form.html", {"form": form}, status=400 if form.errors else 200)


def _visible_lookout(user: User, reference: str) -> Lookout:
    try:
        return selectors.lookout_for_user(user, reference)
    except Lookout.DoesNotExist as error:
        raise Http404 from error


@official_required
def lookout_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lookout = _visible_lookout(user, reference)
    own = lookout.administration_id == user.administration_id
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        if not own:
            raise Http404
        if form.is_valid():
            services.lookout_withdraw(actor=user, lookout=lookout, reason=form.cleaned_data["reason"])
            messages.success(request, _("The lookout is withdrawn."))
            return redirect("screening:lookout", reference=lookout.reference)
    return render(
        request,
        "screening/lookout_detail.html",
        {"lookout": lookout, "own": own, "form": form, "shared_with": lookout.shared_with.order_by("name")},
        status=400 if form.errors else 200,
    )


@official_required
def lookout_edit(request: HttpRequest, reference: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    lookout = selectors.lookout_to_change(user, reference)
    initial = {
        "kind": lookout.kind,
        "name": lookout.name,
        "aliases": lookout.aliases,
        "birth_date": lookout.birth_date,
        "nationalities": [str(c) for c in lookout.nationalities],
        "gender": lookout.gender,
        "document_numbers": lookout.document_numbers,
        "flag": str(lookout.flag or ""),
        "imo_number": lookout.imo_number,
        "mmsi": lookout.mmsi,
        "call_sign": lookout.call_sign,
        "reason": lookout.reason,
        "valid_from": lookout.valid_from,
        "valid_until": lookout.valid_until,
        "sharing": lookout.sharing,
        "shared_with": list(lookout.shared_with.all()),
    }
    form = LookoutForm(request.POST or None, initial=initial, administration=user.administration)
    if request.method == "POST" and form.is_valid() and not _reviewing(request):
        try:
            services.lookout_update(actor=user, lookout=lookout, **_lookout_kwargs(form.cleaned_data))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The lookout is updated."))
            return redirect("screening:lookout", reference=lookout.reference)
    return render(
        request,
        "screening/lookout_form.html",
        {"form": form, "lookout": lookout},
        status=400 if form.errors else 200,
    )
