"""``{% load risk %}{% risk_panel record.declaration %}``: the risk panel on any officer page, in one line;
``{% risk_hold_banner record.declaration %}``: the banner at its top when watchlist hits hold it."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from caribclear.risk.hits import hold_for
from caribclear.risk.selectors import risk_panel_for

register = template.Library()


@register.inclusion_tag("risk/declaration_panel.html", takes_context=True)
def risk_panel(context: Any, declaration: Any) -> dict[str, Any]:
    """The panel of a declaration (None before it is filed: then nothing is shown)."""
    request = context["request"]
    try:
        panel = risk_panel_for(declaration, request.user)
    except Http404:
        panel = None
    return {"panel": panel, "request": request, "csrf_token": context.get("csrf_token"), "user": request.user}


@register.inclusion_tag("risk/hold_banner.html", takes_context=True)
def risk_hold_banner(context: Any, declaration: Any) -> dict[str, Any]:
    """What holds the declaration (hits not reviewed, a referral, a true match) for an official of its
    administration; nothing for anyone else or before it is filed."""
    user = context["request"].user
    if (
        declaration is None
        or not user.is_authenticated
        or not user.is_official
        or user.administration_id != declaration.administration_id
    ):
        return {"hold": None}
    hold = hold_for(declaration.pk, declaration.administration_id)
    declaration._risk_hold = hold  # the panel further down the page reads the same
    return {"hold": hold}
