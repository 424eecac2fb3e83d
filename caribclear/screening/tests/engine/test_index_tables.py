"""The index's faster and smaller structures answer exactly as the plain ones they replace."""

from __future__ import annotations

import random
from collections import OrderedDict

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caribclear.screening.engine import Entity, Index
from caribclear.screening.engine import index as engine
from caribclear.screening.engine.dates import best_effect, compare_birth_dates, parse_partial
from caribclear.screening.engine.index import (
    _Deletions,
    _deletions,
    _deletions2,
    _intersect,
    _member,
    _Table,
    _union,
    token_sim,
    token_sims,
    typing_cost,
)


def _keys(texts: list[str]) -> list[int]:
    return [engine._key(t) for t in texts]


def _find(table: _Deletions, keys: list[int]) -> set[int]:
    """The words one search of a deletion table finds for ``keys``."""
    return set(table.find_grouped(keys, [0] * len(keys))[1])


def _sounds(table: _Table, texts: list[str]) -> list[int]:
    """The words one search of a sound table finds for ``texts``."""
    return table.find_grouped(texts, [0] * len(texts))[1]


WORDS = [
    "garcia", "garzia", "gracia", "parkinson", "pakqrkinson", "mohammed", "muhammad", "kudryashova",
    "kudrjaschowa", "arnold", "amold", "mirte", "rnirte", "kemp", "ksp", "rivas", "rvqs", "henry", "hemy",
    "vandenbergh", "ab", "x", "1972", "j0hn", "zoë", "abdul", "anna", "ana", "lewis", "lgwih", "dupre",
]  # fmt: skip

letters = st.text(alphabet="abcdeilmnorstuvwz", min_size=1, max_size=11)


@settings(max_examples=150, deadline=None)
@given(letters, st.lists(letters, max_size=12))
def test_a_row_of_similarities_is_the_similarities_one_pair_at_a_time(word: str, others: list[str]) -> None:
    others = [*others, *WORDS, word]
    assert token_sims(word, others) == [token_sim(word, o) for o in others]


