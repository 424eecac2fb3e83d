"""An independent labelled check set for the screening engine: used to check it, never to tune it.

Everything here differs on purpose from ``generate.py``, which the engine's rules were designed on:

* **Name sources.** Given names and surnames drawn from the real OFAC SDN and UN consolidated lists in
  ``../shared/fixtures/watchlists/`` (each recombined: no listed person here is a real listed person), and
  from Faker locales ``generate.py`` does not use (German, Italian, Irish, Swedish, Czech, Greek, Indian
  English, Indonesian, Swahili, Yoruba, Twi, Zulu), folded to Latin letters.
* **Typo models.** Keyboard neighbours on a QWERTY layout (and doubled or skipped letters), OCR confusions
  (``rn``/``m``, ``cl``/``d``, ``li``/``h``, ``vv``/``w``, ``e``/``c``, ``o``/``0``...), and letters moved
  across a space or typed at a word's start (``Tijn iPm Gervais``, ``vkan der Velde``); any position,
  the first letter included.
* **Every variant query is screened twice**: with its date of birth and without one.

Each figure is printed with its 95% interval (Wilson's): with 300 queries a variant's recall is known to about
three points either way, too coarse to tell 0.94 from 0.96, so the default is 2,000 queries per variant and
20,000 clean travellers of each kind (about a minute on two cores).

Run from the repository root (``--list-size`` and ``--per-variant`` to change the size)::

    .venv/bin/python bench/screening/check.py                  # 100,000 listed, 2,000 queries per variant
    .venv/bin/python bench/screening/check.py --list-size 1000000 --json /tmp/check_1m.json
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from scipy.stats import binomtest

REPO = Path(__file__).resolve().parents[2]
sys.path.append(str(REPO))  # PYTHONPATH may name another checkout of the engine, to compare

from caribclear.screening.engine import DEFAULT_THRESHOLD, Entity, Index, read_watchlist  # noqa: E402
from caribclear.screening.engine.batch import screen_many  # noqa: E402

#: the real lists the names are drawn from; ``SCREENING_WATCHLISTS`` names another folder (a worktree kept
#: elsewhere than beside ``shared/``)
WATCHLISTS = Path(os.environ.get("SCREENING_WATCHLISTS", REPO.parent / "shared" / "fixtures" / "watchlists"))
LOCALES = (
    "de_DE", "it_IT", "ga_IE", "sv_SE", "cs_CZ", "el_GR", "en_IN", "id_ID", "sw", "yo_NG", "tw_GH", "zu_ZA",
)  # fmt: skip
#: share of listed persons whose names come from the real sanctions lists
SANCTIONS_SHARE = 0.35
VARIANTS = (
    "exact",
    "keyboard_typo",
    "ocr_typo",
    "two_typos",
    "across_space",
    "surname_first",
    "drop_middle",
    "initial",
    "dob_swapped",
    "dob_year_off",
)
CLEAN = ("clean_random", "clean_same_surname")
TITLES = frozenset(
    [
        "dr",
        "doctor",
        "colonel",
        "col",
        "general",
        "gen",
        "major",
        "maj",
        "captain",
        "capt",
        "shaykh",
        "sheikh",
        "shaikh",
        "mullah",
        "maulawi",
        "maulvi",
        "haji",
        "hajji",
        "mr",
        "mrs",
        "ms",
        "sayyid",
        "qari",
        "mufti",
        "imam",
        "brigadier",
        "lieutenant",
        "commander",
    ]
)
_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYBOARD: dict[str, str] = {}
for r, row in enumerate(_ROWS):
    for c, ch in enumerate(row):
        near = [row[c + d] for d in (-1, 1) if 0 <= c + d < len(row)]
        for rr in (r - 1, r + 1):
            if 1 <= rr < len(_ROWS):
                near += [_ROWS[rr][cc] for cc in (c - 1, c, c + 1) if 0 <= cc < len(_ROWS[rr])]
        KEYBOARD[ch] = "".join(x for x in near if x.isalpha())
OCR = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("li", "h"), ("h", "li"), ("vv", "w"), ("w", "vv"),
    ("e", "c"), ("c", "e"), ("o", "0"), ("l", "1"), ("i", "l"), ("l", "i"), ("u", "v"), ("n", "h"),
    ("s", "5"), ("b", "h"), ("g", "q"), ("a", "o"),
)  # fmt: skip


def _fold(text: str) -> str:
    return anyascii(text).replace("'", "")


@dataclass
class Person:
    id: str
    given: list[str]
    surnames: list[str]
    dob: str

    @property
    def name(self) -> str:
        return " ".join(self.given + self.surnames)

    def key(self) -> frozenset[str]:
        return frozenset(p.lower() for p in self.given + self.surnames)


def _clean_words(text: str) -> list[str]:
    words = [w for w in _fold(text).replace("-", " ").replace(".", " ").split() if w.isalpha()]
    return [w.capitalize() for w in words if w.lower() not in TITLES and len(w) > 1]


def sanctions_pools() -> tuple[list[str], list[str]]:
    """Given names and surnames of the persons on the OFAC and UN lists (titles dropped)."""
    given: set[str] = set()
    surnames: set[str] = set()
    _, ofac = read_watchlist(WATCHLISTS / "ofac_sdn.csv")
    for e in ofac:
        if e.schema != "Person":
            continue
        for n in e.names:
            if "," in n:
                sur, giv = n.split(",", 1)
                surnames.update(_clean_words(sur))
                given.update(_clean_words(giv))
    _, un = read_watchlist(WATCHLISTS / "UN_consolidated.xml")
    for e in un:
        if e.schema != "Person":
            continue
        words = _clean_words(e.names[0])
        if len(words) >= 2:
            given.add(words[0])
            surnames.update(words[1:])
    return sorted(given), sorted(surnames)


def locale_pools(locale: str) -> tuple[list[str], list[str]]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def names(attr: str) -> list[str]:
        values = getattr(provider, attr)
        values = values.keys() if isinstance(values, dict) else values
        return sorted({w for v in values for w in _clean_words(v)})

    return names("first_names"), names("last_names")


class CheckGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pools = {"sanctions": sanctions_pools()} | {loc: locale_pools(loc) for loc in LOCALES}
        self.n = 0

    def dob(self) -> str:
        r = self.rng
        return f"{r.randint(1935, 2005)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    def person(self) -> Person:
        r = self.rng
        source = "sanctions" if r.random() < SANCTIONS_SHARE else r.choice(LOCALES)
        given_pool, surname_pool = self.pools[source]
        given = [r.choice(given_pool)]
        if r.random() < 0.4:
            given.append(r.choice(given_pool))
        surnames = [r.choice(surname_pool)]
        if r.random() < 0.25:
            surnames.append(r.choice(surname_pool))
        self.n += 1
        return Person(f"C{self.n:07d}", given, surnames, self.dob())

    # ------------------------------------------------------------------ typo models
    def keyboard(self, word: str) -> str:
        r = self.rng
        pos = r.randrange(len(word))
        ch = word[pos].lower()
        kind = r.choice(("neighbour", "neighbour", "double", "skip"))
        if kind == "neighbour" and KEYBOARD.get(ch):
            new = r.choice(KEYBOARD[ch])
            return word[:pos] + (new.upper() if word[pos].isupper() else new) + word[pos + 1 :]
        if kind == "double":
            return word[: pos + 1] + word[pos] + word[pos + 1 :]
        if len(word) > 3:
            return word[:pos] + word[pos + 1 :]
        return word + word[-1]

    def ocr(self, word: str) -> str:
        r = self.rng
        low = word.lower()
        options = [(i, a, b) for a, b in OCR for i in range(len(low)) if low.startswith(a, i)]
        if not options:
            return self.keyboard(word)
        i, a, b = r.choice(options)
        return word[:i] + b + word[i + len(a) :]

    def across_space(self, name: str) -> str:
        """A letter moved across a space, two letters swapped at a word's start, or a stray letter there."""
        r = self.rng
        words = name.split(" ")
        kind = r.choice(("move_back", "move_forward", "swap_start", "stray_start"))
        if len(words) >= 2 and kind in ("move_back", "move_forward"):
            i = r.randrange(len(words) - 1)
            a, b = words[i], words[i + 1]
            if kind == "move_back" and len(a) > 2:  # "Pim Gervais" -> "Pi mGervais"
                words[i], words[i + 1] = a[:-1], a[-1] + b
            elif len(b) > 2:  # "Pim Gervais" -> "PimG ervais"
                words[i], words[i + 1] = a + b[0], b[1:]
            return " ".join(words)
        i = r.randrange(len(words))
        w = words[i]
        if kind == "swap_start" and len(w) >= 3:
            words[i] = w[1] + w[0] + w[2:]
        else:
            words[i] = r.choice("abcdefghijklmnopqrstuvwxyz") + w
        return " ".join(words)

    def variant(self, p: Person, kind: str) -> tuple[str, str]:
        r = self.rng
        words = p.name.split(" ")
        dob = p.dob
        if kind == "keyboard_typo":
            i = r.randrange(len(words))
            words[i] = self.keyboard(words[i])
        elif kind == "ocr_typo":
            i = r.randrange(len(words))
            words[i] = self.ocr(words[i])
        elif kind == "two_typos":
            long = [i for i, w in enumerate(words) if len(w) >= 7]
            if long and r.random() < 0.5:  # both in one long word
                i = r.choice(long)
                words[i] = r.choice((self.keyboard, self.ocr))(r.choice((self.keyboard, self.ocr))(words[i]))
            else:
                for i in r.sample(range(len(words)), 2):
                    words[i] = r.choice((self.keyboard, self.ocr))(words[i])
        elif kind == "across_space":
            words = self.across_space(p.name).split(" ")
        elif kind == "surname_first":
            words = p.surnames + p.given
        elif kind == "drop_middle":
            words = p.given[:1] + p.surnames
        elif kind == "initial":
            words = [p.given[0][0], *p.given[1:], *p.surnames]
        elif kind == "dob_swapped":
            y, m, d = dob.split("-")
            dob = f"{y}-{d}-{m}"
        elif kind == "dob_year_off":
            y, m, d = dob.split("-")
            dob = f"{int(y) + r.choice((-1, 1))}-{m}-{d}"
        return " ".join(words), dob

    def eligible(self, p: Person, kind: str) -> bool:
        if kind == "drop_middle":
            return len(p.given) >= 2
        if kind == "dob_swapped":
            _y, m, d = p.dob.split("-")
            return int(d) <= 12 and m != d
        if kind == "two_typos":
            return len(p.given) + len(p.surnames) >= 2 or len(p.surnames[0]) >= 7
        return True


