"""The watchlist index: candidate generation, then scoring of the few candidates.

Candidate generation works on the list's vocabulary, not on its entries. Every distinct name token (and
join of a particle or short token with its neighbour, ``delacruz``) has a posting list: the entries whose
names contain it. A query token is expanded to the vocabulary tokens that look like it: the same token,
the same Metaphone key (``Mohammed`` ~ ``Muhammad``), the same consonant skeleton of a common romanised
spelling (``Kudryashova`` ~ ``Kudrjaschowa``, ``Elmasry`` ~ ``al-Masri``), or one edit away on either side
(a symmetric-deletion index, as in SymSpell: ``Garcia`` ~ ``Garzia`` ~ ``Garica``), or the same but for a
letter pair a document reader took for one letter (``Rnirte`` ~ ``Mirte``, ``CLan`` ~ ``Dan``, see
``normalize.shape``; digits read for letters, ``J0hn``, are read back when a name is normalised). A query
token the list does not have is also looked up two edits away from list tokens of 5+ letters (``Gorwob`` ~
``Gordon``, ``Pakqrkinson`` ~ ``Parkinson``), through their two-letter deletions. Each query token then
stands for the union of the postings of its expansions.

A candidate must share enough of the query's weight (rare tokens weigh more than common ones) to be able to
reach the threshold at all; the index enumerates the minimal sets of query tokens that carry that much
weight and intersects their postings, so ``Maria Garcia`` looks at the entries that have both a Maria-like
and a Garcia-like token, not at every Maria. Two more ways in: a damaged name is compared, spaces removed,
with the names of its rarest word's entities (``aofi Amalrada`` ~ ``Sofia Amalrada``), and people born on
the query's date of birth (or one recording error from it) who share any one word the index relates to one
of the query's are scored whatever the rest of the name (``Kerry Pakqrkinson`` born 1974-12-04, ``fuy RNaury``
born the day ``Guy Maury`` was). Identifiers (passport, IMO, MMSI...) are looked up exactly.

The candidates are then scored by :meth:`Index.screen`: names token by token (``_QueryName.align``: each
query token is paired greedily with its most similar entity token; the score is the weighted share of the
query that matched, lightly penalised by entity tokens left over), then dates of birth, identifiers,
nationality and gender as evidence that raises or lowers the score (``Index._score``). A name that is not
exact, or only part of the listed one (``James Payne`` for ``James John Payne``), costs more when the date of
birth does not confirm it: two differences together tell a stranger from the listed person.

Two edits can make a misspelling or another name (``Gorman`` for ``Gordon``); ``typing_cost`` tells them
apart with a model of typing errors (keys that touch on a QWERTY keyboard, two letters swapped, a letter
doubled or left out). Two such slips in a name of 4+ letters (one of them 5+) make a close pair
(``Rvqs`` ~ ``Rivas``, ``Hemy`` ~ ``Henry``) when the query's other names are as listed; in a name of 3 or 4
letters the same date of birth confirms them (``Ksp`` ~ ``Kemp``), as it does any two errors in a longer one.
Without the date, two slips in a name of 4 letters make a close pair only where the typed word is none the
list knows and every other name of the query is as listed (``Mette lapm`` ~ ``Mette Kamp``); the entities
that have all of the query's exact words are searched for such a word (``Index._slip_block``).
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA, JaroWinkler

from .dates import (
    EXACT,
    NEAR,
    YEAR_ONLY,
    Agreement,
    PartialDate,
    best_effect,
    compare_birth_dates,
    parse_partial,
)
from .model import SCHEMAS, Entity, Evidence, Match
from .normalize import (
    ABD_FORMS,
    GENERIC_WORDS,
    GIVEN_NAME_PARTICLES,
    PARTICLES,
    Unit,
    country_code,
    name_tokens,
    name_units,
    normalize_gender,
    normalize_identifier,
    phonetic,
    shape,
    skeletons,
    spellings,
)

#: Tokens at least this long are also related two edits away (``Pakqrkinson`` ~ ``Parkinson``, ``Gorwob`` ~
#: ``Gordon``): the symmetric-deletion index holds their two-letter deletions as well. (The similarity then
#: decides: two edits in a short token rarely leave it similar enough to count, ``Ksp`` ~ ``Kemp``.)
TWO_EDITS_MIN = 5
#: Default alert threshold, chosen on the benchmark in bench/screening (see its RESULTS.md).
DEFAULT_THRESHOLD = 0.80
#: Most candidates scored in full per query (the ones that share the most weight with it).
MAX_SCORED = 300
#: Whole names of at least this many letters (spaces removed) one edit apart are a typo; two edits need
#: ``SPACELESS_MIN_TWO`` letters. Such a name scores ``SPACELESS_EXACT`` less ``SPACELESS_EDIT`` per edit.
SPACELESS_MIN = 8
SPACELESS_MIN_TWO = 12
SPACELESS_EXACT = 0.97
SPACELESS_EDIT = 0.05
#: A name token left unmatched that the same date of birth shows to be a damaged list name (one or two
#: typing errors) counts as a pair of this similarity.
DAMAGED_SIM = 0.84
#: Two typing errors (the first letter's included: ``Jzman`` for ``Guzman``) need a name of this many letters:
#: in a shorter one they leave too little of it to go on (``Kzmn`` is not ``Kemp``)...
DAMAGED_TWO_MIN = 5
#: ...unless they are two slips of the finger (see ``typing_cost``) in a name of 3+ letters costing at most
#: this much: ``Ksp`` for ``Kemp`` (``e`` struck as its neighbour ``s``, ``m`` left out) 1.25, against
#: another short name of the same shape, ``Kolp`` 2.0 or ``Kerr`` 2.0.
TYPING_TWO_SHORT = 1.25
#: A name two edits from another (OSA) whose edits cost at most ``TYPING_TWO`` as typing errors, both of 4+
#: letters and one of ``TYPING_MIN`` or more, is at least ``TYPING_SIM`` similar to it: two slips of the
#: finger in one name (``Rvqs`` ~ ``Rivas``, ``xrnahd`` ~ ``Arnaud``) make a close pair, as a typo does,
#: where another name of the same shape (``Pegler`` ~ ``Peron``) stays a loose one.
TYPING_SIM = 0.84
TYPING_TWO = 1.25
TYPING_MIN = 5
#: In a shorter name (4 letters, the typed one 3 or 4: ``Ksp`` ~ ``Kemp``, ``lapm`` ~ ``Kamp``) two slips
#: make a close pair only where the typed word is not a name the list knows and the query's other names
#: are all as listed (see ``_QueryName._slips_alone``): ``Mette lapm`` for ``Mette Kamp``, not ``Lobo`` for
#: ``Olgo``. Such a name is a candidate through its exact words (``Index._slip_block``).
TYPING_SHORT_MIN = 3
#: The entities that have all of a query name's exact words are searched for its one damaged short word when
#: they are at most this many.
SLIP_BLOCK = 1000
#: A name written without spaces is compared with the listed names of its rarest word's entities (see
#: ``Index._spaceless_bounds``) when that word has at most this many.
SPACELESS_BLOCK = 500
#: Most candidates of the date-of-birth block scored per query.
MAX_BORN = 200
#: Two words alike but for a letter pair misread as one letter (``Rnirte`` ~ ``Mirte``, see ``shape``) are
#: this similar: as close as a typo.
MISREAD_SIM = 0.90
#: Token similarity below this is no match at all.
TOKEN_MIN = 0.70
#: Token pairs less similar than this count for less than their similarity (see ``_credit``).
CLOSE_SIM = 0.88
#: Pairs less similar than this (``Chris`` ~ ``Cruz`` 0.78; a typo is about 0.85 or more) are a loose
#: resemblance: they count only in the order of the name's other pairs.
LOOSE_SIM = 0.82
#: Expansions at least this similar may count fully when bounding a candidate's score; others less.
STRONG_SIM = 0.9
#: Spellings with the same Metaphone key gain this much similarity, up to the cap (lower for short tokens).
PHONETIC_BUMP = 0.10
PHONETIC_CAP = 0.90
PHONETIC_CAP_SHORT = 0.80
#: Similarity a join of two tokens needs to match ("nasr allah" ~ "nasrallah").
JOIN_MIN = 0.92
#: Weight of an entity's name tokens that the query does not have (extra middle names, second surnames).
UNMATCHED_ENTITY_WEIGHT = 0.2
#: Weight of particles (van, de, al...) and generic words (ltd, company...).
MINOR_WEIGHT = 0.1
#: A query word the list does not know, one typing error from a particle or misread for one (``vqan`` for
#: ``van``, ``Alk`` for ``Al``, ``cle`` for ``de``), standing where the list name has that particle left
#: over, is that particle damaged: it pairs with it at this similarity and weighs as a particle.
PARTICLE_SLIP_SIM = 0.84
#: Weight of a single-letter initial in the query.
INITIAL_WEIGHT = 0.6
#: Similarity of an initial to a name starting with that letter.
INITIAL_SIM = 0.85
#: What an inexact name (a letter off, a name only the query has) costs when the date of birth does not
#: confirm it. Alone, each difference is tolerated; together they are what tells two people apart in a long
#: list (``Collin Simpson`` born 1994-10-02 is not ``Colin Simpson`` born 1994-06-15).
_ONE_ERROR_OFF = -0.06
INEXACT_NAME_DATE: dict[Agreement, tuple[float, str]] = {
    Agreement.CONFIRMS: (0.0, ""),
    # a year shared with a list that gives only the year (one person in 65 or so) confirms a damaged name no
    # more than a full date one recording error off: with the dates' own effects, both come to the same
    # (issue 10: at a million listed, a third of the random travellers who alerted)
    Agreement.WEAK: (
        _ONE_ERROR_OFF + NEAR - YEAR_ONLY,
        "name not exact and the date of birth gives the year only",
    ),
    Agreement.TOLERATED: (
        _ONE_ERROR_OFF,
        "name not exact and the date of birth one error off: two differences together",
    ),
    Agreement.DIFFERS: (-0.15, "name not exact and another date of birth"),
}
#: What a name that is only part of the listed one (``James Payne`` for ``James John Payne``) costs when the
#: date of birth does not confirm it, as an inexact name does: alone, a name left out is tolerated (a
#: sanctions list alerts on it), but with the date off as well the two differences make a stranger who shares
#: part of a name.
PART_NAME_DATE: dict[Agreement, tuple[float, str]] = {
    Agreement.CONFIRMS: (0.0, ""),
    # less than an inexact name's: the listed person himself, his middle name or second surname left out and
    # only his year on the list, must still be found
    Agreement.WEAK: (
        -0.04,
        "only part of the listed name and the date of birth gives the year only",
    ),
    Agreement.TOLERATED: (
        INEXACT_NAME_DATE[Agreement.TOLERATED][0],
        "only part of the listed name and the date of birth one error off: two differences together",
    ),
    Agreement.DIFFERS: (
        INEXACT_NAME_DATE[Agreement.DIFFERS][0],
        "only part of the listed name and another date of birth: two differences together",
    ),
}
NATIONALITY_MATCH = 0.02
NATIONALITY_MISMATCH = -0.04
GENDER_MISMATCH = -0.10
IDENTIFIER_MATCH = 0.50
#: Lowest score of an entity that shares an identifier with the query.
IDENTIFIER_FLOOR = 0.90
#: The most any evidence other than identifiers can add; used to prune candidates.
_MAX_BOOST = EXACT + NATIONALITY_MATCH
#: A query token the index could not relate to an entity's tokens may still match fuzzily when scored
#: (a far romanisation): when a name has three or more keys, the bound lets one missing key count this much.
_MISSING_KEY_ALLOWANCE = 0.8
_MAX_KEYS = 8

_K = TypeVar("_K")

_SCHEMA_CODE = {name: i for i, name in enumerate(SCHEMAS)}
_VESSEL = _SCHEMA_CODE["Vessel"]
_LEGAL = _SCHEMA_CODE["LegalEntity"]


def _compatible(a: int, b: int) -> bool:
    """Persons match persons, vessels vessels; a LegalEntity matches a person or an organisation."""
    return a == b or (_LEGAL in (a, b) and _VESSEL not in (a, b))


@lru_cache(maxsize=1_000_000)
def token_sim(a: str, b: str) -> float:
    """Similarity of two name tokens in [0, 1]: edit distance, Jaro-Winkler and Metaphone combined, and two
    slips of the finger in a long enough name (``Pakrkinsom``) a close pair: a typing error more than another
    name (see ``TYPING_SIM``)."""
    sim = _letters_sim(a, b)
    if sim < TYPING_SIM and _two_slips(a, b):
        sim = TYPING_SIM
    return sim


@lru_cache(maxsize=100_000)
def _letters_sim(a: str, b: str) -> float:
    """``token_sim`` but for the typing-error model: edit distance, Jaro-Winkler and Metaphone combined.

    The edit distance is the optimal string alignment distance, which counts two neighbouring letters
    typed in the wrong order as one edit (``Mayo`` ~ ``Maoy`` 0.84), as Levenshtein's does not (0.72).
    """
    if a == b:
        return 1.0
    if len(a) < 2 or len(b) < 2:
        return 0.0
    if a.isdigit() or b.isdigit():
        return 0.0
    sim = (OSA.normalized_similarity(a, b) + JaroWinkler.similarity(a, b)) / 2
    if sim < 0.97:  # romanised differently? compare the spellings they may stand for, slightly discounted
        for sa in spellings(a):
            for sb in spellings(b):
                if sa == sb:
                    return max(sim, 0.97)
                alt = (OSA.normalized_similarity(sa, sb) + JaroWinkler.similarity(sa, sb)) / 2
                sim = max(sim, 0.97 * alt)
    # a letter pair misread as one letter of the same shape (``rn`` for ``m``): as far apart as one typo
    sa, sb = shape(a), shape(b)
    if (sa != a or sb != b) and sim < MISREAD_SIM:
        alt = 1.0 if sa == sb else (OSA.normalized_similarity(sa, sb) + JaroWinkler.similarity(sa, sb)) / 2
        sim = max(sim, MISREAD_SIM * alt)
    # the same Metaphone key says the difference is one of spelling more than of sound: worth a bump, not
    # a verdict (Guzman and Cosman share a key too)
    cap = PHONETIC_CAP if min(len(a), len(b)) > 3 else PHONETIC_CAP_SHORT
    if 0.65 <= sim < cap and phonetic(a) == phonetic(b):
        sim = min(cap, sim + PHONETIC_BUMP)
    return sim


def token_sims(a: str, others: list[str]) -> list[float]:
    """``[token_sim(a, b) for b in others]``, the same values, for a query word and its index neighbours at
    once: what depends on ``a`` alone (its spellings, shape, Metaphone key) is worked out once, the string
    comparisons are called directly (a query word has a dozen neighbours on average: ``cdist``'s set-up cost
    more than the comparisons), and the typing-error model is asked only about pairs two edits apart."""
    if not others:
        return []
    if len(a) < 2 or a.isdigit():
        return [1.0 if a == b else 0.0 for b in others]
    osa = OSA.normalized_similarity
    jw = JaroWinkler.similarity
    mine = spellings(a)
    sa = shape(a)
    pa = phonetic(a)
    long_a = len(a)
    out: list[float] = []
    for b in others:
        if a == b:
            out.append(1.0)
            continue
        if len(b) < 2 or b.isdigit():
            out.append(0.0)
            continue
        sim = (osa(a, b) + jw(a, b)) / 2
        settled = False
        if sim < 0.97:  # romanised differently? the spellings they may stand for, slightly discounted
            theirs = spellings(b)
            if len(theirs) == 1 and len(mine) == 1:
                x, y = mine[0], theirs[0]
                alt = -1.0 if x == a and y == b else (osa(x, y) + jw(x, y)) / 2
            else:  # (loops, not ``max`` over a generator: a third of this function's time went to it)
                alt = 0.0
                for y in theirs:
                    for x in mine:
                        value = (osa(x, y) + jw(x, y)) / 2
                        if value > alt:
                            alt = value
            if alt >= 0.0:
                if alt == 1.0:  # the same spelling
                    sim = 0.97
                    settled = True
                elif 0.97 * alt > sim:
                    sim = 0.97 * alt
        if not settled:
            # a letter pair misread as one letter of the same shape
            if sim < MISREAD_SIM:
                sb = shape(b)
                if sa != a or sb != b:
                    value = MISREAD_SIM * ((osa(sa, sb) + jw(sa, sb)) / 2)
                    if value > sim:
                        sim = value
            cap = PHONETIC_CAP if min(long_a, len(b)) > 3 else PHONETIC_CAP_SHORT
            if 0.65 <= sim < cap and pa == phonetic(b):
                sim = min(cap, sim + PHONETIC_BUMP)
        if sim < TYPING_SIM and len(b) >= 4 and long_a >= 4 and _two_slips(a, b):
            sim = TYPING_SIM
        out.append(sim)
    return out


def _two_slips(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` typed with two slips of the finger (see ``TYPING_SIM``)."""
    return (
        max(len(a), len(b)) >= TYPING_MIN
        and min(len(a), len(b)) >= 4
        and OSA.distance(a, b, score_cutoff=2) == 2
        and typing_cost(a, b, TYPING_TWO) <= TYPING_TWO
    )