entity_sets = st.lists(st.sets(st.integers(0, 60), max_size=25), min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(entity_sets, st.lists(st.integers(0, 70), max_size=30))
def test_sets_of_entities_as_arrays_answer_as_python_sets(sets: list[set[int]], probes: list[int]) -> None:
    arrays = [np.array(sorted(s), dtype=np.int32) for s in sets]
    a, b = sets[0], sets[-1]
    assert _intersect(arrays[0], arrays[-1]).tolist() == sorted(a & b)
    for listed in (71, 10**6):  # the union by a mask of all the listed, and by sorting
        assert _union(arrays, listed).tolist() == sorted(set().union(*sets))
    assert _member(np.array(probes, dtype=np.int32), arrays[0]).tolist() == [p in a for p in probes]


def test_every_word_in_the_examples_against_every_other() -> None:
    for word in WORDS:
        assert token_sims(word, WORDS) == [token_sim(word, o) for o in WORDS]


def test_the_deletion_tables_find_each_word_by_each_of_its_deletions_and_no_other() -> None:
    rng = random.Random(7)
    words = sorted({"".join(rng.choice("aeiklmnrst") for _ in range(rng.randint(3, 12))) for _ in range(400)})
    words += ["zoë-ann", "éloïse"]  # not plain ASCII: keyed one by one
    for two, min_len, deletions in ((False, 4, _deletions), (True, 5, _deletions2)):
        table = _Deletions(words, min_len, two=two)
        expected: dict[str, set[int]] = {}
        for tid, word in enumerate(words):
            if len(word) >= min_len:
                for d in deletions(word):
                    expected.setdefault(d, set()).add(tid)
        for text, tids in expected.items():
            assert tids <= _find(table, _keys([text]))
        # a text that is no deletion of any word finds nothing (or, rarely, a word whose key it shares)
        strays = [t for t in ("qqqq", "zzzzzz", "kemp") if t not in expected]
        assert all(len(_find(table, _keys([t]))) <= 1 for t in strays)


def test_one_search_of_a_table_for_many_words_finds_for_each_what_searching_it_alone_finds() -> None:
    rng = random.Random(11)
    words = sorted({"".join(rng.choice("aeiklmnrst") for _ in range(rng.randint(4, 10))) for _ in range(300)})
    table = _Deletions(words, 4, two=False)
    queries = [*words[:60], "qqqq", "kemp", "zzzzzzz"]
    texts = [sorted(_deletions(word) | _deletions2(word) | {word}) for word in queries]
    keys = [_keys(t) for t in texts]
    groups, ids = table.find_grouped(
        [k for ks in keys for k in ks], [g for g, ks in enumerate(keys) for _ in range(len(ks))]
    )
    found: dict[int, set[int]] = {}
    for g, tid in zip(groups, ids, strict=True):
        found.setdefault(g, set()).add(tid)
    for g, k in enumerate(keys):
        assert found.get(g, set()) == _find(table, k)
        assert found.get(g, set()) == set().union(*(_find(table, k[i : i + 1]) for i in range(len(k))))
    assert all(found[g] for g in range(60))  # each list word is found by its own key at least
    # the sounds table too: each text's words, in the texts' order
    sounds = _Table([("a", 1), ("b", 2), ("a", 3), ("c", 4)])
    groups, ids = sounds.find_grouped(["c", "a", "x", "a"], [0, 1, 2, 3])
    assert list(zip(groups, ids, strict=True)) == [(0, 4), (1, 1), (1, 3), (3, 1), (3, 3)]
    many = ["c", "a", "x", "a"] * 40  # more than a few: the ranges are gathered by numpy
    groups, ids = sounds.find_grouped(many, list(range(len(many))))
    assert list(zip(groups, ids, strict=True)) == [
        (g, t) for g, text in enumerate(many) for t in {"a": [1, 3], "c": [4]}.get(text, [])
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aeklmnoprs", min_size=0, max_size=9), st.text(alphabet="aeklmnoprs", max_size=9))
def test_typing_cost_with_a_limit_is_the_cost_up_to_that_limit(typed: str, name: str) -> None:
    cost = typing_cost(typed, name)
    for limit in (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0):  # (each band: words of equal and of other lengths)
        bounded = typing_cost(typed, name, limit)
        assert bounded == cost if cost <= limit else bounded > limit


def test_the_best_effect_of_two_lists_of_dates_is_their_verdicts() -> None:
    rng = random.Random(5)
    texts = ["1970", "1971", "1970-03", "1970-05", "1970-03-05", "1970-05-03", "1971-03-05", "1970-03-15"]
    texts += [
        f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" for _ in range(30)
    ]
    dates = [d for d in map(parse_partial, texts) if d is not None]
    for _ in range(500):
        query = tuple(rng.sample(dates, rng.randint(0, 2)))
        entity = tuple(rng.sample(dates, rng.randint(0, 3)))
        verdict = compare_birth_dates(query, entity)
        assert best_effect(query, entity) == (verdict.effect if verdict is not None else None)


def test_the_sets_of_entities_cached_per_word_stay_within_their_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["Maria Garcia", "Mario Garcia", "Marie Garcia", "Maria Lopez", "Marta Ruiz"] * 8
    queries = [
        Entity("q", "Person", (q,)) for q in ("Maria Garcia", "Marta Lopez", "Marta Ruiz", "Marie Lopez")
    ]
    unbounded = Index.build(Entity(str(i), "Person", (n,)) for i, n in enumerate(names))
    expected = [unbounded.screen(q, threshold=0.7) for q in queries]
    monkeypatch.setattr(engine, "SET_CACHE_BUDGET", 50)
    index = Index.build(Entity(str(i), "Person", (n,)) for i, n in enumerate(names))
    for query, matches in zip(queries, expected, strict=True):
        assert matches
        assert index.screen(query, threshold=0.7) == matches
        assert index._union_size <= 50
        assert sum(map(len, index._union_cache.values())) == index._union_size
    # a set of more than a tenth of the budget is used, not kept
    assert all(len(s) <= 5 for s in index._union_cache.values())
    assert any(len(s) > 5 for s in unbounded._union_cache.values())


def test_the_cache_of_sets_lets_the_set_used_longest_ago_go_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """A common name's set, used by query after query, is not thrown out with the rest when the cache is
    full: the set left unused longest goes first, and only as many as make room."""
    monkeypatch.setattr(engine, "SET_CACHE_BUDGET", 40)
    cache: OrderedDict[str, npt.NDArray[np.int32]] = OrderedDict()
    size = 0
    for k in range(10):
        size = engine._keep(cache, f"k{k}", np.arange(4, dtype=np.int32), size)
    assert size == 40
    cache.move_to_end("k0")  # used again
    size = engine._keep(cache, "k10", np.arange(4, dtype=np.int32), size)
    assert list(cache) == [f"k{k}" for k in range(2, 10)] + ["k0", "k10"]
    assert size == 40 == sum(map(len, cache.values()))
    # the index moves a set it uses again to the end
    names = ["Maria Garcia", "Mario Garcia", "Marie Garcia", "Marta Lopez", "Martha Lopez"]
    index = Index.build(Entity(str(i), "Person", (n,)) for i, n in enumerate(names))
    for word in ("maria", "marta", "maria"):
        index._token_set(word)
    assert list(index._union_cache) == [(0.0, "marta"), (0.0, "maria")]


name_texts = st.lists(
    st.sampled_from([*WORDS, "de", "la", "van", "der", "bin", "J.", "O'Neill", "al-Masri", "7", "Ocean 7"]),
    min_size=0,
    max_size=5,
).map(" ".join)
entities = st.builds(
    Entity,
    id=st.uuids().map(str),
    schema=st.sampled_from(["Person", "Vessel", "Organization", "LegalEntity"]),
    names=st.lists(name_texts, max_size=3).map(tuple),
    birth_dates=st.lists(
        st.sampled_from(["1971", "1971-05", "1971-05-23", "1999-12-31", "not a date", "0003-01-01"]),
        max_size=3,
    ).map(tuple),
    nationalities=st.lists(st.sampled_from(["NL", "Cuba", "jm", "XX", ""]), max_size=2).map(tuple),
    gender=st.sampled_from([None, "M", "female", "other"]),
    identifiers=st.sampled_from([{}, {"passport": ("X123",)}, {"imo": ("9187629", "IMO 9187629")}]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(entities, min_size=1, max_size=12))
def test_what_the_index_keeps_of_each_entity_reads_back_as_the_entity_prepared(listed: list[Entity]) -> None:
    index = Index.build(listed)
    store = index._store
    for i, entity in enumerate(listed):
        prep = engine._prepare(entity)
        assert store.prepared(i) == prep
        assert store.names(i) == prep.names
        assert store.joined(i) == ["".join(n) for n in prep.names] or not prep.names
        assert store.has_dates(i) == bool(prep.dobs)
        assert store.gender_of(i) == prep.gender
        words = [sum(1 for t in n if len(t) > 1 and t not in engine.PARTICLES) for n in prep.names]
        assert store.words[i] == min(words, default=0)
        for initial in "abcdjmoxz7":
            assert store.has_initial(i, initial) == any(t[0] == initial for n in prep.names for t in n)


def test_words_their_entities_and_their_sounds_read_back_as_built() -> None:
    names = ["Mohammed al-Masri", "Muhammad Elmasry", "Arnold Kemp", "Ocean 7 Holdings", "Anna Garcia", "Ana"]
    listed = [Entity(str(i), "Person", (n,)) for i, n in enumerate(names)]
    index = Index.build(listed)
    by_word: dict[str, set[int]] = {}
    for i, entity in enumerate(listed):
        for name in engine._prepare(entity).names:
            for word in engine._key_tokens(name, 0):
                by_word.setdefault(word, set()).add(i)
    assert {index._token(t) for t in range(len(index._vocab))} == set(by_word)
    for word, tid in index._vocab.items():
        assert index._token(tid) == word
        assert set(index._posting(tid)) == by_word[word]
        assert index._count(tid) == len(by_word[word])
        # each word is found by its own sound, skeletons and shape, and nothing is found by an unknown text
        sounds = ["m" + engine.phonetic(word), *("s" + s for s in engine.skeletons(word) if len(s) >= 2)]
        assert all(tid in _sounds(index._sounds, [s]) for s in sounds)
    assert _sounds(index._sounds, ["m" + engine.phonetic("zzyzx")]) == []
    assert _sounds(index._sounds, []) == []
    assert _sounds(engine._Table([]), ["manything"]) == []
    # the sounds lead where the old dict of lists did: Mohammed and Muhammad share their Metaphone key
    mohammed, muhammad = index._vocab["mohammed"], index._vocab["muhammad"]
    assert {mohammed, muhammad} <= set(_sounds(index._sounds, ["m" + engine.phonetic("mohamed")]))


def test_queries_screened_as_a_batch_get_what_each_gets_screened_alone_on_a_fresh_index() -> None:
    """The batch looks all its words up at once (``Index._expand_all``); the matches, scores and
    explanations are the same as one query at a time, with nothing expanded before."""
    rng = random.Random(5)
    given = ["maria", "jose", "anna", "arnold", "mirte", "kerry", "lucie", "bjorn", "abdul", "eder", "ben"]
    family = ["garcia", "parkinson", "henry", "hatfield", "van der velde", "al rahman", "lewis", "kemp"]
    entities = [
        Entity(
            f"E{i}",
            "Person",
            (f"{rng.choice(given)} {rng.choice(family)}",),
            (f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}",),
        )
        for i in range(400)
    ]
    damaged = ["Amold Garcia", "rnirte Hemry", "Kerry Pakqrkinson", "Bjorn vkan der Velde", "Lucie Hemy", "Andul Rahman",
               "Maria Garzia", "Jose", "Ben Lewis", "X Kemp", "Eder utLewis", "anna van der velde", "zzyzx qqq"]  # fmt: skip
    queries = [
        Entity(f"Q{i}", "Person", (name,), (f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}",))
        for i, name in enumerate(damaged)
    ]
    queries += [
        Entity(f"R{i}", "Person", (e.names[0].upper(),), e.birth_dates) for i, e in enumerate(entities[:40])
    ]
    # each word looked up with the others, or on its own
    texts = [t for q in queries for t in engine._expanded_texts(engine._prepare(q))]
    together, one_by_one = Index.build(entities), Index.build(entities)
    together._expand_all(texts)
    assert {t: together._expand_cache[t] for t in texts} == {t: one_by_one._expand(t) for t in texts}
    batch = Index.build(entities).screen_all(queries, threshold=0.7, limit=20)
    alone = [Index.build(entities).screen(q, threshold=0.7, limit=20) for q in queries]
    assert batch == alone
    assert sum(len(ms) for ms in batch) > 40  # the batch found something to compare


def test_a_few_candidates_are_bounded_in_python_exactly_as_by_numpy() -> None:
    rng = random.Random(11)
    given_names = [
        "maria",
        "mario",
        "jose",
        "john",
        "jon",
        "ana",
        "anna",
        "kerry",
        "guy",
        "2000",
        "1972",
        "de",
    ]
    surnames = ["garcia", "garzia", "lopez", "lopes", "parkinson", "maury", "van der velde", "al masri"]

    def name() -> str:
        parts = [rng.choice(given_names) for _ in range(rng.randint(0, 2))]
        return " ".join([*parts, rng.choice(surnames), *([rng.choice("jm2")] if rng.random() < 0.3 else [])])

    index = Index.build(Entity(f"E{i}", "Person", (name(), name())) for i in range(300))
    compared = 0
    for q in range(200):
        query = Entity(f"q{q}", "Person", (name(),))
        for qn in index._query_names(engine._prepare(query)):
            ids = index._candidates(qn, 0.0)
            for size in {1, 7, len(ids) // 2, min(len(ids), engine._FEW_CANDIDATES)}:
                few = ids[:size]
                assert qn._few_bounds(few, index._store) == qn.upper_bounds(few, index._store).tolist()
                compared += len(few)
    assert compared > 5000
    # and the bounds a screening keeps are those at least the least, whichever way they were worked out
    qn = index._query_names(engine._prepare(Entity("q", "Person", ("maria garcia j",))))[0]
    ids = index._candidates(qn, 0.0)
    assert len(ids) > engine._FEW_CANDIDATES
    pairs = list(zip(ids.tolist(), qn.upper_bounds(ids, index._store).tolist(), strict=True))
    assert qn.reachable(ids, index._store, 0.7) == [(i, b) for i, b in pairs if b >= 0.7]
    assert qn.reachable(ids[:10], index._store, 0.7) == [(i, b) for i, b in pairs[:10] if b >= 0.7]
