"""Name, identifier and country normalisation.

Names are transliterated to ASCII (``anyascii`` handles Cyrillic, Arabic, Greek, Chinese...), folded to lower
case, split on anything that is not a letter or digit (so ``"GARCIA<<MARIA"``, ``"Garcia, María"`` and
``"al-Masri"`` all split cleanly), and a few romanisation habits are made canonical (``Abd al-Rahman``,
``Abdul Rahman`` and ``Abdelrahman`` become one token). Particles (``van den``, ``de la``, ``bin``, ``al``...)
stay as tokens but are flagged so that scoring gives them little weight and the index can join them to the
next token (``de la Cruz`` ~ ``Delacruz``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import jellyfish
import pycountry
from anyascii import anyascii

PARTICLES: frozenset[str] = frozenset(
    {
        # Dutch, German, Afrikaans
        "van", "von", "der", "den", "ter", "ten", "te", "het", "vd", "zu",
        # Romance languages
        "de", "del", "della", "dello", "di", "da", "das", "do", "dos", "du", "la", "le", "les", "lo",
        "y", "e", "st", "ste",
        # Arabic, Hebrew, Malay, Berber
        "al", "el", "ul", "bin", "ibn", "bint", "binti", "ben", "ould", "ag", "bte", "bt", "abd",
    }
)  # fmt: skip

#: Particles that are also given names: "Ben" is the English or Dutch name as often as the Arabic or Hebrew
#: "son of". Which one it is shows only against another name (see ``_QueryName.align`` in the index).
GIVEN_NAME_PARTICLES: frozenset[str] = frozenset({"ben"})

#: Words of organisation and vessel names that say what kind of thing it is rather than which one.
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "ltd", "limited", "llc", "inc", "incorporated", "co", "corp", "corporation", "company", "cia",
        "compania", "sa", "sl", "srl", "sas", "spa", "gmbh", "ag", "bv", "nv", "plc", "lp", "llp", "ooo",
        "ao", "zao", "oao", "pao", "pjsc", "jsc", "ojsc", "cjsc", "fze", "fzco", "fzc", "pte", "pty", "bhd",
        "sdn", "and", "of", "the", "mv", "mt", "m", "v", "t", "group", "holding", "holdings", "trading",
        "international", "shipping",
    }
)  # fmt: skip

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_SPLIT = re.compile(r"[^a-z0-9]+")
_ARTICLES = frozenset({"al", "el", "ul", "ar", "ad", "as", "ash", "an", "at", "az", "ur", "er", "ed", "es"})
_ABD_WORDS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdur", "abder", "abdu", "abdi", "abdil"})
#: how ``abd`` is commonly written out, to recognise a damaged one (``Andul``)
ABD_FORMS = ("abdul", "abdel", "abdal", "abd")
_ABDULLAH = re.compile(r"^abd[aeiou]?ll?ah?$")
_ABD_JOINED = re.compile(r"^abd(?:[aeiou](?:l|r|s|sh|n|t|z|d))?(?=[a-z]{3})")


def fold(text: str) -> str:
    """Transliterate to ASCII and lower-case; apostrophes vanish (``Mas'ud`` -> ``masud``)."""
    return _APOSTROPHES.sub("", anyascii(text)).lower()


def _canonical_abd(tokens: list[str]) -> list[str]:
    """Write the romanisations of Arabic ``Abd al-X`` names as ``abd x``.

    ``Abd al-Rahman``, ``Abdul Rahman``, ``Abdel Rahman``, ``Abdelrahman`` and ``Abdurrahman`` all become
    ``abd rahman``; ``abd`` is then a particle (it joins its neighbour, see :func:`name_units`).
    ``Abdullah``/``Abdallah``/``Abdulla`` become ``abdullah``.
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok.startswith("abd") and not _ABDULLAH.match(tok) and tok not in _ABD_WORDS:
            tok = _unswapped_abd(tok)
        if _ABDULLAH.match(tok):
            out.append("abdullah")
        elif tok in _ABD_WORDS:
            out.append("abd")
            if i < len(tokens) - 1 and tokens[i] in _ARTICLES:
                i += 1  # "abd al rahman": the article goes
        elif len(tok) > 6 and tok.startswith("abd") and _ABD_JOINED.sub("", tok) != tok:
            out.extend(("abd", _ABD_JOINED.sub("", tok)))
        else:
            out.append(tok)
    return out


def _unswapped_abd(tok: str) -> str:
    """``tok`` with two neighbouring letters put back in order where that makes it ``Abdullah`` or one of the
    ways ``Abd`` is written (``Abdallha``, ``Abdulal``, ``Abdlu``): the commonest typing error, which would
    otherwise split the name or leave it unrecognised. Any other word is returned as it is."""
    if not 5 <= len(tok) <= 9:
        return tok
    for k in range(3, len(tok) - 1):  # (the swap is after ``abd``: a word that starts so)
        fixed = tok[:k] + tok[k + 1] + tok[k] + tok[k + 2 :]
        if _ABDULLAH.match(fixed) or (len(fixed) >= 5 and fixed in _ABD_WORDS):
            return fixed
    return tok


#: digits a document reader (OCR of a passport page or its MRZ) reads for letters of the same shape
_DIGIT_LETTERS = str.maketrans("015826", "olsbzg")


def _undigit(token: str) -> str:
    """A word of letters with a digit or two in it is a misread name (``J0hn``, ``A1i``, ``Jule5``): the
    digits are read back as the letters they look like. Numbers (``7``, ``1972``) are left alone."""
    if token.isalpha() or token.isdigit():
        return token
    digits = sum(c.isdigit() for c in token)
    return token.translate(_DIGIT_LETTERS) if digits <= len(token) - digits else token


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens of one name, in written order (order does not matter for matching)."""
    tokens = [_undigit(t) for t in _SPLIT.split(fold(name)) if t]
    if any(t.startswith("abd") for t in tokens):
        tokens = _canonical_abd(tokens)
    return tuple(tokens)


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    """Metaphone key of a token (digits are kept as they are)."""
    if not token.isalpha():
        return token
    return jellyfish.metaphone(token) or token


#: pairs of letters a document reader takes for one letter of the same shape, and back (``Amold`` for
#: ``Arnold``, ``Rnirte`` for ``Mirte``, ``CLan`` for ``Dan``)
_SHAPES = (("rn", "m"), ("cl", "d"), ("vv", "w"))


@lru_cache(maxsize=500_000)
def shape(token: str) -> str:
    """The token with letter pairs that look like one letter written as that letter (``arnold`` ->
    ``amold``, ``clan`` -> ``dan``): two words with the same shape may be one misread for the other."""
    for a, b in _SHAPES:
        if a in token:
            token = token.replace(a, b)
    return token


# Spelling habits of romanisation (English, French, German, ICAO...) reduced to one spelling each.
# Applied in order: Kudryashova/Kudrjaschowa, Aisha/Ayesha, Yudin/Ioudin, Qassim/Kassem, Evseeva/Ewseewa.
_SPELLING_RULES: tuple[tuple[str, str], ...] = (
    ("schtsch", "s"), ("shch", "s"), ("chtch", "s"), ("tsch", "c"), ("tch", "c"), ("sch", "s"),
    ("sh", "s"), ("kh", "h"), ("gh", "g"), ("dh", "d"), ("dzh", "z"), ("zh", "z"), ("dj", "z"),
    ("ts", "c"), ("tz", "c"), ("cz", "c"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("q", "k"), ("x", "ks"),
    ("w", "v"), ("oo", "u"), ("ee", "i"), ("y", "i"),
)  # fmt: skip
# Letters that mean different sounds in different conventions: "ch" is English ch (Likhachev), German kh
# (Lichatschew) or French sh (Chahine); "j" is German/Dutch y (Jakuschewa) or French zh (Jdanov). Each
# reading is kept as a separate spelling.
_AMBIGUOUS: tuple[tuple[str, tuple[str, ...]], ...] = (("ch", ("c", "h", "s")), ("j", ("i", "z")))
_OU_VOWEL = re.compile(r"ou(?=[aeiou])")  # French "ou" before a vowel is w: Aouad ~ Awad
_ARTICLE_PREFIX = re.compile(r"^(?:el|ul)(?=[^aeiou])")  # Elmasry ~ Almasri
_VOWELS = frozenset("aeiou")
_DOUBLES = re.compile(r"(.)\1+")
#: what ``_DOUBLES`` leaves of a doubled letter: the letter (a function, not the template ``r"\1"``, which
#: Python expands for each call in Python code, at two to three times the cost)
_ONCE = itemgetter(1)


@lru_cache(maxsize=500_000)
def spellings(token: str) -> tuple[str, ...]:
    """The spellings a romanised name may stand for (``Beljakowa`` and ``Beliakova`` share ``beliakova``).

    Usually one; two to six when the token has an ambiguous ``ch`` or ``j``.
    """
    if not token.isalpha():
        return (token,)
    t = _ARTICLE_PREFIX.sub("al", _OU_VOWEL.sub("v", token))
    for a, b in _SPELLING_RULES:
        if a in t:
            t = t.replace(a, b)
    variants = {t.replace("ou", "u")}
    for a, readings in _AMBIGUOUS:
        if a in t:
            variants = {v.replace(a, r) for v in variants for r in readings}
    return tuple(sorted({_DOUBLES.sub(_ONCE, v.replace("z", "s")) for v in variants}))


def _skeleton(s: str) -> str:
    head = "a" if s[0] in _VOWELS else s[0]
    return _DOUBLES.sub(_ONCE, head + "".join(c for c in s[1:] if c not in _VOWELS))


@lru_cache(maxsize=500_000)
def skeletons(token: str) -> tuple[str, ...]:
    """Consonant skeletons of :func:`spellings`, blocking keys: ``Elmasry`` and ``Almasri`` -> ``almsr``."""
    if not token.isalpha():
        return (token,)
    return tuple(sorted({_skeleton(s) for s in spellings(token) if s}))


class Unit(NamedTuple):
    """A token, or adjacent tokens written together, that can match one token on the other side."""

    text: str
    positions: tuple[int, ...]


def joinable(a: str, b: str) -> bool:
    """Whether two adjacent tokens are often written as one (``de la``, ``al masri``, ``nasr allah``)."""
    if a in PARTICLES:
        return True
    return b not in PARTICLES and ((len(a) <= 4 and a.isalpha()) or (len(b) <= 4 and b.isalpha()))


def name_units(tokens: tuple[str, ...]) -> list[Unit]:
    """Single tokens plus joins of neighbours often written together (``de la cruz`` -> ``delacruz``)."""
    units = [Unit(t, (i,)) for i, t in enumerate(tokens)]
    n = len(tokens)
    for i in range(n - 1):
        a, b = tokens[i], tokens[i + 1]
        if len(a) > 1 and len(b) > 1 and joinable(a, b):
            units.append(Unit(a + b, (i, i + 1)))
            if i + 2 < n and a in PARTICLES and b in PARTICLES:
                units.append(Unit(a + b + tokens[i + 2], (i, i + 1, i + 2)))
    return units


_ID_CLEAN = re.compile(r"[^A-Z0-9]")


def normalize_identifier(kind: str, value: str) -> str:
    """Upper-case, no spaces or punctuation; IMO numbers lose their ``IMO`` prefix."""
    cleaned = _ID_CLEAN.sub("", fold(value).upper())
    if kind == "imo" and cleaned.startswith("IMO"):
        cleaned = cleaned[3:]
    return cleaned


_COUNTRY_ALIASES = {
    "russia": "RU",
    "democratic republic of the congo": "CD",
    "congo democratic republic": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "turkey": "TR",
    "north korea": "KP",
    "korea north": "KP",
    "south korea": "KR",
    "korea south": "KR",
    "dprk": "KP",
    "palestinian": "PS",
    "palestine": "PS",
    "curacao": "CW",
    "sint maarten": "SX",
    "st kitts and nevis": "KN",
    "st lucia": "LC",
    "st vincent and the grenadines": "VC",
    "burma": "MM",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "macedonia": "MK",
    "kosovo": "XK",
    "uk": "GB",
    "great britain": "GB",
    "usa": "US",
    "united states of america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "the bahamas": "BS",
    "bahamas the": "BS",
    "gambia the": "GM",
    "the gambia": "GM",
    "czechia": "CZ",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "vatican": "VA",
    "yugoslavia": "RS",
    "ussr": "RU",
    "soviet union": "RU",
}


def _country_key(text: str) -> str:
    return " ".join(t for t in _SPLIT.split(fold(text)) if t)


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(_country_key(value), code)
                # "Iran, Islamic Republic of" -> "iran"; "Bolivia, Plurinational State of" -> "bolivia"
                head = value.split(",")[0].split("(")[0]
                table.setdefault(_country_key(head), code)
        table[code.lower()] = code
        table.setdefault(country.alpha_3.lower(), code)
    table.update(_COUNTRY_ALIASES)
    return table


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166 alpha-2 code for a country name or code, or ``None`` if it is not recognised."""
    key = _country_key(text)
    if not key:
        return None
    table = _country_table()
    if key in table:
        return table[key]
    for prefix in ("the ", "republic of "):
        if key.startswith(prefix) and key[len(prefix) :] in table:
            return table[key[len(prefix) :]]
    return None


def normalize_gender(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    if v in {"m", "male", "man", "masculin", "masculino", "hombre"}:
        return "male"
    if v in {"f", "female", "woman", "feminin", "femenino", "mujer", "vrouw"}:
        return "female"
    return None
