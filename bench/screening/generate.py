"""Seeded generator of a labelled screening benchmark.

A watchlist of persons from Caribbean-relevant naming cultures (English, Spanish with two surnames, French,
Dutch with particles, Portuguese, Russian names romanised from Cyrillic, Arabic names romanised several
ways), and queries of two kinds:

* variants of listed persons, each labelled with the entity it must find (typos, reordered names,
  ``SURNAME, Given`` forms, dropped middle names or second surnames, MRZ-style upper case without accents,
  initials, other transliterations, missing or slightly wrong dates of birth);
* clean travellers that must not alert: random people, people sharing a listed person's surname(s), and
  namesakes (same name) born years apart.

Given names and surnames come from Faker's locale tables (read directly, which is much faster than calling
Faker per person); Arabic romanisation variants and Cyrillic romanisation schemes are written here.
"""

from __future__ import annotations

import importlib
import random
import unicodedata
from dataclasses import dataclass, field

VARIANTS = (
    "exact",
    "typo",
    "two_typos",
    "two_typos_one_name",
    "two_short_typos",
    "space_typo",
    "reordered",
    "comma_form",
    "drop_middle",
    "drop_second_surname",
    "mrz_upper",
    "initials",
    "transliteration",
    "dob_missing",
    "dob_swapped",
    "dob_year_off",
    "ocr_typo",
    "two_errors",
)
#: variants drawn after every other query (with a random stream of their own), so that adding them left the
#: other queries and the clean travellers as they were
LATE_VARIANTS = ("ocr_typo", "two_errors")
CLEAN = (
    "clean_random",
    "clean_same_surname",
    "clean_namesake",
    "clean_same_birthday",
    "clean_random_all",
    "clean_part_name",
)
#: clean travellers drawn after every other query (with a random stream of their own), so that adding them
#: left the other queries as they were
LATE_CLEAN = ("clean_random_all", "clean_part_name")

#: letters next to each other on a QWERTY keyboard (the commonest slip of a finger)
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD: dict[str, str] = {}
for _r, _row in enumerate(_KEYBOARD_ROWS):
    for _c, _ch in enumerate(_row):
        _near = [_row[j] for j in (_c - 1, _c + 1) if 0 <= j < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_KEYBOARD_ROWS):
                _near += [
                    _KEYBOARD_ROWS[_other][j]
                    for j in (_c - 1, _c, _c + 1)
                    if 0 <= j < len(_KEYBOARD_ROWS[_other])
                ]
        _KEYBOARD[_ch] = "".join(_near)

#: what a document reader (OCR of a scanned passport page or MRZ) commonly reads instead of letters: letters
#: of similar shape, pairs of letters read as one and back, letters read as digits
_OCR_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"), ("nn", "m"), ("ii", "u"),
    ("c", "e"), ("e", "c"), ("h", "b"), ("b", "h"), ("i", "l"), ("l", "i"), ("u", "v"), ("v", "u"),
    ("n", "h"), ("h", "n"), ("a", "o"), ("g", "q"), ("f", "t"),
    ("o", "0"), ("l", "1"), ("i", "1"), ("s", "5"), ("b", "8"), ("z", "2"), ("g", "6"),
)  # fmt: skip

LOCALE_MIX = (
    ("en", 0.22),
    ("es", 0.25),
    ("fr", 0.10),
    ("nl", 0.10),
    ("pt", 0.10),
    ("ru", 0.11),
    ("ar", 0.12),
)
NATIONALITIES = {
    "en": ["JM", "TT", "BB", "BS", "GB", "US", "GY", "LC", "AG", "KN"],
    "es": ["CU", "DO", "VE", "CO", "ES", "PA", "MX", "PR"],
    "fr": ["HT", "FR", "GP", "MQ", "GF"],
    "nl": ["NL", "CW", "AW", "SX", "SR"],
    "pt": ["BR", "PT", "GY"],
    "ru": ["RU", "UA", "BY", "KZ"],
    "ar": ["LB", "SY", "EG", "MA", "DZ", "IQ", "JO", "SA"],
}

