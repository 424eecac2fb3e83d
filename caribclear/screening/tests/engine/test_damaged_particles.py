"""A particle damaged by a typing error or misread (``vqan`` for ``van``, ``Alk`` for ``Al``, ``cle`` for ``de``),
and an ``Abdullah`` or ``Abdul`` typed with two letters swapped: the name is still the listed one."""

from __future__ import annotations

import pytest

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine.normalize import name_tokens

from .people import ids, screen

LISTED = [
    Entity("jg", "Person", ("Jan van Gent",), ("2004-04-08",)),
    Entity("kt", "Person", ("Khalid Waleed Al Tamimi",), ("1999-03-07",)),
    Entity("jt", "Person", ("Jaqueline Tormo de la Vicente",), ("1971-09-08",)),
    Entity("gh", "Person", ("Georges Haddad",), ("1960-02-02",)),
    Entity("hc", "Person", ("Hala Abdulla Chaabane",), ("1996-01-05",)),
    Entity("ar", "Person", ("Abdul Robles",), ("1957-12-27",)),
    # names the list knows, so that the words above are not all rare
    *(Entity(f"o{i}", "Person", (name,)) for i, name in enumerate([
        "Jan Peeters", "Anna van Dijk", "Khalid Mansour", "Waleed Saleh", "Maria de la Cruz",
        "Georges Khoury", "Hala Nassar", "Pedro Robles", "Omar Tamimi", "Tom Akl",
    ])),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(LISTED)


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("Jan vqan nGent", "jg"),  # a stray key struck in "van", a letter moved across a space
        ("Khalid Waleed Alk Tarnimi", "kt"),  # ... and in "Al", with "m" read as "rn"
        ("Jaqueline Tormo cle la Vicente", "jt"),  # "d" read as "cl"
    ],
)
def test_a_damaged_particle_does_not_count_as_a_name_the_list_lacks(
    index: Index, typed: str, listed: str
) -> None:
    [match] = screen(index, typed)
    assert match.entity_id == listed
    assert "(damaged particle)" in match.explanation


def test_a_damaged_particle_is_only_that_where_the_listed_name_has_the_particle(index: Index) -> None:
    # "Alk" is one letter from "al", but Georges Haddad has no "al": Georges Alk is another man
    assert ids(screen(index, "Georges Alk")) == []


def test_a_word_the_list_knows_as_a_name_is_not_taken_for_a_damaged_particle(index: Index) -> None:
    # "Akl" is one letter from "al" too, but the list has a Tom Akl: it is a name of its own
    def score(typed: str) -> float:
        return next(m.score for m in screen(index, typed, threshold=0.0) if m.entity_id == "kt")

    assert score("Khalid Waleed Akl Tarnimi") < score("Khalid Waleed Alk Tarnimi")


@pytest.mark.parametrize(
    ("typed", "tokens"),
    [
        ("Abdallha", ("abdullah",)),
        ("Abdulal", ("abdullah",)),
        ("Abdlula Chaabane", ("abdullah", "chaabane")),
        ("Abdlu Rofles", ("abd", "rofles")),
    ],
)
def test_an_abd_name_typed_with_two_letters_swapped_is_still_recognised(
    typed: str, tokens: tuple[str, ...]
) -> None:
    assert name_tokens(typed) == tokens


def test_other_names_that_start_with_abd_are_left_as_they_are() -> None:
    assert name_tokens("Abdin") == ("abdin",)  # a surname, one letter from "abdil"
    assert name_tokens("Abdou Diouf") == ("abdou", "diouf")


def test_a_swapped_abdullah_with_another_typo_is_found_without_a_date_of_birth(index: Index) -> None:
    assert ids(screen(index, "Hala Abdlula Chaaobane")) == ["hc"]
    assert ids(screen(index, "Abdlu Robles")) == ["ar"]
