from __future__ import annotations

import pytest

from caribclear.screening.engine.dates import Agreement, compare_birth_dates, parse_partial


def test_parse_partial() -> None:
    assert parse_partial("1971-05-23") == (1971, 5, 23)
    assert parse_partial("1971-05") == (1971, 5, None)
    assert parse_partial("1971") == (1971, None, None)
    assert parse_partial("1971-13-01") is None
    assert parse_partial("23/05/1971") is None


def verdict(q: str, e: str) -> tuple[str, float]:
    qd, ed = parse_partial(q), parse_partial(e)
    assert qd is not None and ed is not None
    v = compare_birth_dates((qd,), (ed,))
    assert v is not None
    return v.kind, v.effect


@pytest.mark.parametrize(
    ("query", "entity", "kind"),
    [
        ("1970-03-05", "1970-03-05", "dob_exact"),
        ("1970-05-03", "1970-03-05", "dob_swap"),
        ("1970-03-15", "1970-03-05", "dob_typo"),
        ("1971-03-05", "1970-03-05", "dob_year_near"),
        ("1970-03-05", "1970", "dob_year"),
        ("1979-03-05", "1970-03-05", "dob_typo"),
        ("1975-03-05", "1957-03-05", "dob_typo"),
        ("1990-06-01", "1970-03-05", "dob_far"),
    ],
)
def test_kinds(query: str, entity: str, kind: str) -> None:
    assert verdict(query, entity)[0] == kind


def test_effects_are_ordered() -> None:
    exact = verdict("1970-03-05", "1970-03-05")[1]
    swap = verdict("1970-05-03", "1970-03-05")[1]
    two = verdict("1972-06-01", "1970-03-05")[1]
    far = verdict("1990-06-01", "1970-03-05")[1]
    assert exact > 0 >= swap > two > far
    assert far <= -0.25


def test_best_pair_wins_and_missing_dates_say_nothing() -> None:
    q = (parse_partial("1970-03-05"),)
    e = (parse_partial("1950-01-01"), parse_partial("1970-03-05"))
    v = compare_birth_dates(q, e)  # type: ignore[arg-type]
    assert v is not None and v.kind == "dob_exact"
    assert compare_birth_dates((), e) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "entity", "agreement"),
    [
        ("1970-03-05", "1970-03-05", Agreement.CONFIRMS),
        ("1970-03", "1970-03-05", Agreement.CONFIRMS),
        ("1970-03-05", "1970", Agreement.WEAK),
        ("1970-05-03", "1970-03-05", Agreement.TOLERATED),  # day and month swapped
        ("1970-03-15", "1970-03-05", Agreement.TOLERATED),  # one digit of the day
        ("1971-03-05", "1970-03-05", Agreement.TOLERATED),  # the year off by one
        ("1971-03-05", "1970", Agreement.TOLERATED),  # the year off by one, one side gives only the year
        ("1970-03-22", "1970-03-05", Agreement.DIFFERS),  # another day of the month
        ("1970-10-02", "1970-06-15", Agreement.DIFFERS),  # another day of the year
        ("1971-10-02", "1970-06-15", Agreement.DIFFERS),
        ("1990-06-01", "1970-03-05", Agreement.DIFFERS),
    ],
)
def test_agreement(query: str, entity: str, agreement: Agreement) -> None:
    qd, ed = parse_partial(query), parse_partial(entity)
    assert qd is not None and ed is not None
    v = compare_birth_dates((qd,), (ed,))
    assert v is not None and v.agreement is agreement


def test_a_year_off_against_a_year_only_date_costs_a_little() -> None:
    kind, effect = verdict("1969-10-26", "1968")
    assert kind == "dob_year_near"
    assert verdict("1968-10-26", "1968")[1] > effect > verdict("1969-10-26", "1968-03-01")[1]