# Arabic names: each group lists romanisations of one name; the first is the most common.
ARABIC_GIVEN_MALE = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohamad", "Muhammed"],
    ["Ahmed", "Ahmad"],
    ["Hussein", "Husayn", "Hussain", "Husein"],
    ["Hassan", "Hasan"],
    ["Youssef", "Yusuf", "Yousef", "Youssif"],
    ["Abdul Rahman", "Abd al-Rahman", "Abdelrahman", "Abdurrahman"],
    ["Abdullah", "Abdallah", "Abdulla"],
    ["Omar", "Umar"],
    ["Khaled", "Khalid"],
    ["Mustafa", "Mostafa", "Moustafa"],
    ["Ibrahim", "Ebrahim"],
    ["Ali", "Aly"],
    ["Mahmoud", "Mahmud"],
    ["Saeed", "Said", "Sa'id"],
    ["Tariq", "Tarek", "Tareq"],
    ["Walid", "Waleed"],
    ["Jamal", "Gamal"],
    ["Karim", "Kareem"],
    ["Nasser", "Nasir", "Naser"],
    ["Osama", "Usama", "Oussama"],
    ["Yasser", "Yasir", "Yaser"],
    ["Faisal", "Faysal"],
    ["Hamza", "Hamzah"],
    ["Ismail", "Ismael", "Esmail"],
    ["Abdel Aziz", "Abd al-Aziz", "Abdulaziz"],
    ["Bilal", "Belal"],
    ["Samir", "Sameer"],
    ["Rashid", "Rachid", "Rasheed"],
    ["Ziad", "Ziyad", "Zeyad"],
    ["Adel", "Adil"],
]
ARABIC_GIVEN_FEMALE = [
    ["Fatima", "Fatma", "Fatemah"],
    ["Aisha", "Aicha", "Ayesha"],
    ["Khadija", "Khadidja", "Khadeeja"],
    ["Mariam", "Maryam", "Meriem"],
    ["Zainab", "Zeinab", "Zaynab"],
    ["Layla", "Leila", "Laila"],
    ["Nour", "Noor", "Nur"],
    ["Salma", "Selma"],
    ["Yasmin", "Yasmine", "Jasmin"],
    ["Amina", "Aminah"],
    ["Hala", "Halah"],
    ["Rania", "Raniya"],
]
ARABIC_SURNAMES = [
    ["al-Masri", "Al Masri", "Elmasry"],
    ["Haddad", "Hadad"],
    ["Khoury", "Khouri", "El Khoury"],
    ["Nasrallah", "Nasr Allah"],
    ["Mansour", "Mansur"],
    ["Saleh", "Salih"],
    ["Hamdan", "Hamdane"],
    ["Qasim", "Kassem", "Qassim"],
    ["al-Hashimi", "Al Hashemi", "El Hachemi"],
    ["Haidar", "Haydar", "Hayder"],
    ["Suleiman", "Sulayman", "Soliman"],
    ["Darwish", "Derwich", "Darwiche"],
    ["Farouk", "Faruq", "Farouq"],
    ["Issa", "Eissa", "Isa"],
    ["Jaber", "Jabir"],
    ["Najjar", "Najar", "Nejjar"],
    ["Othman", "Uthman", "Osman"],
    ["Zayed", "Zaid", "Zayid"],
    ["al-Tamimi", "Al Tamimi", "Tamimi"],
    ["Aoun", "Aun", "Awn"],
    ["Chahine", "Shahin", "Shaheen"],
    ["Bakri", "Bakry"],
    ["Ghanem", "Ghanim"],
    ["Rahal", "Rahhal"],
    ["Shaaban", "Shaban", "Chaabane"],
    ["Youssef", "Yusuf", "Yousef"],
    ["Awad", "Aouad", "Awwad"],
    ["Hijazi", "Hegazy", "Higazi"],
    ["al-Amin", "El Amine", "Al Amin"],
    ["Karam", "Karram"],
    ["Sabbagh", "Sabag", "Sabbag"],
    ["Fakhoury", "Fakhouri", "Fakhuri"],
    ["Abboud", "Abbud", "Aboud"],
    ["Mourad", "Murad", "Mrad"],
    ["Tahan", "Tahhan"],
    ["Obeid", "Ubayd", "Obaid"],
    ["Kanaan", "Canaan", "Kanan"],
    ["Barakat", "Baraka"],
    ["Halabi", "Al Halabi", "Halaby"],
    ["Dabbous", "Dabbus"],
]

