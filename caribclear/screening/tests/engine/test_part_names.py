"""A traveller named with part of a listed name (``James Payne`` of ``James John Payne``): the listed person
without a date of birth to say otherwise, a stranger when the date of birth is another as well."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index

from .people import ids, screen

LIST = [
    Entity("jp", "Person", ("James John Payne",), ("1970-07-19",), ("JM",), "male"),
    Entity("ah", "Person", ("Ahmed Omar Hassan",), ("1981-03-05",), ("EG",), "male"),
    Entity("mg", "Person", ("Maria Garcia Lopez",), ("1975-02-11",), ("CU",), "female"),
    Entity("dv", "Person", ("Daan van der Berg",), ("1968-04-27",), ("NL",), "male"),
    Entity("bc", "Person", ("Ben Thomas Carter",), ("1966",), ("TT",), "male"),
    # others who share a name with them, so that no name is unique to its person
    Entity("f1", "Person", ("James Walker",), ("1950-01-01",)),
    Entity("f2", "Person", ("Omar Khalil",), ("1961-03-08",)),
    Entity("f3", "Person", ("Maria Santos",), ("1979-04-02",)),
    Entity("f4", "Person", ("Daan Jansen",), ("1960-10-10",)),
    Entity("f5", "Person", ("Ben Walker",), ("1950-01-01",)),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(LIST)


@pytest.mark.parametrize(
    ("name", "listed", "dob"),
    [
        ("James Payne", "jp", "1970-07-19"),
        ("Ahmed Hassan", "ah", "1981-03-05"),
        ("Maria Garcia", "mg", "1975-02-11"),
    ],
)
def test_part_of_a_listed_name_alerts_without_a_date_and_with_the_listed_one(
    index: Index, name: str, listed: str, dob: str
) -> None:
    assert ids(screen(index, name, None)) == [listed]
    assert ids(screen(index, name, dob)) == [listed]
    # a date one recording error off (day and month swapped, the year one off) still finds the person
    y, m, d = dob.split("-")
    assert ids(screen(index, name, f"{int(y) + 1}-{m}-{d}")) == [listed]


@pytest.mark.parametrize(
    ("name", "listed", "dob"),
    [
        ("James Payne", "jp", "1970-02-03"),  # same year, another day
        ("Ahmed Hassan", "ah", "1982-11-20"),  # a year apart, another day
        ("Maria Garcia", "mg", "1975-02-25"),  # same month, another day
    ],
)
def test_part_of_a_listed_name_and_another_date_is_a_stranger(
    index: Index, name: str, listed: str, dob: str
) -> None:
    assert screen(index, name, dob) == []
    # the officer who looks lower sees why: both differences, each with its own reason
    [match] = [m for m in screen(index, name, dob, threshold=0.0) if m.entity_id == listed]
    assert "only part of the listed name and another date of birth" in match.explanation
    assert "date of birth" in match.explanation and "list only:" in match.explanation


def test_part_of_a_name_and_a_date_that_only_nearly_agrees(index: Index) -> None:
    # the list gives the year only, one year from the traveller's: two differences, not an alert
    assert screen(index, "Ben Carter", "1967-09-01") == []
    [match] = [m for m in screen(index, "Ben Carter", "1967-09-01", threshold=0.0) if m.entity_id == "bc"]
    assert "only part of the listed name and the date of birth one error off" in match.explanation
    # the same year as the list's: still found (the list cannot tell more), with the reason it scores less
    [match] = screen(index, "Ben Carter", "1966-09-01")
    assert match.entity_id == "bc"
    assert "only part of the listed name and the date of birth gives the year only" in match.explanation
    # the whole name one year from the list's year: one difference, found
    assert ids(screen(index, "Ben Thomas Carter", "1967-09-01")) == ["bc"]


def test_the_whole_name_with_another_date_of_the_same_year_still_alerts(index: Index) -> None:
    # nothing left out: the date alone differs, and one difference is tolerated
    assert ids(screen(index, "James John Payne", "1970-02-03")) == ["jp"]


def test_a_particle_left_out_is_not_part_of_a_name(index: Index) -> None:
    # "van der" is not a name: "Daan Berg" is the whole name, and its date alone differs
    found = screen(index, "Daan Berg", "1968-09-13", threshold=0.0)
    dv = next(m for m in found if m.entity_id == "dv")
    assert "only part of the listed name" not in dv.explanation
