"""The declarative condition language of risk criteria: a field, an operator and values. No code is run.

A criterion applies to one kind of declaration and holds a list of conditions that must all be true (AND).
The fields a condition may test are the kind's registered facts (``DeclarationKind.fact_specs``, see
:mod:`caribclear.core.declarations`) and the facts of screening every kind shares (:data:`HIT_FACTS`). A
field can have several values (the nationalities of everyone on board), and then a condition is true when
any value satisfies it (``not in``: when none is in the list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.core import declarations
from caribclear.core.declarations import (
    BOOL,
    CHOICE,
    COUNTRY,
    DATE,
    NUMBER,
    TEXT,
    Facts,
    FactSpec,
    fact,
)
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.screening.models import Hit

OPERATORS: dict[str, Promise] = {
    "in": _("is one of"),
    "not_in": _("is none of"),
    "contains": _("contains"),
    "is_yes": _("is yes"),
    "is_no": _("is no"),
    "eq": _("equals"),
    "gt": _("is more than"),
    "gte": _("is at least"),
    "lt": _("is less than"),
    "lte": _("is at most"),
    "between": _("is between (inclusive)"),
    "on": _("is on"),
    "before": _("is before"),
    "after": _("is after"),
}
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    COUNTRY: ("in", "not_in"),
    CHOICE: ("in", "not_in"),
    TEXT: ("in", "not_in", "contains"),
    BOOL: ("is_yes", "is_no"),
    NUMBER: ("eq", "gt", "gte", "lt", "lte", "between"),
    DATE: ("on", "before", "after", "between"),
}
NO_VALUES = frozenset({"is_yes", "is_no"})

#: What screening found, a fact of every kind of declaration.
HIT_FACTS: tuple[FactSpec, ...] = (
    fact("watchlist_hit_score", _("Score of a watchlist hit (0 to 1)"), NUMBER),
    fact("watchlist_hit_count", _("Number of watchlist hits"), NUMBER),
    fact("lookout_hit", _("Matches a regional lookout"), BOOL),
)

Fields = Mapping[str, FactSpec]


def fields_for(kind: str) -> dict[str, FactSpec]:
    """The fields criteria of a kind of declaration may test (an unknown kind has only the hit facts)."""
    try:
        specs = declarations.kind_of(kind).fact_specs
    except declarations.UnknownKind:
        specs = ()
    return {f.name: f for f in (*specs, *declarations.shared_fact_specs(), *HIT_FACTS)}


def hit_facts(hits: Iterable[Hit]) -> Facts:
    """The shared facts of screening, from a declaration's hits (current ones, not false positives)."""
    current = [h for h in hits if h.is_current and h.disposition != HitDisposition.FALSE_POSITIVE]
    return {
        "watchlist_hit_score": [Decimal(h.score) for h in current],
        "watchlist_hit_count": [Decimal(len(current))],
        "lookout_hit": [any(h.is_lookout for h in current)],
    }


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


class ConditionError(ValueError):
    pass


def validate_condition(condition: dict[str, Any], *, fields: Fields) -> dict[str, Any]:
    """A clean condition ``{"field", "operator", "values"}`` on one of ``fields``; raises ConditionError
    with a readable message."""
    field = fields.get(str(condition.get("field", "")))
    if field is None:
        raise ConditionError(_("Choose a field."))
    operator = str(condition.get("operator", ""))
    if operator not in OPERATORS_BY_TYPE[field.type]:
        allowed = ", ".join(str(OPERATORS[o]) for o in OPERATORS_BY_TYPE[field.type])
        raise ConditionError(
            _("“%(field)s” can be compared with: %(allowed)s.") % {"field": field.label, "allowed": allowed}
        )
    raw = condition.get("values") or []
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    values = [str(v).strip() for v in raw if str(v).strip()]
    if operator in NO_VALUES:
        values = []
    elif not values:
        raise ConditionError(_("Give the value(s) to compare with."))
    elif field.type == NUMBER:
        if any(_number(v) is None for v in values):
            raise ConditionError(_("Give numbers, e.g. 24 or 0.85."))
        wanted = 2 if operator == "between" else 1
        if len(values) != wanted:
            raise ConditionError(
                _("Give two numbers (lowest, highest).") if wanted == 2 else _("Give one number.")
            )
    elif field.type == DATE:
        if any(_date(v) is None for v in values):
            raise ConditionError(_("Give dates as YYYY-MM-DD."))
        wanted = 2 if operator == "between" else 1
        if len(values) != wanted:
            raise ConditionError(
                _("Give two dates (earliest, latest).") if wanted == 2 else _("Give one date.")
            )
    elif field.type == COUNTRY:
        values = [v.upper() for v in values]
        unknown = [v for v in values if v not in dict(countries)]
        if unknown:
            raise ConditionError(
                _("Not ISO 3166 country codes: %(codes)s (use two letters, e.g. VE, CO).")
                % {"codes": ", ".join(unknown)}
            )
    elif field.type == CHOICE:
        allowed_values = {k for k, _label in field.choices}
        unknown = [v for v in values if v not in allowed_values]
        if unknown:
            raise ConditionError(
                _("Not allowed: %(values)s (choose from %(allowed)s).")
                % {"values": ", ".join(unknown), "allowed": ", ".join(sorted(allowed_values))}
            )
    return {"field": field.name, "operator": operator, "values": values}


