"""Who may see risk criteria, random selection, expected rates, assessments, firings and lane overrides: the officials
of the administration they belong to, nobody else (criteria are an administration's own targeting)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caribclear.core.visibility import administration_id, is_official, register

from .models import (
    Assessment,
    Criterion,
    CriterionVersion,
    ExpectedRate,
    Firing,
    HitRule,
    LaneOverride,
    RandomSelection,
    Referral,
)


def _own(field: str) -> Any:
    def rule(reader: Any, qs: QuerySet[Any], action: str) -> QuerySet[Any]:
        return qs.filter(**{field: administration_id(reader)}) if is_official(reader) else qs.none()

    return rule


register(Criterion)(_own("administration_id"))
register(RandomSelection)(_own("administration_id"))
register(ExpectedRate)(_own("administration_id"))
register(Assessment)(_own("administration_id"))
register(CriterionVersion)(_own("criterion__administration_id"))
register(Firing)(_own("assessment__administration_id"))
register(LaneOverride)(_own("assessment__administration_id"))
register(HitRule)(_own("administration_id"))
register(Referral)(_own("administration_id"))
