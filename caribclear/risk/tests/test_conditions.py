"""The condition language: every operator, on single- and many-valued fields, and its validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caribclear.clearance.declaration import KEY as NOTIFICATION
from caribclear.core.declarations import DATE, fact
from caribclear.risk.conditions import (
    OPERATORS_BY_TYPE,
    ConditionError,
    evaluate,
    evaluate_condition,
    fields_for,
    validate_condition,
)

# The yacht notification's fields, and a date field as another kind of declaration may register.
FIELDS = {**fields_for(NOTIFICATION), "arrival_day": fact("arrival_day", "Day of arrival", DATE)}

FACTS: dict[str, list[Any]] = {
    "last_port_country": ["VE"],
    "person_nationality": ["GB", "CO"],
    "vessel_flag": ["PA"],
    "vessel_name": ["Blue Horizon"],
    "purpose": ["charter"],
    "is_charter": [True],
    "declares_firearms": [False],
    "vessel_length_m": [Decimal("24.50")],
    "person_age": [Decimal(17), Decimal(45)],
    "watchlist_hit_score": [Decimal("0.9100")],
    "notice_hours": [],
    "arrival_day": [dt.date(2026, 12, 24)],
}


def holds(field: str, operator: str, values: Any = ()) -> bool:
    condition = validate_condition(
        {"field": field, "operator": operator, "values": list(values)}, fields=FIELDS
    )
    return evaluate_condition(condition, FACTS, fields=FIELDS)[0]


@pytest.mark.parametrize(
    ("field", "operator", "values", "expected"),
    [
        ("last_port_country", "in", ["VE", "CO"], True),
        ("last_port_country", "in", ["co"], False),
        ("last_port_country", "not_in", ["CO"], True),
        ("last_port_country", "not_in", ["VE"], False),
        ("person_nationality", "in", ["CO"], True),  # any person on board
        ("person_nationality", "not_in", ["CO", "JM"], False),  # nobody may be CO
        ("vessel_flag", "in", ["PA", "LR"], True),
        ("purpose", "in", ["charter"], True),
        ("purpose", "not_in", ["charter", "transit"], False),
        ("vessel_name", "contains", ["horizon"], True),
        ("vessel_name", "contains", ["sunset"], False),
        ("vessel_name", "in", ["blue horizon"], True),
        ("is_charter", "is_yes", [], True),
        ("is_charter", "is_no", [], False),
        ("declares_firearms", "is_yes", [], False),
        ("declares_firearms", "is_no", [], True),
        ("vessel_length_m", "gt", ["24"], True),
        ("vessel_length_m", "gt", ["24.5"], False),
        ("vessel_length_m", "gte", ["24.5"], True),
        ("vessel_length_m", "lt", ["25"], True),
        ("vessel_length_m", "lte", ["24.49"], False),
        ("vessel_length_m", "eq", ["24.5"], True),
        ("vessel_length_m", "between", ["20", "30"], True),
        ("vessel_length_m", "between", ["25", "30"], False),
        ("person_age", "lt", ["18"], True),  # a minor on board
        ("watchlist_hit_score", "gte", ["0.85"], True),
        ("watchlist_hit_score", "gte", ["0.95"], False),
        ("notice_hours", "lt", ["24"], False),  # unknown values never satisfy a comparison
        ("notice_hours", "gte", ["0"], False),
        ("arrival_day", "on", ["2026-12-24"], True),
        ("arrival_day", "before", ["2026-12-24"], False),
        ("arrival_day", "after", ["2026-12-23"], True),
        ("arrival_day", "between", ["2026-12-20", "2026-12-31"], True),
        ("arrival_day", "between", ["2027-01-01", "2027-01-31"], False),
    ],
)
def test_operators(field: str, operator: str, values: list[str], expected: bool) -> None:
    assert holds(field, operator, values) is expected


def test_every_operator_of_every_field_type_is_covered() -> None:
    for type_, operators in OPERATORS_BY_TYPE.items():
        field = next(f for f in FIELDS.values() if f.type == type_)
        for operator in operators:
            values = {"between": ["1", "2"]}.get(operator, [] if operator.startswith("is_") else ["1"])
            if type_ == "country":
                values = ["JM"]
            if type_ == "choice":
                values = [field.choices[0][0]]
            if type_ == "date":
                values = ["2026-01-01", "2026-02-01"] if operator == "between" else ["2026-01-01"]
            condition = validate_condition(
                {"field": field.name, "operator": operator, "values": values}, fields=FIELDS
            )
            ok, _matched = evaluate_condition(condition, {}, fields=FIELDS)
            assert ok is (operator == "not_in")


def test_all_conditions_must_hold_and_the_reason_names_what_matched() -> None:
    conditions = [
        validate_condition(
            {"field": "last_port_country", "operator": "in", "values": "VE, CO"}, fields=FIELDS
        ),
        validate_condition({"field": "person_age", "operator": "lt", "values": "18"}, fields=FIELDS),
    ]
    fired, reason = evaluate(conditions, FACTS, fields=FIELDS)
    assert fired
    assert "Country of last port is one of VE, CO (VE)" in reason and "(17)" in reason
    conditions.append(validate_condition({"field": "is_charter", "operator": "is_no"}, fields=FIELDS))
    assert evaluate(conditions, FACTS, fields=FIELDS) == (False, "")
    assert evaluate([], FACTS, fields=FIELDS) == (False, "")


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "nope", "operator": "in", "values": ["x"]}, "Choose a field"),
        ({"field": "vessel_flag", "operator": "gt", "values": ["1"]}, "can be compared with"),
        ({"field": "vessel_flag", "operator": "in", "values": []}, "Give the value"),
        ({"field": "vessel_flag", "operator": "in", "values": ["XX", "VE"]}, "XX"),
        ({"field": "vessel_length_m", "operator": "gt", "values": ["long"]}, "numbers"),
        ({"field": "vessel_length_m", "operator": "between", "values": ["1"]}, "two numbers"),
        ({"field": "vessel_length_m", "operator": "gt", "values": ["1", "2"]}, "one number"),
        ({"field": "purpose", "operator": "in", "values": ["smuggling"]}, "smuggling"),
        ({"field": "arrival_day", "operator": "on", "values": ["24/12/2026"]}, "YYYY-MM-DD"),
        ({"field": "arrival_day", "operator": "between", "values": ["2026-12-24"]}, "two dates"),
    ],
)
def test_invalid_conditions_are_refused_with_a_readable_message(
    condition: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConditionError, match=message):
        validate_condition(condition, fields=FIELDS)


@given(st.dictionaries(st.text(max_size=20), st.one_of(st.text(max_size=20), st.lists(st.text(max_size=5)))))
def test_validation_never_crashes_on_arbitrary_input(raw: dict[str, Any]) -> None:
    try:
        clean = validate_condition(raw, fields=FIELDS)
    except ConditionError:
        return
    assert clean["field"] in FIELDS
    evaluate_condition(clean, FACTS, fields=FIELDS)


@given(st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=2))
def test_between_is_inclusive_and_consistent_with_gte_and_lte(x: Decimal) -> None:
    facts = {"vessel_length_m": [x]}
    between = validate_condition(
        {"field": "vessel_length_m", "operator": "between", "values": ["-10", "10"]}, fields=FIELDS
    )
    gte = validate_condition(
        {"field": "vessel_length_m", "operator": "gte", "values": ["-10"]}, fields=FIELDS
    )
    lte = validate_condition({"field": "vessel_length_m", "operator": "lte", "values": ["10"]}, fields=FIELDS)
    assert evaluate_condition(between, facts, fields=FIELDS)[0] == (
        evaluate_condition(gte, facts, fields=FIELDS)[0] and evaluate_condition(lte, facts, fields=FIELDS)[0]
    )
