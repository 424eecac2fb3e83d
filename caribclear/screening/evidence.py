"""The screening engine's reasons, in the reader's language.

The engine (``screening.engine``) is a library without Django: each hit's evidence is a short English line
(``date of birth 1974-12-04 vs 1974-04-12: day and month swapped``), stored with the hit as the engine wrote
it, so a hit keeps saying what the engine saw whatever the language of the officer who reads it. Its lines
are built from a closed set of phrases with names, dates, codes and figures in them; this module reads a
line back into that phrase and its values and gives it in the active language. A line it does not know (one
written by an engine of another version) is shown as it was written; :func:`localise` says whether it knew it.

Names, dates, country codes and scores are never translated: they are what the officer compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

#: The engine's phrases that carry no value, each its own message (the engine's words are the message ids).
FIXED = frozenset(
    {
        gettext_noop("name not exact and the date of birth gives the year only"),
        gettext_noop("name not exact and the date of birth one error off: two differences together"),
        gettext_noop("name not exact and another date of birth"),
        gettext_noop("only part of the listed name and the date of birth gives the year only"),
        gettext_noop(
            "only part of the listed name and the date of birth one error off: two differences together"
        ),
        gettext_noop("only part of the listed name and another date of birth: two differences together"),
        gettext_noop("no name in common"),
    }
)


def _date_what(what: str) -> str | None:
    """How two dates of birth compare (``dates._compare``), or ``None`` when not one of the engine's."""
    fixed = {
        "identical": pgettext("date of birth", "identical"),
        "same year": pgettext("date of birth", "same year"),
        "same year and month": pgettext("date of birth", "same year and month"),
        "day differs by one digit": pgettext("date of birth", "day differs by one digit"),
        "same year and month, other day": pgettext("date of birth", "same year and month, other day"),
        "day and month swapped": pgettext("date of birth", "day and month swapped"),
        "month differs by one digit": pgettext("date of birth", "month differs by one digit"),
        "same year, other day": pgettext("date of birth", "same year, other day"),
        "one year apart (one gives the year only)": pgettext(
            "date of birth", "one year apart (one gives the year only)"
        ),
        "one year apart": pgettext("date of birth", "one year apart"),
        "one year apart, other day": pgettext("date of birth", "one year apart, other day"),
        "same day, year typo?": pgettext("date of birth", "same day, year typo?"),
        "two years apart": pgettext("date of birth", "two years apart"),
    }
    if what in fixed:
        return fixed[what]
    years = re.fullmatch(r"(\d+) years apart", what)
    if years:
        n = int(years.group(1))
        return ngettext("%(n)s year apart", "%(n)s years apart", n) % {"n": n}
    return None


def _date(m: re.Match[str]) -> str | None:
    what = _date_what(m["what"])
    if what is None:
        return None
    return gettext("date of birth %(query)s vs %(listed)s: %(what)s") % {
        "query": m["q"],
        "listed": m["e"],
        "what": what,
    }


def _letters_off(pair: str) -> str | None:
    """``lgwih~lewis (2 letters off)``."""
    m = re.fullmatch(r"(\S+)~(\S+) \((\d+) letters? off\)", pair)
    if m is None:
        return None
    n = int(m[3])
    return ngettext(
        "%(query)s~%(listed)s (%(n)s letter off)", "%(query)s~%(listed)s (%(n)s letters off)", n
    ) % {"query": m[1], "listed": m[2], "n": n}


def _rescue(m: re.Match[str]) -> str | None:
    pairs = [_letters_off(p) for p in m["pairs"].split(", ")]
    if any(p is None for p in pairs):
        return None
    return gettext("%(pairs)s with the same date of birth: a damaged name the date confirms") % {
        "pairs": ", ".join(p for p in pairs if p)
    }


def _spaceless(m: re.Match[str]) -> str:
    n = int(m["n"])
    return ngettext(
        "%(query)s~%(listed)s: written without spaces, %(n)s edit apart",
        "%(query)s~%(listed)s: written without spaces, %(n)s edits apart",
        n,
    ) % {"query": m["q"], "listed": m["e"], "n": n}


def _name_part(part: str) -> str | None:
    """One part of a name's alignment (``Alignment.describe``): ``maria=maria``, ``garzia~garcia 0.88``,
    ``j~john initial``, ``vqan~van (damaged particle)``, ``query only: ...``, ``list only: ...``."""
    if re.fullmatch(r"\S+=\S+|\S+~\S+ \d\.\d\d", part):
        return part
    m = re.fullmatch(r"(\S+)~(\S+) (\d\.\d\d) \(2 typing errors\)", part)
    if m:
        return gettext("%(query)s~%(listed)s %(similarity)s (2 typing errors)") % {
            "query": m[1],
            "listed": m[2],
            "similarity": m[3],
        }
    m = re.fullmatch(r"(\S+)~(\S+) \(damaged particle\)", part)
    if m:
        return gettext("%(query)s~%(listed)s (damaged particle)") % {"query": m[1], "listed": m[2]}
    m = re.fullmatch(r"(\S+)~(\S+) initial", part)
    if m:
        return gettext("%(query)s~%(listed)s initial") % {"query": m[1], "listed": m[2]}
    m = re.fullmatch(r"query only: (.+)", part)
    if m:
        return gettext("query only: %(names)s") % {"names": m[1]}
    m = re.fullmatch(r"list only: (.+)", part)
    if m:
        return gettext("list only: %(names)s") % {"names": m[1]}
    return None


def _alignment(text: str) -> str | None:
    parts = [_name_part(p) for p in text.split(", ")]
    if any(p is None for p in parts):
        return None
    return ", ".join(p for p in parts if p)


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (re.compile(r"date of birth (?P<q>\S+) vs (?P<e>\S+): (?P<what>.+)"), _date),
    (
        re.compile(r"nationality (?P<c>\S+) on both"),
        lambda m: gettext("nationality %(countries)s on both") % {"countries": m["c"]},
    ),
    (
        re.compile(r"nationality (?P<q>\S+) vs (?P<e>\S+)"),
        lambda m: gettext("nationality %(query)s vs %(listed)s") % {"query": m["q"], "listed": m["e"]},
    ),
    (
        re.compile(r"gender (?P<q>\S+) vs (?P<e>\S+)"),
        lambda m: gettext("gender %(query)s vs %(listed)s") % {"query": m["q"], "listed": m["e"]},
    ),
    (
        re.compile(r"same identifier: (?P<ids>.+)"),
        lambda m: gettext("same identifier: %(identifiers)s") % {"identifiers": m["ids"]},
    ),
    (re.compile(r"(?P<pairs>.+) with the same date of birth: a damaged name the date confirms"), _rescue),
    (re.compile(r"(?P<q>.+)~(?P<e>.+): written without spaces, (?P<n>\d+) edits? apart"), _spaceless),
)


def localise(detail: str) -> tuple[str, bool]:
    """``detail`` in the active language, and whether it was one of the engine's phrases."""
    if detail in FIXED:
        return gettext(detail), True
    for pattern, render in _PATTERNS:
        m = pattern.fullmatch(detail)
        if m:
            text = render(m)
            if text is not None:
                return text, True
    text = _alignment(detail)
    if text is not None:
        return text, True
    return detail, False


def evidence_text(detail: str) -> str:
    """What the template shows: the line in the active language, or as written when not known."""
    return localise(detail)[0]
