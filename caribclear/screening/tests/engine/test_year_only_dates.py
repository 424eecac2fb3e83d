"""A list that records only a year of birth: the traveller born that year agrees with it, but one person in
65 or so does; with a name that is not exact it confirms no more than a full date one recording error off."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index

from .people import ids, screen

OTHERS = [
    Entity("f1", "Person", ("Maxwell Harper",), ("1950-01-01",)),
    Entity("f2", "Person", ("Oliver Birdwood",), ("1961-03-08",)),
    Entity("f3", "Person", ("Maria Santos",), ("1979-04-02",)),
]


def index_with(dob: str) -> Index:
    return Index.build([Entity("mb", "Person", ("Maxwell Birdwood",), (dob,), ("GB",), "male"), *OTHERS])


@pytest.fixture(scope="module")
def year_only() -> Index:
    return index_with("1971")


@pytest.fixture(scope="module")
def one_error_off() -> Index:
    return index_with("1971-05-12")  # the traveller's 1971-05-13, a digit off


def score(index: Index, name: str, dob: str) -> float:
    [match] = [m for m in screen(index, name, dob, threshold=0.0) if m.entity_id == "mb"]
    return match.score


def test_a_damaged_name_gains_no_more_from_a_year_only_date_than_from_a_date_one_error_off(
    year_only: Index, one_error_off: Index
) -> None:
    damaged = "Maxwell Birdwod"
    assert score(year_only, damaged, "1971-05-13") == pytest.approx(
        score(one_error_off, damaged, "1971-05-13")
    )
    # both less than the same name with the listed person's own full date
    assert score(year_only, damaged, "1971-05-13") < score(index_with("1971-05-13"), damaged, "1971-05-13")
    # and the officer who looks sees why
    [match] = [m for m in screen(year_only, damaged, "1971-05-13", threshold=0.0) if m.entity_id == "mb"]
    assert "name not exact and the date of birth gives the year only" in match.explanation


def test_the_exact_name_born_in_the_listed_year_is_still_found(year_only: Index) -> None:
    assert ids(screen(year_only, "Maxwell Birdwood", "1971-05-13")) == ["mb"]
    # with no reason given against it
    [match] = screen(year_only, "Maxwell Birdwood", "1971-05-13")
    assert "name not exact" not in match.explanation
    assert match.score > score(year_only, "Maxwell Birdwod", "1971-05-13")
