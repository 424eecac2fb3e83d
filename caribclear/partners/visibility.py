"""Who may see a CEN mark: the officials of the seizure's owner administration."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_official, register

from .models import CenMark


@register(CenMark)
def cen_marks(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
    if not is_official(reader):
        return qs.none()
    return qs.filter(seizure__owner_id=administration_id(reader))
