"""Two slips of the finger in one name (keys that touch on a keyboard, letters swapped, a letter left out)
against another name of the same shape: what the typing-error model tells apart that plain edit distance
cannot."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine.index import TYPING_SIM, token_sim, typing_cost

from .people import ids, screen

LIST = [
    Entity("kr", "Person", ("Kari Rivas",), ("1944-07-09",), ("TT",), "female"),
    Entity("aa", "Person", ("Alain Arnaud",), ("1965-08-04",), ("GP",), "male"),
    Entity("ll", "Person", ("Laura Maria Luiza Caldeira Cassiano",), ("1944-11-05",), ("BR",), "female"),
    Entity("sr", "Person", ("Saeed Abdul Rahman al-Amin",), ("1979-01-12",), ("EG",), "male"),
    # people who share a name with them, so that no name is unique to its person
    Entity("f1", "Person", ("Kari Jensen",), ("1950-01-01",)),
    Entity("f2", "Person", ("Pedro Rivas",), ("1961-03-08",)),
    Entity("f3", "Person", ("Alain Dubois",), ("1979-04-02",)),
    Entity("f4", "Person", ("Marc Arnaud",), ("1960-10-10",)),
    Entity("f5", "Person", ("Saeed Rahman",), ("1992-12-12",)),
    Entity("f6", "Person", ("Adel Rahman al-Amin",), ("1970-05-05",)),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(LIST)


@pytest.mark.parametrize(
    ("typed", "name", "cost"),
    [
        ("ksp", "kemp", 1.25),  # a neighbouring key struck, a letter left out
        ("rvqs", "rivas", 1.25),  # a letter left out, a neighbouring key struck
        ("lapm", "kamp", 1.0),  # a neighbouring key struck, two letters swapped
        ("kolp", "kemp", 2.0),  # two other letters
        ("kerr", "kemp", 2.0),
    ],
)
def test_typing_cost_weighs_slips_of_the_finger_less_than_other_letters(
    typed: str, name: str, cost: float
) -> None:
    assert typing_cost(typed, name) == pytest.approx(cost)


def test_two_slips_in_a_long_name_make_a_close_pair_another_name_does_not() -> None:
    assert token_sim("rvqs", "rivas") == TYPING_SIM
    # "gorman" is two letters from "gordon" too, but neither is a slip: another name, a loose pair
    assert typing_cost("gorman", "gordon") == pytest.approx(2.0)
    assert token_sim("gorman", "gordon") < TYPING_SIM


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("Kari Rvqs", "kr"),
        ("Laura Maria ouiaz Caldeira Cassiano", "ll"),
    ],
)
def test_two_slips_in_one_name_alert_without_a_date_of_birth(index: Index, name: str, listed: str) -> None:
    matches = screen(index, name, None)
    assert ids(matches)[:1] == [listed]
    assert "(2 typing errors)" in matches[0].explanation
    # another date of birth still tells them apart
    assert listed not in ids(screen(index, name, "1990-02-17"))


def test_a_damaged_abdul_the_list_does_not_know_is_that_name(index: Index) -> None:
    # the list's "Abdul" is the particle "abd" once normalised; "bAul" is two slips from its written form
    assert ids(screen(index, "Saeed bAul Rahman al-Amin", None))[:1] == ["sr"]
    # a name the list knows ("Adel") is not a damaged Abdul: it is compared as the name it is
    matches = screen(index, "Saeed Adel Rahman al-Amin", None)
    assert "sr" not in ids(matches)


def test_two_slips_beside_another_spelling_count_only_as_alike_as_their_letters() -> None:
    ix = Index.build(
        [
            Entity("lh", "Person", ("Laila Moustafa Haidar",), ()),
            Entity("x1", "Person", ("Laila Kamal",), ()),
            Entity("x2", "Person", ("Omar Haidar",), ()),
        ]
    )
    # the other names as written: "hadad" for "haidar" is two slips of the finger, a close pair
    written = screen(ix, "Laila Moustafa Hadad", None)[0]
    assert "hadad~haidar 0.84 (2 typing errors)" in written.explanation
    # every other name spelt differently as well: the differences add up, the pair counts as its letters
    spelt = ix.screen(Entity("q", "Person", ("Leila Mostafa Hadad",)), threshold=0.5)[0]
    assert "typing errors" not in spelt.explanation
    assert spelt.score < written.score - 0.1
