"""Two slips of the finger in a short name (4 letters, typed as 3 or 4) beside names as listed: found without
a date of birth, and explained as the damaged word it is; other short names of the same shape, a damaged
word beside another difference, and a short word the list knows as a name of its own stay apart."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine.index import _short_slips

from .people import ids, screen

LIST = [
    Entity("mk", "Person", ("Mette Kamp",), ("1983-12-19",), ("SX",), "female"),
    Entity("lp", "Person", ("LOBO PERAL, Noé",), ("1982-11-06",), ("PR",), "male"),
    Entity("md", "Person", ("Marc Dupuis",), ("1964-01-08",), ("GF",), "male"),
    Entity("nd", "Person", ("Nout Dries",), ("1977-08-21",), ("CW",), "male"),
    # people who share a name with them, so that no name is unique to its person
    Entity("f1", "Person", ("Mette Jensen",), ("1950-01-01",)),
    Entity("f2", "Person", ("Anders Kamp",), ("1961-03-08",)),
    Entity("f3", "Person", ("Noé Garcia",), ("1979-04-02",)),
    Entity("f4", "Person", ("Pierre Dupuis",), ("1960-10-10",)),
    Entity("f5", "Person", ("Dirk Dries",), ("1992-12-12",)),
    # a short name of its own, two slips from "Kamp"
    Entity("f6", "Person", ("Rosa Lamo",), ("1970-05-05",)),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(LIST)


@pytest.mark.parametrize(
    ("name", "listed", "why"),
    [
        # "k" struck as its neighbour "l", "m" and "p" swapped: never a candidate before the ninth round
        ("Mette lapm", "mk", "lapm~kamp 0.84 (2 typing errors)"),
        # "m" and "a" swapped, "c" struck as "v"
        ("aMrv Dupuis", "md", "amrv~marc 0.84 (2 typing errors)"),
        # the list writes the surnames first: "o" and "l" swapped, "b" struck as "g"
        ("Noé oLgo Peral", "lp", "olgo~lobo 0.84 (2 typing errors)"),
        # "o" struck as "l", "u" as "j"
        ("Nljt Dries", "nd", "nljt~nout 0.84 (2 typing errors)"),
    ],
)
def test_two_slips_in_a_short_name_beside_names_as_listed_alert_without_a_date_of_birth(
    index: Index, name: str, listed: str, why: str
) -> None:
    matches = screen(index, name)
    assert ids(matches)[:1] == [listed]
    assert why in matches[0].explanation
    # another date of birth tells the two apart
    assert listed not in ids(screen(index, name, "1931-07-22"))


@pytest.mark.parametrize("name", ["Mette Kolp", "Mette Dams", "Mette Kerr"])
def test_another_short_name_of_the_same_shape_stays_apart(index: Index, name: str) -> None:
    # two letters from "Kamp" that are not slips of the finger (other letters, keys far apart)
    assert "mk" not in ids(screen(index, name))


def test_a_short_damaged_word_beside_another_difference_stays_apart(index: Index) -> None:
    # "Mete" is a letter off "Mette" as well: two differences add up to another person's name
    assert "mk" not in ids(screen(index, "Mete lapm"))
    # and a damaged short word alone is too little of a name to go on
    assert "mk" not in ids(screen(index, "lapm"))


def test_a_short_word_the_list_knows_is_a_name_of_its_own(index: Index) -> None:
    # "Lamo" is a listed name: "Mette Lamo" is not "Mette Kamp" with two slips ("k" struck as "l", "p" as
    # "o"), though its letters are
    assert _short_slips("lamo", "kamp")
    assert "mk" not in ids(screen(index, "Mette Lamo"))
