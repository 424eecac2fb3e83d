"""The declarative condition language of risk criteria: a field, an operator and values. No code is run.

A criterion holds a list of conditions that must all be true (AND). Each field takes its values from a
notification (see :func:`notification_facts`); a field can have several values (the nationalities of
everyone on board), and then a condition is true when any value satisfies it (``not in``: when none
is in the list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.clearance.choices import Kind, Purpose
from caribclear.clearance.models import Notification
from caribclear.screening.choices import Disposition as HitDisposition
from caribclear.vessels.choices import VesselType

COUNTRY, CHOICE, BOOL, NUMBER, TEXT = "country", "choice", "bool", "number", "text"

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
}
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    COUNTRY: ("in", "not_in"),
    CHOICE: ("in", "not_in"),
    TEXT: ("in", "not_in", "contains"),
    BOOL: ("is_yes", "is_no"),
    NUMBER: ("eq", "gt", "gte", "lt", "lte", "between"),
}
NO_VALUES = frozenset({"is_yes", "is_no"})


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise
    type: str
    choices: tuple[tuple[str, Any], ...] = ()


def _field(key: str, label: Promise, type_: str, choices: Any = ()) -> Field:
    return Field(key, label, type_, tuple((str(k), v) for k, v in choices))


FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        _field("kind", _("Arrival or departure"), CHOICE, Kind.choices),
        _field("port", _("Port of entry (UN/LOCODE)"), TEXT),
        _field("last_port_country", _("Country of last port"), COUNTRY),
        _field("next_port_country", _("Country of next port"), COUNTRY),
        _field("last_port", _("Last port (name)"), TEXT),
        _field("purpose", _("Purpose of visit"), CHOICE, Purpose.choices),
        _field("is_charter", _("On charter"), BOOL),
        _field("notice_hours", _("Hours of notice before arrival"), NUMBER),
        _field("vessel_flag", _("Vessel flag"), COUNTRY),
        _field("vessel_type", _("Vessel type"), CHOICE, VesselType.choices),
        _field("vessel_length_m", _("Vessel length (m)"), NUMBER),
        _field("vessel_gross_tonnage", _("Vessel gross tonnage"), NUMBER),
        _field("vessel_name", _("Vessel name"), TEXT),
        _field("people_count", _("Number of people on board"), NUMBER),
        _field("person_nationality", _("Nationality of a person on board"), COUNTRY),
        _field("person_age", _("Age of a person on board"), NUMBER),
        _field("document_issuing_state", _("Issuing state of a travel document"), COUNTRY),
        _field("declares_firearms", _("Declares firearms or ammunition"), BOOL),
        _field("declares_currency", _("Declares currency above the threshold"), BOOL),
        _field("currency_amount", _("Declared currency amount"), NUMBER),
        _field("declares_alcohol_tobacco", _("Declares alcohol or tobacco above the allowance"), BOOL),
        _field("declares_animals", _("Declares animals"), BOOL),
        _field("declares_plants_food", _("Declares plants or food"), BOOL),
        _field("declares_goods_for_sale", _("Declares goods for sale"), BOOL),
        _field("declares_illness", _("Declares illness or death on board"), BOOL),
        _field("watchlist_hit_score", _("Score of a watchlist hit (0 to 1)"), NUMBER),
        _field("watchlist_hit_count", _("Number of watchlist hits"), NUMBER),
        _field("lookout_hit", _("Matches a regional lookout"), BOOL),
    )
}

Facts = dict[str, list[Any]]


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def notification_facts(notification: Notification) -> Facts:
    """Every field's values for one notification (people, documents and current hits included).

    Prefetch ``people_on_board__person``, ``people_on_board__document`` and ``screening_hits`` (with
    ``watchlist``) when computing facts for many notifications.
    """
    vessel = notification.vessel
    on = (notification.expected_at or timezone.now()).date()
    people = list(notification.people_on_board.all())
    hits = [
        h
        for h in notification.screening_hits.all()
        if h.is_current and h.disposition != HitDisposition.FALSE_POSITIVE
    ]
    notice = None
    if notification.submitted_at and notification.expected_at:
        notice = Decimal(
            (notification.expected_at - notification.submitted_at).total_seconds() / 3600
        ).quantize(Decimal("0.1"))
    facts: Facts = {
        "kind": [notification.kind],
        "port": [notification.port.locode] if notification.port_id else [],
        "last_port_country": [str(notification.last_port_country)] if notification.last_port_country else [],
        "next_port_country": [str(notification.next_port_country)] if notification.next_port_country else [],
        "last_port": [notification.last_port] if notification.last_port else [],
        "purpose": [notification.purpose] if notification.purpose else [],
        "is_charter": [notification.is_charter],
        "notice_hours": [notice] if notice is not None else [],
        "vessel_flag": [str(vessel.flag)] if vessel.flag else [],
        "vessel_type": [vessel.vessel_type],
        "vessel_length_m": [Decimal(vessel.length_m)] if vessel.length_m is not None else [],
        "vessel_gross_tonnage": [Decimal(vessel.gross_tonnage)] if vessel.gross_tonnage is not None else [],
        "vessel_name": [vessel.name],
        "people_count": [Decimal(len(people))],
        "person_nationality": sorted({str(np.person.nationality) for np in people if np.person.nationality}),
        "person_age": [
            Decimal(_age(np.person.date_of_birth, on)) for np in people if np.person.date_of_birth
        ],
        "document_issuing_state": sorted({str(np.document.issuing_state) for np in people if np.document_id}),
        "currency_amount": [notification.currency_amount] if notification.currency_amount is not None else [],
        "watchlist_hit_score": [Decimal(h.score) for h in hits],
        "watchlist_hit_count": [Decimal(len(hits))],
        "lookout_hit": [any(h.is_lookout for h in hits)],
    }
    for key in (
        "declares_firearms",
        "declares_currency",
        "declares_alcohol_tobacco",
        "declares_animals",
        "declares_plants_food",
        "declares_goods_for_sale",
        "declares_illness",
    ):
        facts[key] = [bool(getattr(notification, key))]
    return facts


class ConditionError(ValueError):
    pass


def validate_condition(condition: dict[str, Any]) -> dict[str, Any]:
    """A clean condition ``{"field", "operator", "values"}``; raises ConditionError with a readable message."""
    field = FIELDS.get(str(condition.get("field", "")))
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
    return {"field": field.key, "operator": operator, "values": values}


def _text(value: Any) -> str:
    return str(value).strip().casefold()


_COMPARE: dict[str, Callable[[Decimal, list[Decimal]], bool]] = {
    "eq": lambda v, w: v == w[0],
    "gt": lambda v, w: v > w[0],
    "gte": lambda v, w: v >= w[0],
    "lt": lambda v, w: v < w[0],
    "lte": lambda v, w: v <= w[0],
    "between": lambda v, w: w[0] <= v <= w[1],
}


def evaluate_condition(condition: dict[str, Any], facts: Facts) -> tuple[bool, list[Any]]:
    """Whether a (validated) condition holds, and the values of the notification that made it hold."""
    field = FIELDS[condition["field"]]
    operator, wanted = condition["operator"], condition["values"]
    values = facts.get(field.key, [])
    if operator == "is_yes":
        return any(v is True for v in values), []
    if operator == "is_no":
        return all(v is False for v in values) and bool(values), []
    if field.type == NUMBER:
        limits = [_number(w) for w in wanted]
        if any(limit is None for limit in limits):
            return False, []
        matched = [v for v in values if v is not None and _COMPARE[operator](Decimal(v), limits)]  # type: ignore[arg-type]
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


def describe_condition(condition: dict[str, Any]) -> str:
    field = FIELDS.get(condition.get("field", ""))
    label = str(field.label) if field else condition.get("field", "")
    operator = str(OPERATORS.get(condition.get("operator", ""), condition.get("operator", "")))
    values = condition.get("values") or []
    if condition.get("operator") == "between" and len(values) == 2:
        return f"{label} {operator} {values[0]} – {values[1]}"
    return f"{label} {operator} {', '.join(str(v) for v in values)}".strip()


def evaluate(conditions: list[dict[str, Any]], facts: Facts) -> tuple[bool, str]:
    """Whether every condition holds, with a sentence for the officer saying why."""
    if not conditions:
        return False, ""
    reasons: list[str] = []
    for condition in conditions:
        ok, matched = evaluate_condition(condition, facts)
        if not ok:
            return False, ""
        text = describe_condition(condition)
        if matched:
            text += " (" + ", ".join(str(m) for m in matched[:5]) + ")"
        reasons.append(text)
    return True, "; ".join(reasons)
