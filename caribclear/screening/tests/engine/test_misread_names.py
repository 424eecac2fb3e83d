"""Names a document reader misread (``rn`` for ``m``, ``cl`` for ``d``, ``0`` for ``o``), and names damaged
on both sides that only the date of birth brings in: found as an officer would find them, without letting a
shared date of birth carry another name."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine.normalize import name_tokens, shape

from .people import ids, screen

LIST = [
    Entity("mf", "Person", ("Mirte Frankhuizen",), ("1963-09-14",), ("NL",), "female"),
    Entity("dl", "Person", ("Dan Lowe",), ("1986-01-18",), ("AG",), "male"),
    Entity("gm", "Person", ("Guy Maury",), ("1941-11-16",), ("FR",), "male"),
    Entity("ar", "Person", ("Ali Rahal",), ("1966-12-02",), ("MA",), "male"),
    Entity("ac", "Person", ("Allan Cruz",), ("1982-06-07",), ("TT",), "male"),
    # people who share a name with them, so that no name is unique to its person
    Entity("f1", "Person", ("Mirte Jansen",), ("1950-01-01",)),
    Entity("f2", "Person", ("Guy Walker",), ("1961-03-08",)),
    Entity("f3", "Person", ("Dan Martin",), ("1979-04-02",)),
    Entity("f4", "Person", ("Ali Hassan",), ("1960-10-10",)),
    Entity("f6", "Person", ("Chris Allan",), ("1960-10-10",)),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(LIST)


def test_digits_read_for_letters_are_read_back() -> None:
    assert name_tokens("J0hn A1i Jule5 8ryce") == ("john", "ali", "jules", "bryce")
    # numbers stay numbers (a vessel's, a year), and a word mostly of digits is not a name
    assert name_tokens("Ocean 7 1972 A12") == ("ocean", "7", "1972", "a12")


def test_a_letter_pair_read_as_one_letter_has_the_same_shape() -> None:
    assert shape("rnirte") == shape("mirte") == "mirte"
    assert shape("clan") == "dan"
    assert shape("vvilliam") == "william"
    assert shape("mirte") == "mirte"


@pytest.mark.parametrize(
    ("name", "dob", "listed"),
    [
        ("RNirte Frankhuizen", None, "mf"),
        ("RNirte Frankhuizen", "1963-09-14", "mf"),
        ("CLan Lowe", "1986-01-18", "dl"),
        ("A1i Rahal", None, "ar"),
        # both names damaged: the date of birth brings the candidate in through a word that only looks alike
        ("fuy RNaury", "1941-11-16", "gm"),
        ("A1i dRahal", "1966-12-02", "ar"),
    ],
)
def test_a_misread_name_is_found(index: Index, name: str, dob: str | None, listed: str) -> None:
    assert ids(screen(index, name, dob))[:1] == [listed]


def test_a_misread_name_is_explained(index: Index) -> None:
    (match,) = [m for m in screen(index, "RNirte Frankhuizen", None) if m.entity_id == "mf"]
    assert "rnirte~mirte 0.90" in match.explanation


def test_both_names_damaged_need_the_date_of_birth(index: Index) -> None:
    assert "gm" not in ids(screen(index, "fuy RNaury", None))
    assert "gm" not in ids(screen(index, "fuy RNaury", "1950-03-03"))


def test_a_shared_date_of_birth_still_does_not_make_two_different_names_one(index: Index) -> None:
    assert "ac" not in ids(screen(index, "Chris Allan", "1982-06-07"))