def interval(hits: int, n: int) -> tuple[float, float]:
    """The 95% interval of a share of ``hits`` in ``n`` (Wilson's score interval)."""
    ci = binomtest(hits, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--list-size", type=int, default=100_000)
    ap.add_argument("--per-variant", type=int, default=2000)
    ap.add_argument("--clean", type=int, default=20_000, help="clean travellers of each kind")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    print(f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    gen = CheckGenerator(args.seed)
    listed = [gen.person() for _ in range(args.list_size)]
    keys = {p.key() for p in listed}
    rng = random.Random(args.seed + 1)
    cases: list[tuple[str, str, str | None, str | None]] = []  # (category, name, dob, expected id)
    for kind in VARIANTS:
        pool = [
            p for p in rng.sample(listed, min(len(listed), args.per_variant * 8)) if gen.eligible(p, kind)
        ]
        for p in pool[: args.per_variant]:
            name, dob = gen.variant(p, kind)
            cases.append((kind, name, dob, p.id))
    made = 0
    while made < args.clean:
        p = gen.person()
        if p.key() in keys:  # a namesake of a listed person, not a stranger
            continue
        cases.append(("clean_random", p.name, p.dob, None))
        made += 1
    made = 0
    for p in rng.sample(listed, len(listed)):
        if made >= args.clean:
            break
        other = gen.person()
        q = Person("T", other.given, p.surnames, other.dob)
        if q.key() in keys or set(other.given) & set(p.given):
            continue
        cases.append(("clean_same_surname", q.name, q.dob, None))
        made += 1
    print(
        f"generated {len(listed):,} listed persons and {len(cases):,} queries in {time.perf_counter() - t:.1f}s"
    )

    entities = [Entity(p.id, "Person", (p.name,), (p.dob,)) for p in listed]
    t = time.perf_counter()
    index = Index.build(entities)
    print(f"index build: {time.perf_counter() - t:.1f}s")
    figures: dict[str, dict[str, float]] = {}
    for with_dob in (True, False):
        queries = [
            Entity(f"q{i}", "Person", (name,), (dob,) if with_dob and dob else ())
            for i, (_c, name, dob, _e) in enumerate(cases)
        ]
        t = time.perf_counter()
        results = list(screen_many(index, queries, args.threshold, 50, args.workers))
        print(f"screened {len(queries):,} queries {'with' if with_dob else 'without'} a date of birth in "
              f"{time.perf_counter() - t:.1f}s")  # fmt: skip
        found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (cat, _name, _dob, expected), matches in zip(cases, results, strict=True):
            hit = any(m.entity_id == expected for m in matches) if expected else bool(matches)
            found[cat][0] += hit
            found[cat][1] += 1
        column = "dob" if with_dob else "no_dob"
        for cat, (hits, n) in found.items():
            scale = 1000 if cat in CLEAN else 1
            low, high = interval(hits, n)
            figures.setdefault(cat, {"n": n})[column] = scale * hits / n
            figures[cat][column + "_hits"] = hits
            figures[cat][column + "_95"] = [round(scale * low, 4), round(scale * high, 4)]

    print(
        f"\nthreshold {args.threshold}; recall per variant, alerts per 1,000 clean travellers (95% interval)"
    )
    print(f"{'category':22}{'n':>7}{'with date of birth':>30}{'without':>26}")
    for cat in (*VARIANTS, *CLEAN):
        f = figures.get(cat)
        if not f:
            continue
        what, digits = ("alerts/1000", 1) if cat in CLEAN else ("recall", 3)
        cells = [
            f"{f[c]:.{digits}f} ({f[c + '_95'][0]:.{digits}f}-{f[c + '_95'][1]:.{digits}f})"
            for c in ("dob", "no_dob")
        ]
        print(f"{cat:22}{f['n']:>7}{what + ' ' + cells[0]:>30}{cells[1]:>26}")
    if args.json:
        args.json.write_text(
            json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "figures": figures})
        )


if __name__ == "__main__":
    main()