# Cyrillic romanisation schemes: common English (BGN-like), ICAO 9303 (passports), French/German habits.
_CYR_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_CYR_ICAO = dict(_CYR_COMMON, **{"ё": "e", "й": "i", "ю": "iu", "я": "ia", "ъ": "ie"})
_CYR_FRENCH = dict(
    _CYR_COMMON,
    **{"ж": "j", "х": "kh", "ч": "tch", "ш": "ch", "щ": "chtch", "у": "ou", "ю": "iou", "я": "ia", "й": "i"},
)
_CYR_GERMAN = dict(
    _CYR_COMMON,
    **{"ж": "sch", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "в": "w", "й": "j",
       "ю": "ju", "я": "ja", "з": "s"},
)  # fmt: skip
CYRILLIC_SCHEMES = (_CYR_COMMON, _CYR_ICAO, _CYR_FRENCH, _CYR_GERMAN)
SPANISH_PARTICLE_FORMS = ("de", "del", "de la")


def _pool(locale: str, attr: str) -> list[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    values = getattr(provider, attr)
    return sorted(values.keys()) if isinstance(values, dict) else sorted(values)


@dataclass
class Pools:
    given: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    surnames: dict[str, list[str]] = field(default_factory=dict)
    patronymics: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Pools:
        p = cls()
        for loc, faker_locales in {
            "en": ["en_GB", "en_US"],
            "es": ["es_ES", "es_MX"],
            "fr": ["fr_FR"],
            "nl": ["nl_NL"],
            "pt": ["pt_BR"],
        }.items():
            for g in ("male", "female"):
                names: set[str] = set()
                for fl in faker_locales:
                    names.update(_pool(fl, f"first_names_{g}"))
                p.given[(loc, g)] = sorted(names)
            surnames: set[str] = set()
            for fl in faker_locales:
                surnames.update(s for s in _pool(fl, "last_names") if "," not in s and "'" not in s)
            p.surnames[loc] = sorted(surnames)
        for g in ("male", "female"):
            p.given[("ru", g)] = _pool("ru_RU", f"first_names_{g}")
            p.surnames[f"ru_{g}"] = _pool("ru_RU", f"last_names_{g}")
            p.patronymics[g] = _pool("ru_RU", f"middle_names_{g}")
        return p


@dataclass
class Person:
    """A generated person. ``given``/``surnames`` are lists of written name parts (a part may have spaces)."""

    id: str
    locale: str
    gender: str
    given: list[str]
    surnames: list[str]
    dob: str
    nationality: str
    # for ru/ar: the parts in a neutral form, so that other romanisations can be produced
    source_parts: list[tuple[str, int]] = field(default_factory=list)
    scheme: int = 0
    aliases: list[str] = field(default_factory=list)
    year_only: bool = False

    def full_name(self, comma: bool = False) -> str:
        if comma:
            return f"{' '.join(self.surnames).upper()}, {' '.join(self.given)}"
        return " ".join(self.given + self.surnames)


def _romanise_cyr(text: str, scheme: dict[str, str]) -> str:
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        rep = scheme.get(low, ch)
        if low == "е" and scheme is _CYR_COMMON and (i == 0 or text[i - 1].lower() in "аеёиоуыэюяъь"):
            rep = "ye"
        out.append(rep.capitalize() if ch.isupper() and rep else rep)
    return "".join(out)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pools = Pools.load()
        self._n = 0

    def _dob(self) -> str:
        r = self.rng
        return f"{r.randint(1940, 2004)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    def _locale(self) -> str:
        x = self.rng.random()
        acc = 0.0
        for loc, share in LOCALE_MIX:
            acc += share
            if x < acc:
                return loc
        return LOCALE_MIX[-1][0]

    def _render_source(self, person: Person, scheme: int) -> tuple[list[str], list[str]]:
        """Given names and surnames of a ru/ar person in romanisation ``scheme``."""
        given, surnames = [], []
        for text, role in person.source_parts:
            if person.locale == "ru":
                rendered = _romanise_cyr(text, CYRILLIC_SCHEMES[scheme % len(CYRILLIC_SCHEMES)])
            else:
                group = _ARABIC_BY_KEY[text]
                rendered = group[scheme % len(group)]
            (surnames if role == 1 else given).append(rendered)
        return given, surnames

    def person(self, locale: str | None = None, pid: str | None = None) -> Person:
        r = self.rng
        loc = locale or self._locale()
        gender = r.choice(("male", "female"))
        self._n += 1
        person = Person(
            id=pid or f"P{self._n:07d}",
            locale=loc,
            gender=gender,
            given=[],
            surnames=[],
            dob=self._dob(),
            nationality=r.choice(NATIONALITIES[loc]),
        )
        if loc in ("en", "fr", "nl", "pt", "es"):
            pool = self.pools.given[(loc, gender)]
            person.given = [r.choice(pool)]
            middle_p = {"en": 0.35, "fr": 0.2, "nl": 0.25, "pt": 0.5, "es": 0.35}[loc]
            if r.random() < middle_p:
                second = r.choice(pool)
                if second != person.given[0]:
                    person.given.append(second)
            sur = self.pools.surnames[loc]
            person.surnames = [r.choice(sur)]
            if loc in ("es", "pt") or (loc == "en" and r.random() < 0.03):
                second = r.choice(sur)
                if second != person.surnames[0]:
                    if loc == "es" and r.random() < 0.06:
                        second = f"{r.choice(SPANISH_PARTICLE_FORMS)} {second}"
                    person.surnames.append(second)
        elif loc == "ru":
            parts = [
                (r.choice(self.pools.given[("ru", gender)]), 0),
                (r.choice(self.pools.patronymics[gender]), 0),
                (r.choice(self.pools.surnames[f"ru_{gender}"]), 1),
            ]
            if r.random() < 0.3:  # patronymic not recorded
                parts.pop(1)
            person.source_parts = parts
            person.scheme = r.randrange(len(CYRILLIC_SCHEMES))
            person.given, person.surnames = self._render_source(person, person.scheme)
        else:
            given_pool = ARABIC_GIVEN_MALE if gender == "male" else ARABIC_GIVEN_FEMALE
            parts = [(r.choice(given_pool)[0], 0)]
            if r.random() < 0.8:  # father's name
                parts.append((r.choice(ARABIC_GIVEN_MALE)[0], 0))
            parts.append((r.choice(ARABIC_SURNAMES)[0], 1))
            person.source_parts = parts
            person.scheme = r.randrange(3)
            person.given, person.surnames = self._render_source(person, person.scheme)
        if person.source_parts and r.random() < 0.3:
            alias_given, alias_sur = self._render_source(person, person.scheme + 1)
            alias = " ".join(alias_given + alias_sur)
            if alias != person.full_name():
                person.aliases.append(alias)
        if r.random() < 0.08:
            person.year_only = True
        return person

    # ------------------------------------------------------------------ variants
    def _typo(self, text: str) -> str:
        r = self.rng
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) >= 4]
        if not candidates:
            return text
        i = r.choice(candidates)
        w = words[i]
        pos = r.randrange(1, len(w))
        kind = r.choice(("sub", "del", "ins", "swap"))
        letters = "abcdefghijklmnopqrstuvwxyz"
        if kind == "sub":
            w = w[:pos] + r.choice(letters.replace(w[pos].lower(), "")) + w[pos + 1 :]
        elif kind == "del":
            w = w[:pos] + w[pos + 1 :]
        elif kind == "ins":
            w = w[:pos] + r.choice(letters) + w[pos:]
        elif pos < len(w) - 1:
            w = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
        else:
            w = w[: pos - 1] + w[pos] + w[pos - 1]
        words[i] = w
        return " ".join(words)

    def _edit(self, word: str) -> str:
        """One typing error anywhere in ``word``, the first letter included: a keyboard neighbour struck
        instead (or as well), a letter left out, or two neighbours swapped."""
        r = self.rng
        pos = r.randrange(len(word))
        kind = r.choice(("neighbour", "neighbour", "del", "ins", "swap"))
        if kind in ("neighbour", "ins"):
            letter = word[pos].lower()
            near = _KEYBOARD.get(letter) or "abcdefghijklmnopqrstuvwxyz".replace(letter, "")
            typed = r.choice(near)
            if kind == "neighbour":
                return word[:pos] + typed + word[pos + 1 :]
            return word[:pos] + typed + word[pos:]
        if kind == "del" and len(word) > 2:
            return word[:pos] + word[pos + 1 :]
        if pos == len(word) - 1:
            pos -= 1
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]

    def _ocr(self, word: str, r: random.Random) -> str:
        """One misreading by a document reader anywhere in ``word`` (``Amold`` for ``Arnold``, ``Ja5on``);
        a typing error where none applies."""
        low = word.lower()
        options = [(i, a, b) for a, b in _OCR_CONFUSIONS for i in range(len(low)) if low.startswith(a, i)]
        if not options:
            return self._edit(word)
        i, a, b = r.choice(options)
        if word[i].isupper():
            b = b.upper()
        return word[:i] + b + word[i + len(a) :]

    def _two_errors(self, text: str, r: random.Random) -> str:
        """Two errors, each a typing error or a misreading: in one name of 7+ letters half the time, else one
        in each of two names; any letter, the first included."""
        words = text.split(" ")

        def error(word: str) -> str:
            return self._ocr(word, r) if r.random() < 0.5 else self._edit(word)

        long = [i for i, w in enumerate(words) if len(w) >= 7]
        if (long and r.random() < 0.5) or len(words) < 2:
            i = r.choice(long) if long else r.randrange(len(words))
            words[i] = error(error(words[i]))
        else:
            for i in r.sample(range(len(words)), 2):
                words[i] = error(words[i])
        return " ".join(words)

    def late_variant(self, person: Person, kind: str, r: random.Random) -> tuple[str, str | None]:
        """A query of one of ``LATE_VARIANTS``, drawn with ``r`` (the generator's own stream is not touched)."""
        saved, self.rng = self.rng, r
        try:
            name = person.full_name()
            if kind == "ocr_typo":
                words = name.split(" ")
                i = r.randrange(len(words))
                words[i] = self._ocr(words[i], r)
                name = " ".join(words)
            elif kind == "two_errors":
                name = self._two_errors(name, r)
            else:
                raise ValueError(kind)
        finally:
            self.rng = saved
        return name, person.dob

    def _two_edits_one_name(self, text: str) -> str:
        """Two typing errors in one name of 4+ letters, the other names as written (``Kerry Pakqrkinson``,
        ``Lucie Hemy``)."""
        r = self.rng
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) >= 4]
        if not candidates:
            return self._edit(self._edit(text))
        i = r.choice(candidates)
        first = self._edit(words[i])
        second = self._edit(first)
        while second == words[i]:  # the second error undid the first
            second = self._edit(first)
        words[i] = second
        return " ".join(words)

    def _two_short_typos(self, text: str) -> str:
        """One typing error in each of two names, short names included (``Aa Yoalnda`` for ``Ana
        Yolanda``)."""
        r = self.rng
        words = text.split(" ")
        candidates = [i for i, w in enumerate(words) if len(w) >= 3]
        if len(candidates) < 2:
            return self._two_edits_one_name(text)
        short = [i for i in candidates if len(words[i]) <= 4]
        a = r.choice(short) if short else r.choice(candidates)
        b = r.choice([i for i in candidates if i != a])
        words[a] = self._edit(words[a])
        words[b] = self._edit(words[b])
        return " ".join(words)

    def _space_typo(self, text: str) -> str:
        """A typo at a word's edge: a letter moved across a space, or a stray letter typed before a word."""
        r = self.rng
        words = text.split(" ")
        i = r.randrange(len(words))
        if len(words) >= 2 and r.random() < 0.6:
            i = min(i, len(words) - 2)
            a, b = words[i], words[i + 1]
            if r.random() < 0.5 and len(a) > 2:
                words[i], words[i + 1] = a[:-1], a[-1] + b
            elif len(b) > 2:
                words[i], words[i + 1] = a + b[0], b[1:]
            else:
                words[i] = r.choice("abcdefghijklmnopqrstuvwxyz") + a
        else:
            words[i] = r.choice("abcdefghijklmnopqrstuvwxyz") + words[i]
        return " ".join(words)

    def variant(self, person: Person, kind: str) -> tuple[str, str | None]:
        """A query (name, date of birth) that must find ``person``."""
        r = self.rng
        name, dob = person.full_name(), person.dob
        if kind == "typo":
            name = self._typo(name)
        elif kind == "two_typos":
            words = name.split(" ")
            if len(words) >= 2:
                a, b = r.sample(range(len(words)), 2)
                words[a] = self._typo(words[a])
                words[b] = self._typo(words[b])
                name = " ".join(words)
            else:
                name = self._typo(self._typo(name))
        elif kind == "two_typos_one_name":
            name = self._two_edits_one_name(name)
        elif kind == "two_short_typos":
            name = self._two_short_typos(name)
        elif kind == "space_typo":
            name = self._space_typo(name)
        elif kind == "reordered":
            name = " ".join(person.surnames + person.given)
        elif kind == "comma_form":
            name = person.full_name(comma=True)
        elif kind == "drop_middle":
            name = " ".join(person.given[:1] + person.surnames)
        elif kind == "drop_second_surname":
            name = " ".join(person.given + person.surnames[:1])
        elif kind == "mrz_upper":
            sur = strip_accents(" ".join(person.surnames)).upper().replace(" ", "<").replace("-", "<")
            giv = strip_accents(" ".join(person.given)).upper().replace(" ", "<").replace("-", "<")
            name = f"{sur}<<{giv}" if r.random() < 0.5 else f"{sur} {giv}".replace("<", " ")
        elif kind == "initials":
            initials = [g[0] + ("." if r.random() < 0.5 else "") for g in person.given[1:]]
            name = " ".join([person.given[0], *initials, *person.surnames])
            if len(person.given) == 1:
                name = " ".join([person.given[0][0] + ".", *person.surnames])
        elif kind == "transliteration":
            given, sur = self._render_source(person, person.scheme + r.randint(1, 2))
            name = " ".join(given + sur)
        elif kind == "dob_missing":
            dob = None
        elif kind == "dob_swapped":
            y, m, d = dob.split("-")
            dob = f"{y}-{d}-{m}"
        elif kind == "dob_year_off":
            y, m, d = dob.split("-")
            dob = f"{int(y) + r.choice((-1, 1))}-{m}-{d}"
        return name, dob

    def eligible(self, person: Person, kind: str) -> bool:
        if kind == "drop_middle":
            return len(person.given) >= 2
        if kind == "drop_second_surname":
            return person.locale in ("es", "pt") and len(person.surnames) >= 2
        if kind == "transliteration":
            return bool(person.source_parts)
        if kind == "dob_swapped":
            _y, m, d = person.dob.split("-")
            return not person.year_only and int(d) <= 12 and m != d
        if kind in ("dob_year_off",):
            return not person.year_only
        return True

    def name_key(self, person: Person) -> frozenset[str]:
        """The name parts independent of romanisation, to tell namesakes from strangers."""
        if person.source_parts:
            return frozenset(text.lower() for text, _ in person.source_parts)
        return frozenset(strip_accents(p).lower() for p in person.given + person.surnames)

    def same_surname(self, person: Person) -> tuple[str, str, str, frozenset[str]]:
        """Another person with ``person``'s surname(s): (name, dob, gender, name key)."""
        r = self.rng
        gender = r.choice(("male", "female"))
        if person.locale in ("en", "fr", "nl", "pt", "es"):
            pool = self.pools.given[(person.locale, gender)]
            given = r.choice([g for g in pool if g not in person.given] or pool)
            key = frozenset(strip_accents(p).lower() for p in [given, *person.surnames])
        else:
            if person.locale == "ru":
                source = r.choice(self.pools.given[("ru", gender)])
                given = _romanise_cyr(source, _CYR_COMMON)
            else:
                source = r.choice(ARABIC_GIVEN_MALE if gender == "male" else ARABIC_GIVEN_FEMALE)[0]
                given = source
            surnames = [t for t, role in person.source_parts if role == 1]
            key = frozenset(t.lower() for t in [source, *surnames])
        return " ".join([given, *person.surnames]), self._dob(), gender, key

    def same_birthday(self, person: Person) -> tuple[str, frozenset[str]] | None:
        """Another person with ``person``'s given name(s), born the same day, with another surname of the
        same culture: (name, name key), or ``None`` for the cultures whose names are romanised here."""
        if person.locale not in ("en", "fr", "nl", "pt", "es"):
            return None
        other = self.person(locale=person.locale, pid="T")
        key = frozenset(strip_accents(p).lower() for p in [*person.given, *other.surnames])
        return " ".join([*person.given, *other.surnames]), key

    def part_name(self, person: Person, r: random.Random) -> tuple[str, frozenset[str]] | None:
        """``person``'s name with one name left out, as a stranger may share part of a listed name: a middle
        name or a second surname (``James Payne`` of ``James John Payne``), or the father's name or
        patronymic of an Arabic or Russian name: (name, name key), or ``None`` for a name of two parts."""
        if person.source_parts:
            if len(person.source_parts) < 3:
                return None
            kept = [part for i, part in enumerate(person.source_parts) if i != 1]
            rendered = []
            for text, _role in kept:
                if person.locale == "ru":
                    rendered.append(
                        _romanise_cyr(text, CYRILLIC_SCHEMES[person.scheme % len(CYRILLIC_SCHEMES)])
                    )
                else:
                    group = _ARABIC_BY_KEY[text]
                    rendered.append(group[person.scheme % len(group)])
            return " ".join(rendered), frozenset(text.lower() for text, _ in kept)
        options = []
        if len(person.given) >= 2:
            options.append(person.given[:1] + person.surnames)
        if len(person.surnames) >= 2:
            options.append(person.given + person.surnames[:1])
        if not options:
            return None
        parts = r.choice(options)
        return " ".join(parts), frozenset(strip_accents(p).lower() for p in parts)

    def random_dob(self, r: random.Random) -> str:
        """A date of birth drawn as listed persons' are, from ``r``."""
        return f"{r.randint(1940, 2004)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    def namesake_dob(self, person: Person) -> str:
        """A date of birth 5 to 30 years away from ``person``'s, on a random day."""
        r = self.rng
        shift = r.randint(5, 30) * r.choice((-1, 1))
        return f"{int(person.dob[:4]) + shift}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"


_ARABIC_BY_KEY = {group[0]: group for group in ARABIC_GIVEN_MALE + ARABIC_GIVEN_FEMALE + ARABIC_SURNAMES}
