"""Retention of personal data: each app says what it keeps and for how long; one command applies it all.

An app registers a `RetentionRule` in its own `retention.py` (imported from its `AppConfig.ready`): a
key, a label for the administrators' page, a default period in days, the bounds an administration may
choose between, whether the period is the administration's to set (`per_administration`), and `apply`,
the function that deletes or minimises what is older. `apply(policy, dry_run=...)` gets a `Policy` that
answers the cut-off instant for each administration (its own `core.RetentionSetting`, else the default)
and builds the query condition for it (`policy.expired(administration_field, time_field)`), so a rule
is one queryset. It returns how many records it deleted or minimised.

`manage.py apply_retention` runs every rule once (safe to run twice: what is gone stays gone), writes one
event per rule that changed something to the audit trail (counts only, never content), and is run daily
by cron or a systemd timer in production (README) and by the demo seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class RetentionRule:
    key: str  # "clearance.voyages": unique, stored in RetentionSetting.rule
    label: Any  # gettext_lazy: what is kept, in the administrator's words
    description: Any  # what happens when the period is over (deleted, or which fields are removed)
    default_days: int
    apply: Callable[..., int]  # apply(policy: Policy, *, dry_run: bool) -> records deleted or minimised
    per_administration: bool = True
    min_days: int = 1
    max_days: int = 3650
    # The URL name of the app's own page where each administration sets this period, when it is not set
    # in days on the administrators' page (passenger data: months and years, by supervisors).
    set_on: str = ""

    def __post_init__(self) -> None:
        if not self.min_days <= self.default_days <= self.max_days:
            raise ValueError(f"{self.key}: the default period is outside its own bounds")


@dataclass
class Policy:
    """The periods in force for one rule at one instant."""

    rule: RetentionRule
    now: dt.datetime
    overrides: dict[int, int] = field(default_factory=dict)  # administration id -> days

    @property
    def default_cutoff(self) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rule.default_days)

    def cutoff(self, administration_id: int | None = None) -> dt.datetime:
        days = self.rule.default_days
        if administration_id is not None:
            days = self.overrides.get(administration_id, days)
        return self.now - dt.timedelta(days=days)

    def expired(self, administration_field: str | None, time_field: str) -> Q:
        """Records whose `time_field` is before the cut-off of the administration in `administration_field`
        (or the default cut-off for all, when the rule is not per administration)."""
        if administration_field is None or not self.overrides:
            return Q(**{f"{time_field}__lt": self.default_cutoff})
        condition = ~Q(**{f"{administration_field}__in": list(self.overrides)}) & Q(
            **{f"{time_field}__lt": self.default_cutoff}
        )
        for administration_id in self.overrides:
            condition |= Q(
                **{
                    administration_field: administration_id,
                    f"{time_field}__lt": self.cutoff(administration_id),
                }
            )
        return condition


_RULES: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    """Register a rule once (an app's `ready`); a second rule with the same key is a mistake."""
    existing = _RULES.get(rule.key)
    if existing is not None and existing != rule:
        raise ValueError(f"retention rule {rule.key} is registered twice")
    _RULES[rule.key] = rule
    return rule


def rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda r: r.key)


def rule(key: str) -> RetentionRule:
    return _RULES[key]


def policy_for(rule: RetentionRule, *, now: dt.datetime | None = None) -> Policy:
    from .models import RetentionSetting

    overrides: dict[int, int] = {}
    if rule.per_administration:
        overrides = dict(
            RetentionSetting.objects.filter(rule=rule.key).values_list("administration_id", "days")
        )
    return Policy(rule=rule, now=now or timezone.now(), overrides=overrides)


def days_for(rule: RetentionRule, administration_id: int) -> int:
    from .models import RetentionSetting

    row = RetentionSetting.objects.filter(rule=rule.key, administration_id=administration_id).first()
    return row.days if row else rule.default_days


@dataclass(frozen=True)
class Outcome:
    rule: RetentionRule
    count: int


def apply_all(
    *, now: dt.datetime | None = None, dry_run: bool = False, only: Iterable[str] | None = None
) -> list[Outcome]:
    """Run every rule once (or the rules whose keys are in ``only``); each rule's changes and its audit
    event are committed together."""
    from django.db import transaction

    from .audit import audit_record

    wanted = None if only is None else set(only)
    outcomes = []
    for item in rules():
        if wanted is not None and item.key not in wanted:
            continue
        with transaction.atomic():
            policy = policy_for(item, now=now)
            count = item.apply(policy, dry_run=dry_run)
            if count and not dry_run:
                audit_record(
                    actor=None,
                    action="retention.applied",
                    summary=f"{item.key}: {count}",
                    data={
                        "rule": item.key,
                        "count": count,
                        "default_days": item.default_days,
                        "administrations": {str(k): v for k, v in policy.overrides.items()},
                    },
                )
        outcomes.append(Outcome(item, count))
    return outcomes
