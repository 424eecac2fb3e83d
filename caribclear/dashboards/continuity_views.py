"""The continuity pack page and its PDF and CSV (`dashboards/continuity.py`). Each download is on the
audit trail: the pack holds the people on board of every arrival."""

from __future__ import annotations

from typing import cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from caribclear.accounts.models import User
from caribclear.core.audit import audit_record
from caribclear.core.csv_export import csv_response
from caribclear.core.permissions import official_required

from .continuity import WINDOWS, Pack, continuity_pack, csv_rows, pack_pdf, pack_ports


class PackForm(forms.Form):
    port = forms.ChoiceField(label=_("Port"), required=False)
    hours = forms.TypedChoiceField(
        label=_("Arrivals in the next"),
        coerce=int,
        initial=48,
        choices=[(h, _("%(hours)s hours") % {"hours": h}) for h in WINDOWS],
    )

    def __init__(self, *args: object, ports: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.ports = {p.locode: p for p in ports}
        cast(forms.ChoiceField, self.fields["port"]).choices = [("", _("Every port of entry"))] + [
            (p.locode, f"{p.name} ({p.locode})") for p in ports
        ]


def _pack(request: HttpRequest) -> tuple[PackForm, Pack]:
    user = cast(User, request.user)
    form = PackForm(request.GET or None, ports=pack_ports(user))
    hours, port = 48, None
    if form.is_bound and form.is_valid():
        hours = form.cleaned_data["hours"]
        port = form.ports.get(form.cleaned_data["port"])
    return form, continuity_pack(user, hours=hours, port=port)


def _log(request: HttpRequest, pack: Pack, fmt: str) -> None:
    audit_record(
        actor=request.user,
        action="continuity.pack",
        summary=f"{fmt}: {len(pack.arrivals)} arrivals, {pack.people_count} people",
        data={
            "format": fmt,
            "port": pack.port.locode if pack.port else "",
            "until": pack.until.isoformat(),
            "references": [a.reference for a in pack.arrivals],
        },
    )


@official_required
def pack_page(request: HttpRequest) -> HttpResponse:
    form, pack = _pack(request)
    return render(
        request, "dashboards/continuity.html", {"form": form, "pack": pack, "query": request.GET.urlencode()}
    )


@official_required
def pack_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, pack = _pack(request)
    _log(request, pack, fmt)
    stamp = pack.generated_at.strftime("%Y%m%d-%H%M")
    if fmt == "pdf":
        response = HttpResponse(pack_pdf(pack), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="continuity-pack-{stamp}.pdf"'
        return response
    response, writer = csv_response(f"continuity-pack-{stamp}.csv")
    for row in csv_rows(pack):
        writer.writerow(row)
    return response
