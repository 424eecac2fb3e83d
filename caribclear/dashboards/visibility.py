"""Who may see threat assessments: the officials of the administration that writes them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_official, register

from .models import ThreatAssessment


@register(ThreatAssessment)
def threat_assessments(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    return qs.filter(administration_id=administration_id(reader)) if is_official(reader) else qs.none()