def _text(value: Any) -> str:
    return str(value).strip().casefold()


_COMPARE: dict[str, Callable[[Any, list[Any]], bool]] = {
    "eq": lambda v, w: v == w[0],
    "on": lambda v, w: v == w[0],
    "gt": lambda v, w: v > w[0],
    "after": lambda v, w: v > w[0],
    "gte": lambda v, w: v >= w[0],
    "lt": lambda v, w: v < w[0],
    "before": lambda v, w: v < w[0],
    "lte": lambda v, w: v <= w[0],
    "between": lambda v, w: w[0] <= v <= w[1],
}


def evaluate_condition(condition: dict[str, Any], facts: Facts, *, fields: Fields) -> tuple[bool, list[Any]]:
    """Whether a (validated) condition holds, and the values of the declaration that made it hold."""
    field = fields.get(condition["field"])
    if field is None:  # a field its kind no longer registers never holds
        return False, []
    operator, wanted = condition["operator"], condition["values"]
    values = facts.get(field.name, [])
    if operator == "is_yes":
        return any(v is True for v in values), []
    if operator == "is_no":
        return all(v is False for v in values) and bool(values), []
    if field.type == NUMBER:
        limits = [_number(w) for w in wanted]
        if any(limit is None for limit in limits):
            return False, []
        matched = [v for v in values if v is not None and _COMPARE[operator](Decimal(v), limits)]
        return bool(matched), matched
    if field.type == DATE:
        days = [_date(w) for w in wanted]
        if any(day is None for day in days):
            return False, []
        matched = [v for v in values if _date(v) is not None and _COMPARE[operator](_date(v), days)]
        return bool(matched), matched
    wanted_set = {_text(w) for w in wanted}
    if operator == "in":
        matched = [v for v in values if _text(v) in wanted_set]
        return bool(matched), matched
    if operator == "not_in":
        return not any(_text(v) in wanted_set for v in values), []
    if operator == "contains":
        matched = [v for v in values if any(w in _text(v) for w in wanted_set)]
        return bool(matched), matched
    raise ConditionError(f"unknown operator {operator!r}")


def describe_condition(condition: dict[str, Any], *, fields: Fields) -> str:
    field = fields.get(condition.get("field", ""))
    label = str(field.label) if field else condition.get("field", "")
    operator = str(OPERATORS.get(condition.get("operator", ""), condition.get("operator", "")))
    values = condition.get("values") or []
    if condition.get("operator") == "between" and len(values) == 2:
        return f"{label} {operator} {values[0]} – {values[1]}"
    return f"{label} {operator} {', '.join(str(v) for v in values)}".strip()


def evaluate(conditions: list[dict[str, Any]], facts: Facts, *, fields: Fields) -> tuple[bool, str]:
    """Whether every condition holds, with a sentence for the officer saying why."""
    if not conditions:
        return False, ""
    reasons: list[str] = []
    for condition in conditions:
        ok, matched = evaluate_condition(condition, facts, fields=fields)
        if not ok:
            return False, ""
        text = describe_condition(condition, fields=fields)
        if matched:
            text += " (" + ", ".join(str(m) for m in matched[:5]) + ")"
        reasons.append(text)
    return True, "; ".join(reasons)
