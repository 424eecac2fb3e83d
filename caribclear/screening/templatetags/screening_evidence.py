"""``{% load screening_evidence %}{{ ev.detail|evidence_text }}``: a hit's reason in the reader's language."""

from __future__ import annotations

from django import template

from caribclear.screening.evidence import evidence_text as _evidence_text

register = template.Library()


@register.filter
def evidence_text(detail: object) -> str:
    return _evidence_text(str(detail or ""))
