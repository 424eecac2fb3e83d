"""``{% load risk %}{% risk_panel record.declaration %}``: the risk panel on any officer page, in one line."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

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
