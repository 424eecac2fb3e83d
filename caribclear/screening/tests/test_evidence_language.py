"""A hit's reasons read in the officer's language: the engine writes them in English (and the hit keeps them
so); the pages show them in Spanish, French or Dutch with the names, dates and figures as they were."""

from __future__ import annotations

import itertools

import pytest
from django.utils import translation

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine.dates import compare_birth_dates, parse_partial
from caribclear.screening.engine.index import INEXACT_NAME_DATE, PART_NAME_DATE
from caribclear.screening.evidence import evidence_text, localise

LIST = [
    Entity("kp", "Person", ("Kerry Parkinson",), ("1974-12-04",), ("GB",), "female"),
    Entity("jp", "Person", ("James John Payne",), ("1970-07-19",), ("JM",), "male"),
    Entity("tg", "Person", ("Tijn Pim Gervais",), ("1988-03-21",), ("NL",), "male"),
    Entity("ay", "Person", ("Ana Yolanda Alvarez Lopez",), ("1962-05-30",), ("CU",), "female"),
    Entity("mg", "Person", ("Maria Garcia",), ("1975",), ("VE",), "female", {"passport": ("X1234567",)}),
    Entity("f1", "Person", ("Kerry Walker",), ("1950-01-01",)),
    Entity("f2", "Person", ("James Walker",), ("1950-01-01",)),
    Entity("f3", "Person", ("Maria Santos",), ("1979-04-02",)),
    Entity("cr", "Person", ("Carlos Rivas",), ("1970-01-01",)),
    Entity("f4", "Person", ("Carlos Walker",)),
    Entity("jg", "Person", ("Jan van Gent",)),
]

QUERIES = [
    Entity("q", "Person", ("Kerry Parkinson",), ("1974-12-04",), ("GB",), "female"),
    Entity("q", "Person", ("Kerry Pakqrkinson",), ("1974-12-04",)),
    Entity("q", "Person", ("Kerry Parkinsen",), ("1974-04-12",), ("FR",), "male"),
    Entity("q", "Person", ("K Parkinson",), ("1975-12-04",)),
    Entity("q", "Person", ("James Payne",), ("1970-02-03",)),
    Entity("q", "Person", ("James Payne",), ("1971-07-19",)),
    Entity("q", "Person", ("James Payne Junior",), ("1970-07-19",)),
    Entity("q", "Person", ("Tijn iPm Gervais",), ("1988-03-21",)),
    Entity("q", "Person", ("Aa Yoalnda Alvarez Lopez",), ("1962-05-30",)),
    Entity("q", "Person", ("Mario Garcia",), ("1976",), (), None, {"passport": ("X1234567",)}),
    Entity("q", "Person", ("Maria Garcia",), ("1975-06-01",)),
    Entity("q", "Person", ("Maria Garcia",), ("1980-06-01",)),
    Entity("q", "Person", ("Kerry Pakrkinsom",)),
    Entity("q", "Person", ("Carlos Rvqs",)),
    Entity("q", "Person", ("Jan vqan nGent",)),
]


@pytest.fixture(scope="module")
def details() -> list[str]:
    index = Index.build(LIST)
    found = [m for q in QUERIES for m in index.screen(q, threshold=0.5)]
    return [ev.detail for m in found for ev in m.evidence]


def test_every_reason_the_engine_gives_is_read_back(details: list[str]) -> None:
    kinds = {d.split(" ")[0] for d in details}
    assert {"date", "nationality", "gender", "same"} <= kinds, kinds  # the cases reach every kind of reason
    assert any("with the same date of birth" in d for d in details)
    assert any("written without spaces" in d for d in details)
    assert any("list only:" in d for d in details)
    assert any("(2 typing errors)" in d for d in details)
    assert any("(damaged particle)" in d for d in details)
    unknown = [d for d in details if not localise(d)[1]]
    assert unknown == []


def test_every_fixed_phrase_and_date_comparison_is_read_back() -> None:
    phrases = [why for table in (INEXACT_NAME_DATE, PART_NAME_DATE) for _, why in table.values() if why]
    dates = [
        "1974-12-04",
        "1974-04-12",
        "1974-12-05",
        "1974-12-24",
        "1974-11-04",
        "1974-12",
        "1974",
        "1975-12-04",
        "1975-06-01",
        "1975",
        "1976-12-04",
        "1947-12-04",
        "1984-12-04",
        "1990-01-01",
        "1974-12-01",
    ]
    for a, b in itertools.product(dates, repeat=2):
        qa, qb = parse_partial(a), parse_partial(b)
        assert qa is not None and qb is not None
        verdict = compare_birth_dates((qa,), (qb,))
        if verdict is not None:
            phrases.append(verdict.detail)
    unknown = [p for p in phrases if not localise(p)[1]]
    assert unknown == []


@pytest.mark.parametrize(
    ("language", "detail", "shown"),
    [
        (
            "es",
            "date of birth 1974-12-04 vs 1974-04-12: day and month swapped",
            "fecha de nacimiento 1974-12-04 frente a 1974-04-12: día y mes intercambiados",
        ),
        (
            "fr",
            "date of birth 1961 vs 1970-05-02: 9 years apart",
            "date de naissance 1961 contre 1970-05-02 : 9 ans d’écart",
        ),
        (
            "nl",
            "kerry=kerry, pakqrkinson~parkinson 0.83, list only: john",
            "kerry=kerry, pakqrkinson~parkinson 0.83, alleen op de lijst: john",
        ),
        (
            "es",
            "lgwih~lewis (2 letters off), aa~ana (1 letter off) with the same date of birth: a damaged name "
            "the date confirms",
            "lgwih~lewis (2 letras de diferencia), aa~ana (1 letra de diferencia) con la misma fecha de nacimiento: "
            "un nombre dañado que la fecha confirma",
        ),
        ("fr", "name not exact and another date of birth", "nom inexact et autre date de naissance"),
        (
            "nl",
            "jan=jan, vqan~van (damaged particle), ngent~gent 0.87",
            "jan=jan, vqan~van (beschadigd tussenvoegsel), ngent~gent 0.87",
        ),
    ],
)
def test_shown_in_the_officers_language_with_names_and_dates_as_written(
    language: str, detail: str, shown: str
) -> None:
    with translation.override(language):
        assert evidence_text(detail) == shown
    with translation.override("en"):
        assert evidence_text(detail) == detail


def test_a_line_from_another_engine_version_is_shown_as_written() -> None:
    with translation.override("es"):
        assert localise("a reason no engine of this version gives") == (
            "a reason no engine of this version gives",
            False,
        )