def _short_slips(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` typed with two slips of the finger where the longer is of 4 letters (``ksp`` ~
    ``kemp``, ``lapm`` ~ ``kamp``): a close pair only in the company ``TYPING_SHORT_MIN`` describes, so
    ``token_sim`` does not say it; the index does, for a query word it does not know (``Index._expand``,
    ``_unit_sim``)."""
    return (
        max(len(a), len(b)) == 4
        and min(len(a), len(b)) >= TYPING_SHORT_MIN
        and OSA.distance(a, b, score_cutoff=2) == 2
        and typing_cost(a, b, TYPING_TWO) <= TYPING_TWO
    )


# Key centres of a QWERTY keyboard: each row is shifted right of the one above (by a quarter, then half a key).
_KEY_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
_KEY_AT = {ch: (r, off + c) for r, (row, off) in enumerate(_KEY_ROWS) for c, ch in enumerate(row)}
#: letters whose keys touch: beside each other on a row, or less than a key's width apart on the next row
_NEIGHBOURS: dict[str, frozenset[str]] = {
    a: frozenset(
        b
        for b, (rb, xb) in _KEY_AT.items()
        if b != a and abs(ra - rb) <= 1 and abs(xa - xb) <= (1.0 if ra == rb else 0.8)
    )
    for a, (ra, xa) in _KEY_AT.items()
}
#: what each typing error costs in ``typing_cost``: a slip of the finger (a neighbouring key struck instead,
#: two letters swapped, a letter doubled or a doubled one typed once) half an edit; a letter left out, or a
#: neighbouring key struck as well, three quarters; any other letter for another, or a stray one, a whole edit
_SLIP = 0.5
_OMIT = 0.75
_OTHER = 1.0


def _stray_cost(typed: str, i: int) -> float:
    """Cost of the letter ``typed[i]`` typed where the name has none: a doubled letter is a slip, a
    neighbouring key struck as well costs as much as a letter left out, any other letter a whole edit."""
    c = typed[i]
    near = [typed[j] for j in (i - 1, i + 1) if 0 <= j < len(typed)]
    if c in near:
        return _SLIP
    if any(c in _NEIGHBOURS.get(x, ()) for x in near):
        return _OMIT
    return _OTHER


@lru_cache(maxsize=50_000)
def _strays(typed: str) -> tuple[float, ...]:
    """What each letter of ``typed`` costs typed where the name has none (see ``_stray_cost``)."""
    return tuple(_stray_cost(typed, i) for i in range(len(typed)))


@lru_cache(maxsize=50_000)
def _omits(name: str) -> tuple[float, ...]:
    """What leaving out each letter of ``name`` costs: a doubled one is a slip."""
    m = len(name)
    return tuple(
        _SLIP if (j >= 1 and name[j - 1] == b) or (j + 1 < m and name[j + 1] == b) else _OMIT
        for j, b in enumerate(name)
    )


@lru_cache(maxsize=200_000)
def typing_cost(typed: str, name: str, limit: float = math.inf) -> float:
    """How many typing errors turn ``name`` into ``typed``, weighing each by how easily a typist makes it
    (an edit distance with the weights above): ``kemp`` -> ``ksp`` 1.25 (``e`` struck as ``s``, ``m`` left
    out), ``kemp`` -> ``kolp`` 2.0 (two other letters). Tells two slips of the finger from another name
    of the same shape, which plain edit distance cannot. Stops as soon as the cost is sure to exceed
    ``limit``, and then returns some value above it.

    With a ``limit``, only the cells of the table a way through it within ``limit`` can reach are worked
    out: a letter left out or added costs at least ``_SLIP`` and moves the way one cell off the diagonal,
    and it must end ``len(name) - len(typed)`` cells off it, so with ``limit`` a way strays at most
    ``reach`` cells beyond the stretch between the diagonal and that end (the cost is exact when it is at
    most ``limit``)."""
    n, m = len(typed), len(name)
    inf = math.inf
    band = int(limit // _SLIP) if limit != inf else n + m
    if abs(n - m) > band:
        return inf
    # the offsets (column minus row) a way within the limit can reach
    reach = (band - abs(m - n)) // 2
    low, high = min(0, m - n) - reach, max(0, m - n) + reach
    stray = _strays(typed)
    omit = _omits(name)
    neighbours = _NEIGHBOURS
    none: frozenset[str] = frozenset()
    prev2: list[float] = []
    prev = [j * _OMIT if j <= high else inf for j in range(m + 1)]
    for i in range(1, n + 1):
        a = typed[i - 1]
        s = stray[i - 1]
        lo = i + low if i + low > 1 else 1
        hi = i + high if i + high < m else m
        row = [inf] * (m + 1)
        if i <= -low:
            row[0] = prev[0] + s
        row_min = row[0]
        for j in range(lo, hi + 1):
            b = name[j - 1]
            if a == b:
                best = prev[j - 1]
            else:
                best = prev[j - 1] + (_SLIP if a in neighbours.get(b, none) else _OTHER)
            other = prev[j] + s
            if other < best:
                best = other
            other = row[j - 1] + omit[j - 1]
            if other < best:
                best = other
            if i >= 2 and j >= 2 and a != b and a == name[j - 2] and typed[i - 2] == b:
                other = prev2[j - 2] + _SLIP
                if other < best:
                    best = other
            row[j] = best
            if best < row_min:
                row_min = best
        # every way through the table passes through this row or (by a swap) the one before
        if row_min > limit:
            prev_min = min(prev)
            if prev_min > limit:
                return min(row_min, prev_min)
        prev2, prev = prev, row
    return prev[m]


def _damaged_pair(typed: str, name: str, d: int) -> bool:
    """Whether a query name ``d`` edits (OSA) from a list name may be that name damaged: one error, or two in
    a name of ``DAMAGED_TWO_MIN`` letters, or two slips of the finger in a shorter one of 3+ letters."""
    if d <= 1:
        return True
    if d > 2:
        return False
    if max(len(typed), len(name)) >= DAMAGED_TWO_MIN:
        return True
    return min(len(typed), len(name)) >= 3 and typing_cost(typed, name, TYPING_TWO_SHORT) <= TYPING_TWO_SHORT


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


#: Deletions are looked up by a 31-bit key: the word's letters read as a number in base 256, modulo a prime
#: (``int.from_bytes`` does it in C for a query's words; numpy for all the deletions of all the list's words at
#: once, see ``_deletion_keys``).
#: (the largest prime below 2**31 - 1, which would make 256**k = 2**(8k mod 31): many keys alike)
_PRIME = 2_147_483_629


def _key(text: str) -> int:
    return int.from_bytes(text.encode(), "big") % _PRIME


def _deletion_keys(tokens: list[str], tids: list[int], two: bool) -> np.ndarray:
    """``_key(deletion) << 32 | token id`` for every deletion of one letter (or, with ``two``, of two) of
    ``tokens`` (ASCII, all of one length), computed without making the deletions: the key of a word without
    some letters follows from the keys of its prefixes (``pre[k]`` for the first ``k`` letters), each part
    kept shifted by the letters kept after it (``pre[n] - pre[k] * 256**(n-k)`` is the key of the rest)."""
    n = len(tokens[0])
    p = np.uint64(_PRIME)
    codes = np.frombuffer("".join(tokens).encode("ascii"), dtype=np.uint8).reshape(len(tokens), n)
    powers = np.array([pow(256, k, _PRIME) for k in range(n + 1)], dtype=np.uint64)
    pre = np.zeros((len(tokens), n + 1), dtype=np.uint64)
    for k in range(n):
        pre[:, k + 1] = (pre[:, k] * np.uint64(256) + codes[:, k]) % p

    def part(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Key of the letters from ``a`` to ``b`` (not included): ``pre[b] - pre[a] * 256**(b-a)``."""
        return (pre[:, b] + p - pre[:, a] * powers[b - a] % p) % p

    if two:
        i, j = np.array(list(combinations(range(n), 2)), dtype=np.intp).T
        h = (pre[:, i] * powers[n - 2 - i] % p + part(i + 1, j) * powers[n - 1 - j] % p) % p
        h = (h + part(j + 1, np.full_like(j, n))) % p
    else:
        i = np.arange(n, dtype=np.intp)
        h = (pre[:, i] * powers[n - 1 - i] % p + part(i + 1, np.full_like(i, n))) % p
    return ((h << np.uint64(32)) | np.asarray(tids, dtype=np.uint64)[:, None]).ravel()


class _Deletions:
    """Which list words have a deletion (of one letter, or of two) equal to a given text: their
    ``_key(deletion) << 32 | word id``, sorted, found by binary search. A table of 64-bit integers: a dict
    of strings took several times the memory for the millions of deletions of a large list. (Rarely, a key
    is shared by another text: callers check what they find.)"""

    __slots__ = ("entries",)

    def __init__(self, words: list[str], min_len: int, two: bool) -> None:
        by_length: dict[int, tuple[list[str], list[int]]] = {}
        odd: list[int] = []  # the (rare) words that are not plain ASCII
        for tid, word in enumerate(words):
            if len(word) < min_len:
                continue
            if word.isascii():
                group = by_length.setdefault(len(word), ([], []))
                group[0].append(word)
                group[1].append(tid)
            else:
                gone = _deletions2(word) if two else _deletions(word)
                odd.extend(_key(d) << 32 | tid for d in gone)
        keys = np.concatenate(
            [np.array(odd, dtype=np.uint64)]
            + [_deletion_keys(group, tids, two) for group, tids in by_length.values()]
        )
        keys.sort()
        if len(keys):  # once each (a word with a doubled letter has some deletions twice)
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        self.entries: np.ndarray = keys

    def __len__(self) -> int:
        return len(self.entries)

    def find_grouped(self, keys: list[int], groups: list[int]) -> tuple[list[int], list[int]]:
        """For keys of many texts at once (``groups[k]`` says whose key ``keys[k]`` is), every word found:
        its group and its id, in two lists. One search of the table for a whole batch of query words:
        numpy's cost per call, not per key, is what counts (a query word has a few dozen keys)."""
        entries = self.entries
        n = len(keys)
        if not n or not len(entries):
            return [], []
        needles = np.array(keys, dtype=np.uint64)
        owners = np.array(groups, dtype=np.int64)
        if n > _FEW:  # sorted needles: each search starts where the last one ended
            order = needles.argsort()
            needles, owners = needles[order], owners[order]
        bounds = entries.searchsorted(np.concatenate((needles, needles + np.uint64(1))) << np.uint64(32))
        at, whose = _ranges(bounds[:n], bounds[n:], owners)
        return whose, (entries[at] & np.uint64(0xFFFFFFFF)).tolist()


#: Up to this many lookups in a table, the ranges found are gathered one by one (see ``_ranges``)
_FEW = 64
#: Up to this many candidates of a query name, their bounds are worked out in Python (``_QueryName.reachable``)
_FEW_CANDIDATES = 64


def _ranges(lo: np.ndarray, hi: np.ndarray, groups: np.ndarray) -> tuple[npt.NDArray[np.int64], list[int]]:
    """Every position of the ranges ``lo[k]:hi[k]``, and beside each the group of its range. (For a few
    ranges, one query's, a loop costs less than the half-dozen numpy calls of the whole batch's gather.)"""
    if len(lo) <= _FEW:
        at: list[int] = []
        whose: list[int] = []
        for a, b, g in zip(lo.tolist(), hi.tolist(), groups.tolist(), strict=True):
            if a < b:
                at.extend(range(a, b))
                whose.extend([g] * (b - a))
        return np.array(at, dtype=np.int64), whose
    sizes = hi - lo
    found = sizes > 0
    lo, sizes, groups = lo[found], sizes[found], groups[found]
    if not len(sizes):
        return np.empty(0, dtype=np.int64), []
    ends = sizes.cumsum()
    positions = np.arange(ends[-1]) + (lo - (ends - sizes)).repeat(sizes)
    return positions, groups.repeat(sizes).tolist()


class _Table:
    """Which list words a text leads to (a Metaphone key, a consonant skeleton...): the texts' 64-bit hashes,
    sorted, beside the word ids, found by binary search. Two arrays instead of a dict of lists of numbers:
    reading a list and its numbers writes to them (their reference counts), and a screening worker forked
    from the process that built the index then copies every page they lie on (see ``_Store``). Python's
    string hash is the same in every process forked from the one that built the table."""

    __slots__ = ("hashes", "ids")

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        texts, ids = zip(*pairs, strict=True) if pairs else ((), ())
        hashes = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))
        order = np.argsort(hashes, kind="stable")
        self.hashes: np.ndarray = hashes[order]
        self.ids: np.ndarray = np.asarray(ids, dtype=np.int32)[order]

    def find_grouped(self, texts: list[str], groups: list[int]) -> tuple[list[int], list[int]]:
        """For the texts of many query words at once (``groups[k]`` says whose text ``texts[k]`` is), the
        ids of the words they lead to, each beside its group (see ``_Deletions.find_grouped``)."""
        if not texts or not len(self.hashes):
            return [], []
        keys = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))
        lo = self.hashes.searchsorted(keys, side="left")
        hi = self.hashes.searchsorted(keys, side="right")
        at, whose = _ranges(lo, hi, np.array(groups, dtype=np.int64))
        return whose, self.ids[at].tolist()


def _deletions2(token: str) -> set[str]:
    """Every way to delete two letters (``parkinson`` -> ``rkinson``, ``pakinon``...)."""
    return {d[:i] + d[i + 1 :] for d in _deletions(token) for i in range(len(d))}


def _day_key(year: int, month: int, day: int) -> int:
    return (year * 100 + month) * 100 + day


def _near_days(date: PartialDate) -> set[int]:
    """Keys of ``date`` and of the full dates it is most often mistaken for: day and month swapped, the
    year one off. Empty for a partial date. (A damaged name needs the date exact to be confirmed; the near
    dates let the scorer see a name the index would otherwise have missed for a date typed wrong.)"""
    y, m, d = date
    if m is None or d is None:
        return set()
    out = {_day_key(y, m, d), _day_key(y - 1, m, d), _day_key(y + 1, m, d)}
    if d <= 12:
        out.add(_day_key(y, d, m))
    return out


@lru_cache(maxsize=200_000)
def _units_of(tokens: tuple[str, ...]) -> tuple[Unit, ...]:
    return tuple(name_units(tokens))


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the engine compares of an entity, normalised once."""

    schema: int
    names: tuple[tuple[str, ...], ...]
    dobs: tuple[PartialDate, ...]
    countries: frozenset[str]
    gender: str | None
    ids: tuple[tuple[str, str], ...]


@lru_cache(maxsize=100_000)
def _date(text: str) -> PartialDate | None:
    """``parse_partial``, one tuple for each date however many entities share it."""
    return parse_partial(text)


@lru_cache(maxsize=4096)
def _countries(nationalities: tuple[str, ...]) -> frozenset[str]:
    """Country codes, one set for each combination however many entities have it."""
    return frozenset(c for c in (country_code(x) for x in nationalities) if c)


def _prepare(entity: Entity) -> _Prepared:
    # (Words are not interned: an index keeps them in one string (``_Store``), and a query's words interned
    # would be the index's own objects, which a forked worker must not write to.)
    names: list[tuple[str, ...]] = []
    for n in entity.names:
        toks = name_tokens(n)
        if toks and toks not in names:
            names.append(toks)
    dobs = tuple(d for d in map(_date, entity.birth_dates) if d is not None)
    countries = _countries(entity.nationalities)
    ids = sorted(
        {
            (kind, normalize_identifier(kind, v))
            for kind, values in entity.identifiers.items()
            for v in values
            if normalize_identifier(kind, v)
        }
    )
    return _Prepared(
        schema=_SCHEMA_CODE.get(entity.schema, 0),
        names=tuple(names),
        dobs=dobs,
        countries=countries,
        gender=normalize_gender(entity.gender),
        ids=tuple(ids),
    )


_GENDERS: tuple[str | None, ...] = (None, "male", "female")
_GENDER_CODE = {g: i for i, g in enumerate(_GENDERS)}
#: an entity word's first letter that is not a-z (a digit): its names must be read to compare initials
_OTHER_INITIAL = 1 << 26


def _pack(date: PartialDate) -> int:
    year, month, day = date
    return year * 10_000 + (month or 0) * 100 + (day or 0)


@lru_cache(maxsize=100_000)
def _unpack(packed: int) -> PartialDate:
    year, rest = divmod(packed, 10_000)
    month, day = divmod(rest, 100)
    return (year, month or None, day or None)


def _text_block(parts: list[str]) -> tuple[str, array[int]]:
    """``parts`` as one string and the offsets between them (part ``i`` is ``text[at[i]:at[i + 1]]``). The
    parts are normalised words, ASCII: a string of any other letter would take 2 or 4 bytes a character."""
    text = "".join(parts)
    if not text.isascii():
        raise ValueError("entity names are expected normalised to ASCII words")
    at = array("q", [0])
    for part in parts:
        at.append(at[-1] + len(part))
    return text, at


class _Store:
    """What the index compares of each listed entity, in flat arrays and one string rather than in a few
    Python objects per entity.

    Screening workers are forked from the process that built the index and share its memory until they
    write to it, and reading a Python object writes to it (its reference count). Kept as objects, the
    entities' names, dates and countries were read for every candidate, so each worker came to hold its
    own copy of nearly all of them (issue 10: 1.2 GB of a worker's 1.9 GB at a million entities). Arrays
    and a string are one object each: a worker reads them without writing, and what it unpacks is its own
    and short-lived. Names are kept as one ASCII string, an entity's names one per line, their words
    separated by spaces (words are ``[a-z0-9]+``, see ``normalize.name_tokens``)."""

    __slots__ = (
        "_country_code",
        "_country_sets",
        "_initials",
        "_parts",
        "_words",
        "countries",
        "dob_at",
        "dobs",
        "gender",
        "ids",
        "initials",
        "schema",
        "text",
        "text_at",
        "words",
    )

    def __init__(self) -> None:
        self.schema = array("b")
        self.gender = array("b")
        #: the fewest words (not particles nor initials) of an entity's names (see ``_QueryName.upper_bounds``)
        self.words = np.empty(0, dtype=np.int16)
        self._words = array("h")
        #: the first letters of an entity's words, a bit for each of a-z (``_OTHER_INITIAL`` for another)
        self.initials = np.empty(0, dtype=np.int64)
        self._initials = array("q")
        #: the entity's countries, as a number in ``_country_sets``
        self.countries = array("H")
        self._country_sets: list[frozenset[str]] = []
        self._country_code: dict[frozenset[str], int] = {}
        #: an entity's dates of birth are ``dobs[dob_at[i]:dob_at[i + 1]]``, packed (``_pack``)
        self.dob_at = array("l", [0])
        self.dobs = array("l")
        #: an entity's names are ``text[text_at[i]:text_at[i + 1]]``
        self.text = ""
        self.text_at = array("q", [0])
        self._parts: list[str] = []
        #: identifiers, for the few entities that have any
        self.ids: dict[int, tuple[tuple[str, str], ...]] = {}

    def add(self, prep: _Prepared) -> None:
        idx = len(self.schema)
        self.schema.append(prep.schema)
        self.gender.append(_GENDER_CODE[prep.gender])
        counts = [sum(1 for t in name if len(t) > 1 and t not in PARTICLES) for name in prep.names]
        self._words.append(min(min(counts, default=0), 0x7FFF))
        mask = 0
        for name in prep.names:
            for t in name:
                o = ord(t[0]) - 97
                mask |= 1 << o if 0 <= o < 26 else _OTHER_INITIAL
        self._initials.append(mask)
        code = self._country_code.get(prep.countries)
        if code is None:
            code = self._country_code[prep.countries] = len(self._country_sets)
            self._country_sets.append(prep.countries)
        self.countries.append(code)
        self.dobs.extend(map(_pack, prep.dobs))
        self.dob_at.append(len(self.dobs))
        self._parts.append("\n".join(" ".join(name) for name in prep.names))
        if prep.ids:
            self.ids[idx] = prep.ids

    def seal(self) -> None:
        """Join the names into one string and make the counts arrays, once every entity is added."""
        self.text, self.text_at = _text_block(self._parts)
        self._parts = []
        self.words = np.frombuffer(self._words, dtype=np.int16).copy()
        self.initials = np.frombuffer(self._initials, dtype=np.int64).copy()
        self._words, self._initials = array("h"), array("q")

    def names(self, idx: int) -> tuple[tuple[str, ...], ...]:
        at = self.text_at
        start, end = at[idx], at[idx + 1]
        if start == end:
            return ()
        return tuple(tuple(name.split(" ")) for name in self.text[start:end].split("\n"))

    def joined(self, idx: int) -> list[str]:
        """The entity's names without spaces."""
        at = self.text_at
        return self.text[at[idx] : at[idx + 1]].replace(" ", "").split("\n")

    def birth_dates(self, idx: int) -> tuple[PartialDate, ...]:
        at = self.dob_at
        return tuple(map(_unpack, self.dobs[at[idx] : at[idx + 1]]))

    def has_dates(self, idx: int) -> bool:
        at = self.dob_at
        return at[idx] != at[idx + 1]

    def has_initial(self, idx: int, initial: str) -> bool:
        o = ord(initial) - 97
        mask = self.initials[idx]
        if 0 <= o < 26:
            return bool(mask >> o & 1)
        return bool(mask & _OTHER_INITIAL) and any(t[0] == initial for n in self.names(idx) for t in n)

    def gender_of(self, idx: int) -> str | None:
        return _GENDERS[self.gender[idx]]

    def prepared(self, idx: int) -> _Prepared:
        return _Prepared(
            schema=self.schema[idx],
            names=self.names(idx),
            dobs=self.birth_dates(idx),
            countries=self._country_sets[self.countries[idx]],
            gender=self.gender_of(idx),
            ids=self.ids.get(idx, ()),
        )


def _is_minor(token: str, schema: int) -> bool:
    return token in PARTICLES or (schema != 0 and token in GENERIC_WORDS)


def _key_tokens(tokens: tuple[str, ...], schema: int) -> list[str]:
    """Tokens and particle joins that go into the index for one name."""
    keys = [t for t in tokens if len(t) > 1 and not _is_minor(t, schema)]
    keys.extend(u.text for u in name_units(tokens) if len(u.positions) > 1)
    if not keys:  # a name made only of particles or generic words ("AL", "CO. LTD")
        keys = [t for t in tokens if len(t) > 1]
    return keys


#: Most entity numbers the sets of entities cached per word may hold in all (4 bytes each, so 20 MB). On a
#: list of a million, the unions of common names' postings hold tens of thousands each; kept by count alone
#: they grew a process by gigabytes (issue 10: a worker of the ``--full`` bench at 8.3 GB).
SET_CACHE_BUDGET = 5_000_000

#: A set of entities: their numbers, sorted and each once, in a numpy array. Not a Python set: a set of a
#: million entity numbers is a million Python ints (some 60 bytes each, against 4 here), and a forked
#: screening worker that made them would place them among its parent's objects and copy those pages.
_Ids = npt.NDArray[np.int32]
_NO_IDS: _Ids = np.empty(0, dtype=np.int32)


def _member(ids: _Ids, among: _Ids) -> npt.NDArray[np.bool_]:
    """For each of ``ids``, whether it is in ``among`` (sorted)."""
    if not len(among):
        return np.zeros(len(ids), dtype=np.bool_)
    at = among.searchsorted(ids)
    np.minimum(at, len(among) - 1, out=at)
    return np.asarray(among[at] == ids)


def _intersect(a: _Ids, b: _Ids) -> _Ids:
    """The entities in both sets (each sorted; the smaller is looked up in the larger)."""
    if len(a) > len(b):
        a, b = b, a
    return a[_member(a, b)]


def _union(sets: list[_Ids], n: int) -> _Ids:
    """The entities in any of the sets, of the ``n`` listed. (Not ``np.unique``: it hashes, and at a few
    hundred thousand numbers it is ten times slower than sorting and a hundred times slower than a mask.)"""
    if not sets:
        return _NO_IDS
    if len(sets) == 1:
        return sets[0]
    total = sum(map(len, sets))
    if total * 20 >= n:
        mask = np.zeros(n, dtype=np.bool_)
        for ids in sets:
            mask[ids] = True
        return np.flatnonzero(mask).astype(np.int32)
    joined = np.concatenate(sets)
    joined.sort()
    keep = np.empty(len(joined), dtype=np.bool_)
    keep[:1] = True
    np.not_equal(joined[1:], joined[:-1], out=keep[1:])
    return joined[keep]


def _keep(cache: OrderedDict[_K, _Ids], key: _K, value: _Ids, size: int) -> int:
    """Cache ``value`` under ``key`` within ``SET_CACHE_BUDGET`` elements, the sets used longest ago leaving
    first (the caller moves a set it uses again to the end); returns the cache's new size. A set larger than a
    tenth of the budget is not kept: it would crowd out many smaller ones. (Emptying the whole cache when it
    was full, as before, threw out the common names' sets with the rest, to be worked out again: at a
    million entities, a third more union work for the same memory.)"""
    n = len(value)
    if n > SET_CACHE_BUDGET // 10:
        return size
    cache[key] = value
    size += n
    while size > SET_CACHE_BUDGET:
        size -= len(cache.popitem(last=False)[1])
    return size


class Index:
    """An in-memory, read-only index of watchlist entities. Build it with :meth:`build`."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self._store = _Store()
        self._vocab: dict[str, int] = {}
        #: the vocabulary's words, ``_token_text[_token_at[t]:_token_at[t + 1]]`` for word ``t`` (``_token``)
        self._token_text = ""
        self._token_at = array("q", [0])
        #: the entities with word ``t`` are ``_posting_ids[_posting_at[t]:_posting_at[t + 1]]`` (``_posting``)
        self._posting_ids: _Ids = _NO_IDS
        self._posting_at = array("q", [0])
        #: one-letter deletions of tokens of 4+ letters; two-letter deletions of long tokens (``TWO_EDITS_MIN``)
        self._deletes = _Deletions([], 4, two=False)
        self._deletes2 = _Deletions([], TWO_EDITS_MIN, two=True)
        #: words by sound and shape: ``m`` + Metaphone key, ``s`` + consonant skeleton, ``o`` + shape
        self._sounds = _Table([])
        self._ids: dict[tuple[str, str], list[int]] = {}
        #: entities by full date of birth (see ``_day_key``): the date-of-birth block
        self._born: dict[int, array[int]] = {}
        self._n = 1
        self._expand_cache: dict[str, tuple[tuple[int, float], ...]] = {}
        self._weight_cache: dict[str, float] = {}
        self._name_weight_cache: dict[tuple[tuple[str, ...], int], tuple[float, ...]] = {}
        #: unions of postings per query word (and how many entity numbers they hold in all, see ``_keep``)
        self._union_cache: OrderedDict[tuple[float, str], _Ids] = OrderedDict()
        self._union_size = 0
        self._known_cache: dict[tuple[str, bool, bool], dict[str, float]] = {}

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, entities: Iterable[Entity]) -> Index:
        """Index the entities. Entity ids should be unique; order is kept for tie-breaks.

        A long-lived process that keeps the index may call ``gc.freeze()`` once it is built, so that the
        garbage collector's full collections stop walking its millions of objects (``screen_many`` does
        so before forking its workers).
        """
        # Building allocates millions of small objects and no cycles: without this, the cyclic garbage
        # collector would walk the growing index again and again.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(entities)
        finally:
            if was_enabled:
                gc.enable()

    @classmethod
    def _build(cls, entities: Iterable[Entity]) -> Index:
        index = cls()
        vocab = index._vocab
        tokens: list[str] = []
        postings: list[list[int]] = []
        for entity in entities:
            idx = len(index.entities)
            prep = _prepare(entity)
            index.entities.append(entity)
            index._store.add(prep)
            seen: set[int] = set()
            for name in prep.names:
                for key in _key_tokens(name, prep.schema):
                    tid = vocab.get(key)
                    if tid is None:
                        tid = vocab[key] = len(tokens)
                        tokens.append(key)
                        postings.append([])
                    if tid not in seen:
                        seen.add(tid)
                        postings[tid].append(idx)
            for pair in prep.ids:
                index._ids.setdefault(pair, []).append(idx)
            for year, month, day in prep.dobs:
                if month is not None and day is not None:
                    index._born.setdefault(_day_key(year, month, day), array("i")).append(idx)
        index._store.seal()
        ids = array("i")
        for p in postings:
            ids.extend(p)
            index._posting_at.append(len(ids))
        del postings
        index._posting_ids = np.frombuffer(ids, dtype=np.int32).copy()
        del ids
        sounds: list[tuple[str, int]] = []
        for tid, token in enumerate(tokens):
            sounds.append(("m" + phonetic(token), tid))
            sounds.extend(("s" + skel, tid) for skel in skeletons(token) if len(skel) >= 2)
            shaped = shape(token)
            if shaped != token:
                sounds.append(("o" + shaped, tid))
        index._sounds = _Table(sounds)
        del sounds
        index._deletes = _Deletions(tokens, 4, two=False)
        index._deletes2 = _Deletions(tokens, TWO_EDITS_MIN, two=True)
        index._token_text, index._token_at = _text_block(tokens)
        index._n = max(1, len(index.entities))
        # Building filled the caches of the word functions with the list's own words. A screening worker
        # forked from this process would evict them, freeing objects on pages it shares with this one, and
        # each such page would be copied (see ``_Store``): queries start them afresh.
        for cached in (name_tokens, phonetic, shape, skeletons, spellings, country_code, _date, _countries):
            cached.cache_clear()
        return index

    def __len__(self) -> int:
        return len(self.entities)

    # ------------------------------------------------------------------ lookups
    def _df(self, token: str) -> int:
        tid = self._vocab.get(token)
        return self._count(tid) if tid is not None else 0

    def _token(self, tid: int) -> str:
        at = self._token_at
        return self._token_text[at[tid] : at[tid + 1]]

    def _posting(self, tid: int) -> _Ids:
        """The entities with word ``tid`` (a view of the postings, sorted: entities are added in order)."""
        at = self._posting_at
        return self._posting_ids[at[tid] : at[tid + 1]]

    def _count(self, tid: int) -> int:
        """How many entities have word ``tid``."""
        at = self._posting_at
        return at[tid + 1] - at[tid]

    def weight(self, token: str, df: int | None = None) -> float:
        """Informativeness of a token: rare tokens weigh up to about twice as much as common ones."""
        if df is None:
            cached = self._weight_cache.get(token)
            if cached is not None:
                return cached
            value = 1.0 + math.log(1.0 + self._n / (self._df(token) + 1)) / 4.0
            if len(self._weight_cache) > 500_000:
                self._weight_cache.clear()
            self._weight_cache[token] = value
            return value
        return 1.0 + math.log(1.0 + self._n / (df + 1)) / 4.0

    def _expand(self, token: str) -> tuple[tuple[int, float], ...]:
        """Vocabulary tokens similar to ``token``, with their similarity."""
        cached = self._expand_cache.get(token)
        if cached is not None:
            return cached
        self._expand_all([token])
        return self._expand_cache[token]

    def _expand_all(self, texts: Iterable[str]) -> None:
        """Expand every one of ``texts`` not expanded yet (see ``_expand``), looking all of them up in each
        table of the index at once: a query word is a few dozen lookups, and numpy's cost is per call."""
        cache = self._expand_cache
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if not todo:
            return
        vocab = self._vocab
        tokens = self._token
        # the shape of a misread word is expanded first: its neighbours are the word's too
        shapes = [shaped for t in todo if (shaped := shape(t)) != t and len(shaped) >= 2]
        if shapes:
            self._expand_all(shapes)
            todo = [t for t in todo if t not in cache]
        n = len(todo)
        found: list[set[int]] = [set() for _ in range(n)]
        far: list[set[int]] = [set() for _ in range(n)]
        near: list[set[int]] = [set() for _ in range(n)]
        unknown = [False] * n  # a word the list does not have
        sounds: list[str] = []
        sound_of: list[int] = []
        # keys looked up among the one-letter deletions (``near``: this word and its own one-letter deletions;
        # ``far``: its two-letter deletions) and among the two-letter deletions (all ``far``)
        ones_table: list[int] = []
        ones_group: list[int] = []
        twos_table: list[int] = []
        twos_group: list[int] = []
        for j, token in enumerate(todo):
            tid = vocab.get(token)
            if tid is not None:
                found[j].add(tid)
            # the same sound, or but for a misread letter pair (``rnirte`` for ``mirte``, ``amold`` for
            # ``arnold``)
            shaped = shape(token)
            mine = ["m" + phonetic(token), "o" + shaped]
            mine.extend("s" + skel for skel in skeletons(token))
            sounds.extend(mine)
            sound_of.extend([j] * len(mine))
            if shaped != token and len(shaped) >= 2:
                found[j].update(t for t, _ in self._expand(shaped))
            # tokens only the two-edit lookups find: kept when really two edits away (the lookups also meet
            # some three or four edits away, which the one-edit index never proposed). Only for a token the
            # list does not have: a name written as listed has its one-edit neighbours, and looking further
            # for each would cost every query.
            two = unknown[j] = tid is None
            if len(token) < 3:
                continue
            ones = _deletions(token)
            for d in ones:
                t = vocab.get(d)
                if t is not None and len(d) >= 3:
                    found[j].add(t)
            # list tokens one letter longer, or one deletion from a deletion of this one (the keys of the
            # deletion tables may, rarely, be another text's: what they find is checked as far as it
            # matters); the one-letter table is searched for the deletions of this token (``near``), then
            # two letters fewer (``far``)
            ones_keys = [_key(d) for d in ones] if len(token) >= 4 else []
            token_key = _key(token)
            ones_table.append(token_key)
            ones_table.extend(ones_keys)
            ones_group.extend([2 * j] * (1 + len(ones_keys)))
            if not two:
                continue
            twos_table.append(token_key)
            twos_table.extend(ones_keys)  # (none for a word of 3 letters)
            if len(token) >= TWO_EDITS_MIN:
                # two letters fewer: the list's token, or one or two of its deletions
                twos = _deletions2(token) - ones
                twos_keys = [_key(d) for d in twos]
                ones_table.extend(twos_keys)
                ones_group.extend([2 * j + 1] * len(twos_keys))
                twos_table.extend(twos_keys)
                for d in twos:
                    t = vocab.get(d)
                    if t is not None:
                        far[j].add(t)
            twos_group.extend([j] * (len(twos_table) - len(twos_group)))
        groups, ids = self._sounds.find_grouped(sounds, sound_of)
        for j, t in zip(groups, ids, strict=True):
            found[j].add(t)
        groups, ids = self._deletes.find_grouped(ones_table, ones_group)
        for g, t in zip(groups, ids, strict=True):
            (far if g & 1 else near)[g >> 1].add(t)
        groups, ids = self._deletes2.find_grouped(twos_table, twos_group)
        for j, t in zip(groups, ids, strict=True):
            far[j].add(t)
        for j, token in enumerate(todo):
            similar = found[j]
            others = (near[j] | far[j]) - similar
            similar.update(t for t in others if OSA.distance(token, tokens(t), score_cutoff=2) <= 2)
            ordered = sorted(similar)
            words = [tokens(t) for t in ordered]
            sims = token_sims(token, words)
            if unknown[j] and TYPING_SHORT_MIN <= len(token) <= 4:
                # a short word the list does not know, two slips of the finger from a list word of 4 letters
                for k, word in enumerate(words):
                    if sims[k] < TYPING_SIM and len(word) == 4 and _short_slips(token, word):
                        sims[k] = TYPING_SIM
            if len(cache) > 500_000:
                cache.clear()
            cache[token] = tuple((t, sim) for t, sim in zip(ordered, sims, strict=True) if sim >= TOKEN_MIN)

    def _name_weights(self, tokens: tuple[str, ...], schema: int) -> tuple[float, ...]:
        """Weights of an entity name's tokens (particles, generic words and initials weigh little)."""
        key = (tokens, schema)
        cached = self._name_weight_cache.get(key)
        if cached is None:
            cached = tuple(
                MINOR_WEIGHT if len(t) == 1 or _is_minor(t, schema) else self.weight(t) for t in tokens
            )
            if len(self._name_weight_cache) > 300_000:
                self._name_weight_cache.clear()
            self._name_weight_cache[key] = cached
        return cached

    def _known_sims(self, text: str, single: bool, schema: int) -> dict[str, float]:
        """Similarities of a query unit to entity units ("+" marks a join of entity tokens).

        Seeded from the expansions the index found and memoised as scoring compares it with more entity
        units; the values depend only on the two texts, so the memo is shared by all queries.
        """
        expanded = _is_expanded(text, single, schema)
        key = (text, single, expanded)
        known = self._known_cache.get(key)
        if known is None:
            known = {}
            if expanded:
                for t, sim in self._expand(text):
                    other = self._token(t)
                    known[other] = sim if single or sim >= JOIN_MIN else 0.0
                    known["+" + other] = sim if sim >= JOIN_MIN else 0.0
            if len(self._known_cache) > 100_000:
                self._known_cache.clear()
            self._known_cache[key] = known
        return known

    def _token_set(self, token: str, min_sim: float = 0.0) -> _Ids:
        """Entities with a token like ``token`` (the union of its expansions' postings).

        With ``min_sim``, only expansions at least that similar count.
        """
        key = (min_sim, token)
        cache = self._union_cache
        cached = cache.get(key)
        if cached is not None:
            cache.move_to_end(key)
            return cached
        tids = [t for t, sim in self._expand(token) if sim >= min_sim]
        if len(tids) == 1:
            return self._posting(tids[0])  # a view: nothing to keep
        result = _union([self._posting(t) for t in tids], self._n)
        self._union_size = _keep(self._union_cache, key, result, self._union_size)
        return result

    # ------------------------------------------------------------------ candidates
    def _query_names(self, prep: _Prepared) -> list[_QueryName]:
        out = []
        for tokens in prep.names:
            out.append(_QueryName.make(self, tokens, prep.schema))
        return out

    def _candidates(self, qname: _QueryName, min_ratio: float) -> _Ids:
        keys = [(w, s) for w, s in zip(qname.key_weights, qname.key_sets, strict=True) if len(s)]
        keys.sort(key=lambda k: (-k[0], len(k[1])))
        keys = keys[:_MAX_KEYS]
        if not keys:
            return _NO_IDS
        need = min_ratio * qname.total_weight - qname.free_weight - INITIAL_WEIGHT * len(qname.initials)
        if len(qname.key_weights) >= 3:
            need -= _MISSING_KEY_ALLOWANCE * max(qname.key_weights)
        total = sum(w for w, _ in keys)
        if total < need:
            return _NO_IDS
        found: list[_Ids] = []
        n = len(keys)
        minimal: list[tuple[int, ...]] = []
        for size in range(1, n + 1):
            for combo in combinations(range(n), size):
                if sum(keys[i][0] for i in combo) < need:
                    continue
                if any(set(m) <= set(combo) for m in minimal):
                    continue
                minimal.append(combo)
                sets = sorted((keys[i][1] for i in combo), key=len)
                if len(sets) == 1:
                    found.append(sets[0])
                    continue
                inter = _intersect(sets[0], sets[1])
                for s in sets[2:]:
                    if not len(inter):
                        break
                    inter = _intersect(inter, s)
                found.append(inter)
        return _union(found, self._n)

    # ------------------------------------------------------------------ screening
    def _chosen(self, prep: _Prepared, qnames: list[_QueryName], threshold: float) -> list[int]:
        """Entities worth scoring in full: those that can reach ``threshold``, plus identifier hits."""
        min_ratio = max(0.0, threshold - _MAX_BOOST)
        ub: dict[int, float] = {}
        store = self._store
        for qn in qnames:
            # (a bound below ``min_ratio`` is dropped below as well, whatever the other names' bounds)
            for idx, bound in qn.reachable(self._candidates(qn, min_ratio), store, min_ratio):
                if bound > ub.get(idx, -1.0):
                    ub[idx] = bound
        for qn in qnames:
            for idx, bound in self._spaceless_bounds(qn):
                if bound > ub.get(idx, -1.0):
                    ub[idx] = bound
        schema = prep.schema
        # add what the other evidence can do at best: a date of birth years apart rules out a namesake
        bounds: dict[int, float] = {}
        schemas, genders = store.schema, store.gender
        gender = _GENDER_CODE[prep.gender]
        for i, b in ub.items():
            if b < min_ratio or not _compatible(schemas[i], schema):
                continue
            bound = b + NATIONALITY_MATCH
            if prep.dobs and store.has_dates(i):
                effect = best_effect(prep.dobs, store.birth_dates(i))
                bound += effect if effect is not None else 0.0
            if gender and genders[i] and gender != genders[i]:
                bound += GENDER_MISMATCH
            if bound >= threshold:
                bounds[i] = bound
        ranked = sorted(bounds, key=lambda i: (-bounds[i], i))[:MAX_SCORED]
        chosen = set(ranked)
        for qn in qnames:
            chosen.update(i for i in self._slip_block(qn) if _compatible(schemas[i], schema))
        chosen.update(self._born_block(prep, qnames))
        for pair in prep.ids:
            chosen.update(i for i in self._ids.get(pair, ()) if _compatible(schemas[i], schema))
        return sorted(chosen)

    def _spaceless_bounds(self, qn: _QueryName) -> Iterable[tuple[int, float]]:
        """Entities a damaged query name matches once spaces are removed (``aofi Amalrada`` for ``Sofia
        Amalrada``, ``Guiollaume Rly`` for ``Guillaume Roy``), with the score that gives them
        (``_Alignment.spaceless``): the token bound cannot see such a match. Looked for among the entities
        of the query's rarest strong word, when one of its words is not in the list's vocabulary."""
        joined = qn.joined
        n = len(joined)
        if n < SPACELESS_MIN or not qn.unknown:
            return
        sets = [s for s in qn.key_strong if len(s)]
        if not sets:
            return
        block = min(sets, key=len)
        if len(block) > SPACELESS_BLOCK:
            return
        store = self._store
        for idx in block.tolist():
            for other in store.joined(idx):
                shortest = min(n, len(other))
                if abs(len(other) - n) > 2 or shortest < SPACELESS_MIN:
                    continue
                d = OSA.distance(joined, other, score_cutoff=2)
                if d <= 1 or (d == 2 and shortest >= SPACELESS_MIN_TWO):
                    yield idx, SPACELESS_EXACT - SPACELESS_EDIT * d
                    break

    def _slip_block(self, qn: _QueryName) -> list[int]:
        """Entities with every name of the query but one as written, and for that one a short name it is two
        slips of the finger from (``Mette lapm`` for ``Mette Kamp``, see ``_short_slips``): the index does not
        look two edits from a word that short, but the query's exact words make a small block to look in.
        Only for a query word the list does not know, of 3 or 4 letters, beside at least one exact word."""
        vocab = self._vocab
        damaged: str | None = None
        exact: list[int] = []
        for tok, w in zip(qn.tokens, qn.weights, strict=True):
            if len(tok) < 2 or w <= MINOR_WEIGHT:
                continue
            tid = vocab.get(tok)
            if tid is not None:
                exact.append(tid)
            elif damaged is None and TYPING_SHORT_MIN <= len(tok) <= 4:
                damaged = tok
            else:
                return []
        if damaged is None or not exact:
            return []
        exact.sort(key=self._count)
        if self._count(exact[0]) > SLIP_BLOCK:
            return []
        block = self._posting(exact[0])
        for t in exact[1:]:
            block = _intersect(block, self._posting(t))
        out = []
        store = self._store
        for idx in block.tolist():
            if any(len(t) == 4 and _short_slips(damaged, t) for tokens in store.names(idx) for t in tokens):
                out.append(idx)
        return out

    def _born_block(self, prep: _Prepared, qnames: list[_QueryName]) -> list[int]:
        """The date-of-birth block: entities born on the query's date of birth or one recording error from
        it that share any one name token the index relates to one of the query's, however loosely (``Kerry
        Pakqrkinson`` born 1974-12-04 gets to ``Kerry Parkinson`` born that day, whatever became of the
        surname; ``fuy RNaury`` to ``Guy Maury``, neither name intact). The scorer decides."""
        days: set[int] = set()
        for date in prep.dobs:
            days |= _near_days(date)
        born = [np.frombuffer(self._born[k], dtype=np.int32) for k in days if k in self._born]
        if not born:
            return []
        block = _union(born, self._n)  # (one array for all the days: each numpy call costs its overhead)
        out: set[int] = set()
        for qn in qnames:
            for w, similar in zip(qn.key_weights, qn.key_sets, strict=True):
                if w > MINOR_WEIGHT:
                    out.update(_intersect(similar, block).tolist())
        schemas = self._store.schema
        out = {i for i in out if _compatible(schemas[i], prep.schema)}
        return sorted(out)[:MAX_BORN]

    def candidates(self, query: Entity, threshold: float = DEFAULT_THRESHOLD) -> list[Entity]:
        """The entities :meth:`screen` would score in full for ``query`` (for comparing scorers)."""
        prep = _prepare(query)
        return [self.entities[i] for i in self._chosen(prep, self._query_names(prep), threshold)]

    def screen(self, query: Entity, threshold: float = DEFAULT_THRESHOLD, limit: int = 10) -> list[Match]:
        """Matches for one query at or above ``threshold``, best first (ties by entity id)."""
        return self.screen_all([query], threshold, limit)[0]

    def screen_all(
        self, queries: Sequence[Entity], threshold: float = DEFAULT_THRESHOLD, limit: int = 10
    ) -> list[list[Match]]:
        """:meth:`screen` for each of ``queries``, the same matches. Their words are looked up in the index
        together first: a batch of queries shares most of its words, and each lookup costs per call."""
        preps = [_prepare(q) for q in queries]
        self._expand_all(text for prep in preps for text in _expanded_texts(prep))
        return [self._screen(prep, threshold, limit) for prep in preps]

    def _screen(self, prep: _Prepared, threshold: float, limit: int) -> list[Match]:
        qnames = self._query_names(prep)
        matches: list[Match] = []
        for idx in self._chosen(prep, qnames, threshold):
            match = self._score(prep, qnames, idx, threshold)
            if match is not None and match.score >= threshold:
                matches.append(match)
        matches.sort(key=lambda m: (-m.score, m.entity_id))
        return matches[:limit]

    def _score(self, q: _Prepared, qnames: list[_QueryName], idx: int, threshold: float) -> Match | None:
        """Score entity ``idx`` against the query; ``None`` when it cannot reach ``threshold``."""
        e = self._store.prepared(idx)
        shared = sorted(set(q.ids) & set(e.ids))
        best: _Alignment | None = None
        for qn in qnames:
            for tokens in e.names:
                alignment = qn.align(self, tokens, e.schema)
                if alignment.damaged():
                    alignment.spaceless()
                if best is None or alignment.score > best.score:
                    best = alignment
        if best is None:
            return None
        verdict = compare_birth_dates(q.dobs, e.dobs)
        rescue: tuple[float, str] | None = None
        if verdict is not None and verdict.kind == "dob_exact" and (best.damaged() or best.loose()):
            rescue = best.rescue(self, e.schema)
        name_score = best.score
        gain = rescue[0] if rescue else 0.0
        if not shared and name_score + gain + _MAX_BOOST < threshold:
            return None
        entity = self.entities[idx]
        evidence: list[Evidence] = [Evidence("name", round(name_score, 4), best.describe())]
        score = name_score
        if rescue:
            evidence.append(Evidence("name_and_dob", round(gain, 4), rescue[1]))
            score += gain

        if shared:
            kinds = ", ".join(f"{k} {v}" for k, v in shared)
            # an identical passport, IMO or MMSI number is enough to alert on its own
            boosted = max(score + IDENTIFIER_MATCH, IDENTIFIER_FLOOR)
            evidence.append(Evidence("identifier", round(boosted - score, 4), f"same identifier: {kinds}"))
            score = boosted

        if verdict is not None:
            evidence.append(Evidence(verdict.kind, verdict.effect, verdict.detail))
            score += verdict.effect
            penalty, why = INEXACT_NAME_DATE[verdict.agreement]
            if penalty and not best.exact:
                evidence.append(Evidence("name_and_dob", penalty, why))
                score += penalty
            elif penalty and best.partial(self, e.schema):
                penalty, why = PART_NAME_DATE[verdict.agreement]
                evidence.append(Evidence("name_and_dob", penalty, why))
                score += penalty

        if q.countries and e.countries:
            common = sorted(q.countries & e.countries)
            if common:
                evidence.append(
                    Evidence("nationality", NATIONALITY_MATCH, f"nationality {'/'.join(common)} on both")
                )
                score += NATIONALITY_MATCH
            else:
                detail = f"nationality {'/'.join(sorted(q.countries))} vs {'/'.join(sorted(e.countries))}"
                evidence.append(Evidence("nationality", NATIONALITY_MISMATCH, detail))
                score += NATIONALITY_MISMATCH

        if q.gender and e.gender and q.gender != e.gender:
            evidence.append(Evidence("gender", GENDER_MISMATCH, f"gender {q.gender} vs {e.gender}"))
            score += GENDER_MISMATCH

        score = round(min(1.0, max(0.0, score)), 4)
        return Match(
            entity_id=entity.id,
            score=score,
            explanation=_explain(entity, score, evidence),
            evidence=tuple(evidence),
        )


def _expanded_texts(prep: _Prepared) -> Iterator[str]:
    """The texts of a query that screening it expands (``Index._expand``): its words and its words written
    together (``_QueryName.make``), but for initials and, alone, particles and generic words."""
    for tokens in prep.names:
        for unit in _units_of(tokens):
            if _is_expanded(unit.text, len(unit.positions) == 1, prep.schema):
                yield unit.text


def _is_expanded(text: str, single: bool, schema: int) -> bool:
    """Whether a query unit is looked up in the index (``Index._known_sims``): not an initial, nor, alone, a
    particle or a generic word."""
    return len(text) > 1 and not (single and _is_minor(text, schema))


def _explain(entity: Entity, score: float, evidence: list[Evidence]) -> str:
    parts = [f"{entity.schema} {entity.caption!r} scored {score:.2f}"]
    for ev in evidence:
        if ev.kind == "name":
            parts.append(f"name {ev.effect:.2f}: {ev.detail}")
        else:
            parts.append(f"{ev.detail} ({ev.effect:+.2f})")
    return "; ".join(parts)


@dataclass(slots=True)
class _QueryName:
    """One name of a query, with its index keys prepared."""

    tokens: tuple[str, ...]
    schema: int
    weights: tuple[float, ...]
    key_weights: list[float]
    key_sets: list[_Ids]
    key_strong: list[_Ids]
    total_weight: float
    free_weight: float
    initials: tuple[str, ...]
    units: tuple[Unit, ...]
    unit_sims: list[dict[str, float]]
    unit_masks: tuple[int, ...]
    unit_spans: tuple[int, ...]
    unit_weights: tuple[float, ...]
    #: positions of words that may be a particle or a given name ("ben"), in a name of more than one word
    name_particles: tuple[int, ...]
    #: words the list does not know that may be a damaged particle, with the particles they may be
    particle_slips: tuple[tuple[int, frozenset[str]], ...]
    #: the name without spaces, and whether a word of it is not in the list's vocabulary (damaged, perhaps)
    joined: str = ""
    unknown: bool = False

    @classmethod
    def make(cls, index: Index, tokens: tuple[str, ...], schema: int) -> _QueryName:
        weights: list[float] = []
        key_weights: list[float] = []
        key_sets: list[_Ids] = []
        key_strong: list[_Ids] = []
        free = 0.0
        initials: list[str] = []
        units = _units_of(tokens)
        for pos, tok in enumerate(tokens):
            if len(tok) == 1:
                weights.append(INITIAL_WEIGHT)
                initials.append(tok)
                continue
            if _is_minor(tok, schema):
                weights.append(MINOR_WEIGHT)
                free += MINOR_WEIGHT
                continue
            df = index._df(tok)
            if not df:
                expansions = index._expand(tok)
                if expansions:
                    df = max(map(index._count, (t for t, _ in expansions)))
            w = index.weight(tok, df)
            weights.append(w)
            s = index._token_set(tok)
            strong = index._token_set(tok, STRONG_SIM)
            for u in units:
                if len(u.positions) > 1 and pos in u.positions:
                    joined = index._token_set(u.text, JOIN_MIN)
                    if len(joined):
                        s = _union([s, joined], index._n)
                        strong = _union([strong, joined], index._n)
            key_weights.append(w)
            key_sets.append(s)
            key_strong.append(strong)
        if not key_weights:
            # a name made only of particles, initials or generic words: use them as keys after all
            for tok in tokens:
                if len(tok) > 1:
                    key_weights.append(MINOR_WEIGHT)
                    key_sets.append(index._token_set(tok))
                    key_strong.append(index._token_set(tok, STRONG_SIM))
            free = sum(weights) - sum(key_weights) - INITIAL_WEIGHT * len(initials)
        unit_sims = [index._known_sims(u.text, len(u.positions) == 1, schema) for u in units]
        return cls(
            tokens=tokens,
            schema=schema,
            weights=tuple(weights),
            key_weights=key_weights,
            key_sets=key_sets,
            key_strong=key_strong,
            total_weight=sum(weights) or 1.0,
            free_weight=free,
            initials=tuple(initials),
            units=units,
            unit_sims=unit_sims,
            unit_masks=tuple(sum(1 << p for p in u.positions) for u in units),
            unit_spans=tuple(len(u.positions) for u in units),
            unit_weights=tuple(sum(weights[p] for p in u.positions) for u in units),
            name_particles=tuple(p for p, t in enumerate(tokens) if t in GIVEN_NAME_PARTICLES)
            if len(tokens) > 1
            else (),
            particle_slips=_particle_slips(tokens, weights, index._vocab),
            joined="".join(tokens),
            unknown=any(len(t) > 1 and t not in index._vocab for t in tokens),
        )

    def reachable(self, ids: _Ids, store: _Store, least: float) -> list[tuple[int, float]]:
        """Those of the entities ``ids`` whose bound (``upper_bounds``) is at least ``least``, with it. A
        query's candidates are usually a dozen, for which a few numpy calls for each key cost more than the
        arithmetic: they are bounded in Python (``_few_bounds``, the same additions in the same order, so the
        same floats)."""
        if len(ids) <= _FEW_CANDIDATES:
            return [
                (i, b) for i, b in zip(ids.tolist(), self._few_bounds(ids, store), strict=True) if b >= least
            ]
        bounds = self.upper_bounds(ids, store)
        within = bounds >= least
        return list(zip(ids[within].tolist(), bounds[within].tolist(), strict=True))

    def upper_bounds(self, ids: _Ids, store: _Store) -> npt.NDArray[np.float64]:
        """The best name score each of the entities ``ids`` could reach, roughly and generously."""
        hit = np.full(len(ids), self.free_weight)
        missing = np.zeros(len(ids))
        for w, s, strong in zip(self.key_weights, self.key_sets, self.key_strong, strict=True):
            in_strong = _member(ids, strong)
            in_any = in_strong if s is strong else in_strong | _member(ids, s)
            # (matched only by expansions less similar than ``STRONG_SIM``: that much of the weight)
            hit += np.where(in_strong, w, np.where(in_any, w * STRONG_SIM, 0.0))
            np.maximum(missing, np.where(in_any, 0.0, w), out=missing)
        if len(self.key_weights) >= 3:
            hit += _MISSING_KEY_ALLOWANCE * missing
        if self.initials:
            masks = store.initials[ids]
            for initial in self.initials:
                o = ord(initial) - 97
                if 0 <= o < 26:
                    hit += np.where(masks >> o & 1, INITIAL_WEIGHT, 0.0)
                    continue
                for k in np.flatnonzero(masks & _OTHER_INITIAL).tolist():
                    if store.has_initial(int(ids[k]), initial):
                        hit[k] += INITIAL_WEIGHT
        # entity tokens beyond the query's count cannot all be matched: each weighs at least 1 (``words``:
        # the fewest words of its names that are not particles nor initials)
        extra = store.words[ids].astype(np.int64) - len(self.tokens)
        den = self.total_weight + UNMATCHED_ENTITY_WEIGHT * np.maximum(0, extra)
        return np.asarray(hit / den)

    def _few_bounds(self, ids: _Ids, store: _Store) -> list[float]:
        """``upper_bounds`` for a few entities, in Python."""
        n = len(ids)
        hit = [self.free_weight] * n
        missing = [0.0] * n
        for w, s, strong in zip(self.key_weights, self.key_sets, self.key_strong, strict=True):
            in_strong = _member(ids, strong).tolist()
            in_other = in_strong if s is strong else _member(ids, s).tolist()
            part = w * STRONG_SIM
            for k in range(n):
                if in_strong[k]:
                    hit[k] += w
                elif in_other[k]:
                    hit[k] += part
                elif w > missing[k]:
                    missing[k] = w
        if len(self.key_weights) >= 3:
            hit = [h + _MISSING_KEY_ALLOWANCE * m for h, m in zip(hit, missing, strict=True)]
        if self.initials:
            masks = store.initials[ids].tolist()
            for initial in self.initials:
                o = ord(initial) - 97
                if 0 <= o < 26:
                    has = [mask >> o & 1 for mask in masks]
                else:
                    has = [
                        mask & _OTHER_INITIAL and store.has_initial(idx, initial)
                        for mask, idx in zip(masks, ids.tolist(), strict=True)
                    ]
                hit = [h + INITIAL_WEIGHT if yes else h for h, yes in zip(hit, has, strict=True)]
        size = len(self.tokens)
        return [
            h / (self.total_weight + UNMATCHED_ENTITY_WEIGHT * max(0, e - size))
            for h, e in zip(hit, store.words[ids].tolist(), strict=True)
        ]

    def align(self, index: Index, etokens: tuple[str, ...], eschema: int) -> _Alignment:
        """Line this name's tokens up with an entity name's tokens, best pairs first (greedy)."""
        qunits = self.units
        eunits = _entity_units(etokens)
        pairs: list[tuple[float, int, int, int]] = []
        unknown: list[tuple[int, int]] = []
        for qi, known in enumerate(self.unit_sims):
            qspan = self.unit_spans[qi]
            for ei, (key, _emask, espan, _eu) in enumerate(eunits):
                sim = known.get(key)
                if sim is None:
                    unknown.append((qi, ei))
                elif sim >= TOKEN_MIN:
                    pairs.append((-sim, -(qspan + espan), qi, ei))
        matched: list[tuple[int, int, float]] = []
        q_used, e_used, num = self._greedy(pairs, eunits, matched, 0, 0)
        if unknown:
            # pairs the index did not relate (initials, particles, far spellings) are compared only
            # where both sides are still unmatched
            pairs = []
            for qi, ei in unknown:
                key, emask, espan, eu = eunits[ei]
                if self.unit_masks[qi] & q_used or emask & e_used:
                    continue
                known = self.unit_sims[qi]
                sim = known[key] = _unit_sim(qunits[qi], eu, index._vocab)
                if sim >= TOKEN_MIN:
                    pairs.append((-sim, -(self.unit_spans[qi] + espan), qi, ei))
            if pairs:
                q_used, e_used, more = self._greedy(pairs, eunits, matched, q_used, e_used)
                num += more
        if len(matched) > 1:
            q_used, e_used, num = self._drop_crossing(eunits, matched, q_used, e_used, num)
        if any(sim == TYPING_SIM for _qi, _ei, sim in matched):
            num = self._slips_alone(eunits, matched, num, index._vocab)
        lighter = 0.0
        if self.particle_slips:
            q_used, e_used, num, lighter = self._damaged_particles(
                len(etokens), eunits, matched, q_used, e_used, num
            )
        extra = 0.0
        eweights = index._name_weights(etokens, eschema)
        for p, w in enumerate(eweights):
            if not e_used >> p & 1:
                extra += w
        den = self.total_weight - lighter + UNMATCHED_ENTITY_WEIGHT * extra
        # A particle that is also a given name ("Ben"), left unmatched where the list name has a name of its
        # own left over, was that given name, not "son of": it differs, and weighs as much as that name
        # ("Ben Hobbs", "HOBBS<<BEN" against "Darius Hobbs"). Dropped where nothing is left, it was a particle.
        stands_for_name = [p for p in self.name_particles if not q_used >> p & 1]
        if stands_for_name:
            leftover = [w for p, w in enumerate(eweights) if not e_used >> p & 1 and w > MINOR_WEIGHT]
            if leftover:
                den += max(leftover) - self.weights[stands_for_name[0]]
            else:
                stands_for_name = []
        score = num / den if den else 0.0
        return _Alignment(score, self, etokens, matched, q_used, e_used, bool(stands_for_name), num, den)

    def _drop_crossing(
        self,
        eunits: tuple[tuple[str, int, int, Unit], ...],
        matched: list[tuple[int, int, float]],
        q_used: int,
        e_used: int,
        num: float,
    ) -> tuple[int, int, float]:
        """A loose pair of names (``Chris`` ~ ``Cruz`` 0.78) counts only where it stands in the same order as
        the close pairs: across one (``Chris Allan`` against ``Allan Cruz``) it is another name, not a
        misspelling of this one. Initials are left alone (``Smith, J.`` for ``John Smith``)."""
        units = self.units
        close = [
            (units[qi].positions[0], eunits[ei][3].positions[0])
            for qi, ei, sim in matched
            if sim >= LOOSE_SIM
        ]
        if not close:
            return q_used, e_used, num
        n_e = max(u[3].positions[-1] for u in eunits) + 1
        for m in list(matched):
            qi, ei, sim = m
            if sim >= LOOSE_SIM or len(units[qi].text) < 2 or len(eunits[ei][3].text) < 2:
                continue
            qp, ep = units[qi].positions[0], eunits[ei][3].positions[0]
            if not _in_order((qp, ep), close, n_e):
                matched.remove(m)
                q_used &= ~self.unit_masks[qi]
                e_used &= ~eunits[ei][1]
                num -= _credit(sim) * self.unit_weights[qi]
        return q_used, e_used, num

    def _damaged_particles(
        self,
        n_e: int,
        eunits: tuple[tuple[str, int, int, Unit], ...],
        matched: list[tuple[int, int, float]],
        q_used: int,
        e_used: int,
        num: float,
    ) -> tuple[int, int, float, float]:
        """Query words that may be a damaged particle (``particle_slips``) pair with that particle where the
        list name (of ``n_e`` words) has it left over, in the order of the name's other pairs: ``Jan vqan
        Gent`` for ``Jan van Gent``, ``Khalid Alk Tamimi`` for ``Khalid Al Tamimi``. Such a word weighs as the
        particle it was, not as a rare name the list lacks. Returns the masks, the credit, and how much
        lighter the query has become."""
        slips = dict(self.particle_slips)
        lighter = 0.0
        # already paired, loosely, with the particle it was (``alk`` ~ ``al`` 0.79): it counts as one
        for n, (qi, ei, sim) in enumerate(matched):
            if sim < PARTICLE_SLIP_SIM and eunits[ei][3].text in slips.get(qi, ()):
                matched[n] = (qi, ei, PARTICLE_SLIP_SIM)
                num += _credit(PARTICLE_SLIP_SIM) * MINOR_WEIGHT - _credit(sim) * self.unit_weights[qi]
                lighter += self.weights[qi] - MINOR_WEIGHT
        placed = [(self.units[qi].positions[0], eunits[ei][3].positions[0]) for qi, ei, _ in matched]
        # left unmatched: the first of the list's own particles it may be (an entity's single-word units
        # come first, in order: ``name_units``)
        for qp, forms in self.particle_slips:
            if q_used >> qp & 1:
                continue
            ep = next(
                (
                    ep
                    for ep in range(n_e)
                    if not e_used >> ep & 1
                    and eunits[ep][3].text in forms
                    and _in_order((qp, ep), placed, n_e)
                ),
                None,
            )
            if ep is None:
                continue
            q_used |= 1 << qp
            e_used |= 1 << ep
            matched.append((qp, ep, PARTICLE_SLIP_SIM))
            placed.append((qp, ep))
            num += _credit(PARTICLE_SLIP_SIM) * MINOR_WEIGHT
            lighter += self.weights[qp] - MINOR_WEIGHT
        return q_used, e_used, num, lighter

    def _slips_alone(
        self,
        eunits: tuple[tuple[str, int, int, Unit], ...],
        matched: list[tuple[int, int, float]],
        num: float,
        vocab: dict[str, int],
    ) -> float:
        """Two slips of the finger count as a close pair (``TYPING_SIM``) only beside names that agree as
        written: with another name spelt differently as well (``Leila Mostafa Hadad`` for ``Laila Moustafa
        Haidar``), the differences add up to another person's name, and the pair counts as alike as its
        letters are. In a short name (``_short_slips``) more is asked: the typed word is none the list knows
        (``Lobo`` is a name of its own, not a damaged ``Olgo``) and the query has another name, every one as
        listed (``Mette lapm`` for ``Mette Kamp``)."""
        units = self.units
        all_close = all(sim >= 1.0 or sim == TYPING_SIM for _qi, _ei, sim in matched)
        for n, (qi, ei, sim) in enumerate(matched):
            if sim != TYPING_SIM:
                continue
            a, b = units[qi].text, eunits[ei][3].text
            if len(units[qi].positions) > 1 or len(eunits[ei][3].positions) > 1:
                continue
            if not (_two_slips(a, b) or _short_slips(a, b)):
                continue
            others = [s for k, (_q, _e, s) in enumerate(matched) if k != n]
            exact_others = all(s >= 1.0 for s in others)
            if max(len(a), len(b)) < TYPING_MIN:
                if others and exact_others and a not in vocab:
                    continue
            elif all_close or exact_others:
                continue
            raw = _letters_sim(a, b)
            if raw >= sim:
                continue
            matched[n] = (qi, ei, raw)
            num += (_credit(raw) - _credit(sim)) * self.unit_weights[qi]
        return num

    def _greedy(
        self,
        pairs: list[tuple[float, int, int, int]],
        eunits: tuple[tuple[str, int, int, Unit], ...],
        matched: list[tuple[int, int, float]],
        q_used: int,
        e_used: int,
    ) -> tuple[int, int, float]:
        """Take the most similar pairs first (then the widest, then by position) that use no token twice."""
        pairs.sort()
        num = 0.0
        for neg_sim, _span, qi, ei in pairs:
            qmask, emask = self.unit_masks[qi], eunits[ei][1]
            if qmask & q_used or emask & e_used:
                continue
            q_used |= qmask
            e_used |= emask
            matched.append((qi, ei, -neg_sim))
            num += _credit(-neg_sim) * self.unit_weights[qi]
        return q_used, e_used, num


#: particles of two letters or more, the forms a damaged one is compared with
_LONG_PARTICLES = tuple(sorted(p for p in PARTICLES if len(p) >= 2))


@lru_cache(maxsize=50_000)
def _particle_forms(tok: str) -> frozenset[str]:
    """The particles ``tok`` is one typing error from, or a misreading of (``cle`` for ``de``, see ``shape``)."""
    shaped = shape(tok)
    return frozenset(f for f in _LONG_PARTICLES if f == shaped or OSA.distance(tok, f, score_cutoff=1) <= 1)


def _particle_slips(
    tokens: tuple[str, ...], weights: list[float], vocab: dict[str, int]
) -> tuple[tuple[int, frozenset[str]], ...]:
    """Words of a name of two or more that the list does not know and that may be a damaged particle
    (``_particle_forms``): each with the particles it may be (see ``_QueryName._damaged_particles``)."""
    if len(tokens) < 2:
        return ()
    out = []
    for p, tok in enumerate(tokens):
        if not 2 <= len(tok) <= 6 or weights[p] <= MINOR_WEIGHT or tok in vocab or not tok.isalpha():
            continue
        forms = _particle_forms(tok)
        if forms:
            out.append((p, forms))
    return tuple(out)


def _monotone(points: list[tuple[int, int]]) -> bool:
    """No two (query position, list position) pairs cross."""
    points = sorted(points)
    return all(a[1] < b[1] for a, b in pairwise(points))


def _in_order(pair: tuple[int, int], placed: list[tuple[int, int]], n_e: int) -> bool:
    """Whether a pair of name positions stands in the name's order with the pairs ``placed``: crossing none
    of them, or crossing none once the list name is read from another word on, when two or more pairs show
    that the name was written that way round (``GIMENEZ MURO, Salma Sonia`` for ``Salma Sonia Gimenez
    Muro``). With one pair placed, the order is the name's as written: ``Chris Allan`` against ``Allan
    Cruz`` does not make ``Chris`` the damaged ``Cruz``."""
    qp, ep = pair
    if not any((qp - cq) * (ep - ce) < 0 for cq, ce in placed):
        return True
    if len(placed) < 2:
        return False
    for start in range(1, n_e):
        turned = [(q, (e - start) % n_e) for q, e in placed]
        if _monotone(turned) and _monotone([*turned, (qp, (ep - start) % n_e)]):
            return True
    return False


def _credit(sim: float) -> float:
    """How much a token pair of this similarity counts: loose pairs (Lewis/Julian 0.73) count much less
    than close ones (a typo, 0.88; a romanisation, 0.97)."""
    return sim if sim >= CLOSE_SIM else max(0.0, sim - (CLOSE_SIM - sim))


@lru_cache(maxsize=200_000)
def _entity_units(tokens: tuple[str, ...]) -> tuple[tuple[str, int, int, Unit], ...]:
    """Units of an entity name with their memo key, position bit mask and span."""
    out = []
    for u in _units_of(tokens):
        key = u.text if len(u.positions) == 1 else "+" + u.text
        out.append((key, sum(1 << p for p in u.positions), len(u.positions), u))
    return tuple(out)


@dataclass(slots=True)
class _Alignment:
    score: float
    query: _QueryName
    etokens: tuple[str, ...]
    matched: list[tuple[int, int, float]]
    q_used: int
    e_used: int
    #: a particle of the query that is also a given name ("Ben") stands against another given name
    given_name_differs: bool = False
    num: float = 0.0
    den: float = 1.0
    #: the whole names, spaces removed, are this many edits apart (set by ``spaceless`` when it scores more)
    spaceless_edits: int | None = None

    def damaged(self) -> bool:
        """Some name of the query found no counterpart while the list name has one left over."""
        q = self.query
        if not any(
            not self.q_used >> p & 1 and q.weights[p] > MINOR_WEIGHT and len(t) > 1
            for p, t in enumerate(q.tokens)
        ):
            return False
        return any(not self.e_used >> p & 1 for p in range(len(self.etokens)))

    def partial(self, index: Index, eschema: int) -> bool:
        """The list name has a name (not a particle nor an initial) that the query does not."""
        eweights = index._name_weights(self.etokens, eschema)
        return any(not self.e_used >> p & 1 and eweights[p] > MINOR_WEIGHT for p in range(len(self.etokens)))

    def loose(self) -> bool:
        """Some pair of names matched less closely than a damaged name the date of birth confirms counts."""
        return any(sim < DAMAGED_SIM for _qi, _ei, sim in self.matched)

    def spaceless(self) -> None:
        """Compare the whole names with their spaces removed, for a typo across a space (``Tijn iPm Gervais``
        for ``Tijn Pim Gervais``) or in a particle (``vkan der Velde``): a few edits in a long name are a
        typo, however they fall on the words. Raises the score to what that is worth if it is more."""
        q, e = "".join(self.query.tokens), "".join(self.etokens)
        n = min(len(q), len(e))
        if n < SPACELESS_MIN:
            return
        d = OSA.distance(q, e, score_cutoff=2)
        if d > 2 or (d == 2 and n < SPACELESS_MIN_TWO):
            return
        score = SPACELESS_EXACT - SPACELESS_EDIT * d
        if score > self.score:
            self.score = score
            self.spaceless_edits = d

    def rescue(self, index: Index, eschema: int) -> tuple[float, str] | None:
        """With the same date of birth, query names left unmatched that are one or two typing errors from a
        list name left over (``Lgwih`` ~ ``Lewis``, ``Aa`` ~ ``Ana``) count as that name, damaged: the gain in
        score and why, or ``None``. Only in the name's order (see ``_in_order``): a pair that crosses another
        is another name."""
        qn = self.query
        eweights = index._name_weights(self.etokens, eschema)
        qfree = [
            p
            for p, t in enumerate(qn.tokens)
            if not self.q_used >> p & 1 and qn.weights[p] > MINOR_WEIGHT and len(t) > 1
        ]
        efree = [
            p
            for p, t in enumerate(self.etokens)
            if not self.e_used >> p & 1 and (eweights[p] > MINOR_WEIGHT or t == "abd") and len(t) > 1
        ]
        eunits = _entity_units(self.etokens)
        placed = [(qn.units[qi].positions[0], eunits[ei][3].positions[0]) for qi, ei, _ in self.matched]
        pairs = []
        for qp in qfree:
            a = qn.tokens[qp]
            for ep in efree:
                b = self.etokens[ep]
                if b == "abd":
                    # the list's ``Abdul``, ``Abdel``... written as the particle ``abd`` (see normalize): the
                    # query's damaged ``Andul`` is one letter off its written form
                    d, b = min((OSA.distance(a, w, score_cutoff=2), w) for w in ABD_FORMS)
                else:
                    d = OSA.distance(a, b, score_cutoff=2)
                if not _damaged_pair(a, b, d):
                    continue
                if not _in_order((qp, ep), placed, len(self.etokens)):
                    continue
                pairs.append((d, qp, ep))
        num, den = self.num, self.den
        shown = []
        # pairs matched loosely (``Hemy`` ~ ``Henry`` 0.71) that are one or two typing errors apart count as
        # much as a damaged name
        for qi, ei, sim in self.matched:
            qu, eu = qn.units[qi], eunits[ei][3]
            if sim >= DAMAGED_SIM or len(qu.positions) > 1 or len(eu.positions) > 1:
                continue
            a, b = qu.text, eu.text
            if len(a) < 2 or len(b) < 2:
                continue
            d = OSA.distance(a, b, score_cutoff=2)
            if not _damaged_pair(a, b, d):
                continue
            num += (_credit(DAMAGED_SIM) - _credit(sim)) * qn.unit_weights[qi]
            shown.append(f"{a}~{b} ({d} {'letter' if d == 1 else 'letters'} off)")
        if not pairs and not shown:
            return None
        pairs.sort()
        used_q: set[int] = set()
        used_e: set[int] = set()
        for d, qp, ep in pairs:
            if qp in used_q or ep in used_e:
                continue
            used_q.add(qp)
            used_e.add(ep)
            num += _credit(DAMAGED_SIM) * qn.weights[qp]
            den -= UNMATCHED_ENTITY_WEIGHT * eweights[ep]
            letters = "letter" if d == 1 else "letters"
            shown.append(f"{qn.tokens[qp]}~{self.etokens[ep]} ({d} {letters} off)")
        gain = num / den - self.score if den > 0 else 0.0
        if gain <= 0:
            return None
        return gain, f"{', '.join(shown)} with the same date of birth: a damaged name the date confirms"

    @property
    def exact(self) -> bool:
        """Every name part of the query found as written (the list may have more: a middle name)."""
        if (
            self.spaceless_edits is not None
            or self.given_name_differs
            or any(sim < 1.0 for _qi, _ei, sim in self.matched)
        ):
            return False
        weights = self.query.weights
        return all(self.q_used >> p & 1 or weights[p] <= MINOR_WEIGHT for p in range(len(weights)))

    def describe(self) -> str:
        """``maria=maria, garzia~garcia 0.88, list only: lopez``."""
        if self.spaceless_edits is not None:
            q, e = " ".join(self.query.tokens), " ".join(self.etokens)
            return f"{q}~{e}: written without spaces, {self.spaceless_edits} edits apart"
        eunits = _entity_units(self.etokens)
        parts = []
        for qi, ei, sim in sorted(self.matched, key=lambda m: self.query.units[m[0]].positions):
            qt, et = self.query.units[qi].text, eunits[ei][3].text
            if sim >= 1.0:
                parts.append(f"{qt}={et}")
            elif len(qt) == 1 or len(et) == 1:
                parts.append(f"{qt}~{et} initial")
            elif sim == PARTICLE_SLIP_SIM and et in PARTICLES and qt not in PARTICLES:
                parts.append(f"{qt}~{et} (damaged particle)")
            elif sim == TYPING_SIM and OSA.distance(qt, et, score_cutoff=2) == 2:
                parts.append(f"{qt}~{et} {sim:.2f} (2 typing errors)")
            else:
                parts.append(f"{qt}~{et} {sim:.2f}")
        missing_q = [t for p, t in enumerate(self.query.tokens) if not self.q_used >> p & 1]
        if missing_q:
            parts.append("query only: " + " ".join(missing_q))
        missing_e = [t for p, t in enumerate(self.etokens) if not self.e_used >> p & 1]
        if missing_e:
            parts.append("list only: " + " ".join(missing_e))
        return ", ".join(parts) or "no name in common"


def _unit_sim(qu: Unit, eu: Unit, vocab: dict[str, int]) -> float:
    a, b = qu.text, eu.text
    if len(qu.positions) == 1 and len(eu.positions) == 1:
        if len(a) == 1 or len(b) == 1:
            full = b if len(a) == 1 else a
            if a[0] == b[0] and (a == b or full not in PARTICLES):
                return INITIAL_SIM
            return 0.0
        if b == "abd" and len(a) >= 4 and a not in vocab and a not in PARTICLES:
            # the list's ``Abdul``, ``Abdel``... written as the particle ``abd`` (see normalize): a query's
            # word the list does not have (``bAul``, not the name ``Adel``) is that name damaged when it is
            # a typing error or two from how it is written out, as similar to it as to that written form
            sims = [
                token_sim(a, form) for form in ABD_FORMS if typing_cost(a, form, TYPING_TWO) <= TYPING_TWO
            ]
            return max(sims, default=0.0)
        # two slips of the finger in a short name (``lapm`` ~ ``kamp``): the index does not relate them
        if max(len(a), len(b)) == 4 and a not in vocab and _short_slips(a, b):
            return max(token_sim(a, b), TYPING_SIM)
        # pairs the index did not relate: only worth comparing when they start alike and are about as long
        if abs(len(a) - len(b)) > 3 or not {k[:2] for k in skeletons(a)} & {k[:2] for k in skeletons(b)}:
            return 0.0
        return token_sim(a, b)
    if len(a) < 4 or len(b) < 4:
        return 0.0
    # a join on one side against a token (or join) on the other: "delacruz" ~ "de la cruz"; only close
    # spellings count, or "Ali Awn" would pass for "Allain"
    sim = token_sim(a, b)
    return sim if sim >= JOIN_MIN else 0.0
