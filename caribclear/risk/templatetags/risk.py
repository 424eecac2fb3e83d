"""``{% load risk %}{% risk_panel notification %}``: the risk panel on any officer page, in one line."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from caribclear.risk.selectors import risk_panel_for

register = template.Library()


@register.inclusion_tag("risk/notification_panel.html", takes_context=True)
def risk_panel(context: Any, notification: Any) -> dict[str, Any]:
    request = context["request"]
    try:
        panel = risk_panel_for(notification, request.user)
    except Http404:
        panel = None
    return {"panel": panel, "request": request, "csrf_token": context.get("csrf_token"), "user": request.user}
