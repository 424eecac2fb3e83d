"""Country names as people write them on crew and passenger lists, in English, Spanish, French and Dutch.

The names come from maintained sources, not from a list of our own: pycountry's ISO 3166 names with the
translations of Debian's iso-codes project (short, official and common names in every language shipped)
and django-countries' names (CLDR-style short names, in each language through Django's catalogues). To
them we add only what no standard lists: the spellings of the Caribbean ("St Vincent", "Statia", "BVI",
"Sint Maarten" for the Dutch side) and nationalities written as adjectives ("Bajan", "Nederlandse").

Names are compared folded: without accents, case, punctuation or "the", with "St"/"Ste" read as "Saint"/
"Sainte", and with an ending in brackets or after a comma dropped ("Sint Maarten (Dutch part)" is also
"Sint Maarten"; "Venezuela, Bolivarian Republic of" also "Venezuela"). A folded name that two sources give
to two countries (the Spanish "San Martín" is both halves of the island) is ambiguous: it is refused with
both countries named, never guessed.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry
from django.utils import translation
from django_countries import countries

LANGUAGES = ("en", "es", "fr", "nl")

# Spellings no standard gives, each checked against the Caribbean's own usage. Folded on load.
CARIBBEAN_NAMES: dict[str, str] = {
    "St Lucia": "LC",
    "St. Lucia": "LC",
    "St Vincent": "VC",
    "St. Vincent": "VC",
    "St Vincent & the Grenadines": "VC",
    "St Vincent and Grenadines": "VC",
    "SVG": "VC",
    "St Kitts": "KN",
    "St. Kitts": "KN",
    "St Kitts & Nevis": "KN",
    "St Kitts-Nevis": "KN",
    "St Christopher and Nevis": "KN",
    "Nevis": "KN",
    "Antigua": "AG",
    "Barbuda": "AG",
    "Antigua & Barbuda": "AG",
    "Trinidad": "TT",
    "Tobago": "TT",
    "Trinidad & Tobago": "TT",
    "T&T": "TT",
    "Sint Maarten": "SX",
    "St Maarten": "SX",
    "St. Maarten": "SX",
    "Saint Maarten": "SX",
    "Sint-Maarten": "SX",
    "Saint Martin": "MF",
    "St Martin": "MF",
    "Saint-Martin": "MF",
    "St Barths": "BL",
    "St Barts": "BL",
    "St Barth": "BL",
    "Saint Barth": "BL",
    "Statia": "BQ",
    "St Eustatius": "BQ",
    "Sint Eustatius": "BQ",
    "Saba": "BQ",
    "Bonaire": "BQ",
    "Caribbean Netherlands": "BQ",
    "Curacao": "CW",
    "BVI": "VG",
    "British Virgin Islands": "VG",
    "Virgin Islands (British)": "VG",
    "USVI": "VI",
    "US Virgin Islands": "VI",
    "U.S. Virgin Islands": "VI",
    "Virgin Islands (US)": "VI",
    "TCI": "TC",
    "Turks & Caicos": "TC",
    "Turks and Caicos": "TC",
    "Cayman": "KY",
    "Caymans": "KY",
    "Grand Cayman": "KY",
    "The Bahamas": "BS",
    "Surinam": "SR",
    "Holland": "NL",
    "Holanda": "NL",
    "Hollande": "NL",
    "USA": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "EE.UU.": "US",
    "EEUU": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Guyane": "GF",
    "Guyane française": "GF",
    "Guayana Francesa": "GF",
    "Frans-Guyana": "GF",
    "Rep. Dominicana": "DO",
    "Dominicaanse Rep.": "DO",
}

# Nationalities written as adjectives, as crew lists often do (masculine and feminine forms).
NATIONALITY_WORDS: dict[str, str] = {
    # English
    "American": "US",
    "British": "GB",
    "Canadian": "CA",
    "French": "FR",
    "Dutch": "NL",
    "German": "DE",
    "Spanish": "ES",
    "Italian": "IT",
    "Swiss": "CH",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Irish": "IE",
    "Belgian": "BE",
    "Portuguese": "PT",
    "Australian": "AU",
    "New Zealander": "NZ",
    "South African": "ZA",
    "Venezuelan": "VE",
    "Colombian": "CO",
    "Brazilian": "BR",
    "Mexican": "MX",
    "Jamaican": "JM",
    "Barbadian": "BB",
    "Bajan": "BB",
    "Trinidadian": "TT",
    "Trinbagonian": "TT",
    "Trinidadian and Tobagonian": "TT",
    "Grenadian": "GD",
    "Vincentian": "VC",
    "St Lucian": "LC",
    "Saint Lucian": "LC",
    "Kittitian": "KN",
    "Nevisian": "KN",
    "Antiguan": "AG",
    "Bahamian": "BS",
    "Belizean": "BZ",
    "Guyanese": "GY",
    "Surinamese": "SR",
    "Haitian": "HT",
    "Cuban": "CU",
    "Puerto Rican": "PR",
    "Aruban": "AW",
    "Curacaoan": "CW",
    "Caymanian": "KY",
    "Bermudian": "BM",
    "Montserratian": "MS",
    "Anguillian": "AI",
    # Spanish
    "Español": "ES",
    "Española": "ES",
    "Francés": "FR",
    "Francesa": "FR",
    "Holandés": "NL",
    "Holandesa": "NL",
    "Neerlandés": "NL",
    "Neerlandesa": "NL",
    "Estadounidense": "US",
    "Británico": "GB",
    "Británica": "GB",
    "Canadiense": "CA",
    "Alemán": "DE",
    "Alemana": "DE",
    "Italiano": "IT",
    "Italiana": "IT",
    "Venezolano": "VE",
    "Venezolana": "VE",
    "Colombiano": "CO",
    "Colombiana": "CO",
    "Cubano": "CU",
    "Cubana": "CU",
    "Mexicano": "MX",
    "Mexicana": "MX",
    "Trinitense": "TT",
    "Jamaiquino": "JM",
    "Jamaiquina": "JM",
    "Haitiano": "HT",
    "Haitiana": "HT",
    "Puertorriqueño": "PR",
    "Puertorriqueña": "PR",
    # French
    "Français": "FR",
    "Française": "FR",
    "Néerlandais": "NL",
    "Néerlandaise": "NL",
    "Américain": "US",
    "Américaine": "US",
    "Britannique": "GB",
    "Espagnol": "ES",
    "Espagnole": "ES",
    "Allemand": "DE",
    "Allemande": "DE",
    "Italien": "IT",
    "Italienne": "IT",
    "Canadien": "CA",
    "Canadienne": "CA",
    "Haïtien": "HT",
    "Haïtienne": "HT",
    "Belge": "BE",
    "Suisse": "CH",
    "Vénézuélien": "VE",
    "Vénézuélienne": "VE",
    # Dutch
    "Nederlands": "NL",
    "Nederlandse": "NL",
    "Amerikaans": "US",
    "Amerikaanse": "US",
    "Brits": "GB",
    "Britse": "GB",
    "Frans": "FR",
    "Franse": "FR",
    "Spaans": "ES",
    "Spaanse": "ES",
    "Duits": "DE",
    "Duitse": "DE",
    "Italiaans": "IT",
    "Italiaanse": "IT",
    "Canadees": "CA",
    "Canadese": "CA",
    "Belgisch": "BE",
    "Belgische": "BE",
    "Venezolaans": "VE",
    "Venezolaanse": "VE",
    "Surinaams": "SR",
    "Surinaamse": "SR",
    "Arubaans": "AW",
    "Arubaanse": "AW",
    "Curaçaos": "CW",
    "Curaçaose": "CW",
}

_STOP = {"the", "of"}
_SAINTS = {"st": "saint", "ste": "sainte"}


def fold(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: `Curaçao` and `CURACAO` are one name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("&", " and ").replace("'", "")
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    return " ".join(_SAINTS.get(word, word) for word in words if word not in _STOP)


def _short_forms(name: str) -> set[str]:
    """The folded short forms of a name (before a bracket, before a comma), without the name itself."""
    full = fold(name)
    keys = {fold(name.split("(")[0]), fold(name.split(",")[0])}
    return {key for key in keys if key and key != full}


@dataclass(frozen=True)
class CountryNames:
    by_name: dict[str, str]  # folded name -> ISO 3166 alpha-2
    ambiguous: dict[str, tuple[str, ...]]  # folded name -> the codes it names


def _standard_names() -> list[tuple[str, str]]:
    """(name, alpha-2) from pycountry (with iso-codes' translations) and django-countries, every language."""
    pairs: list[tuple[str, str]] = []
    catalogues = {
        language: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in LANGUAGES
    }
    for country in pycountry.countries:
        code = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            english = getattr(country, attribute, None)
            if not english:
                continue
            for catalogue in catalogues.values():
                pairs.append((catalogue.gettext(english), code))
    for language in LANGUAGES:
        with translation.override(language):
            pairs.extend((str(name), str(code)) for code, name in countries)
    return pairs


@cache
def country_names() -> CountryNames:
    """Full names first; a short form only where no full name has it ("Congo" is the Republic of the
    Congo's name, not the short form of the Democratic Republic's)."""
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for name, code in _standard_names():
        if code not in countries:
            continue
        full.setdefault(fold(name), set()).add(code)
        for key in _short_forms(name):
            short.setdefault(key, set()).add(code)
    seen = {key: codes for key, codes in short.items() if key not in full}
    seen.update(full)
    by_name = {key: next(iter(codes)) for key, codes in seen.items() if len(codes) == 1}
    ambiguous = {key: tuple(sorted(codes)) for key, codes in seen.items() if len(codes) > 1}
    # Our own spellings decide where the standards disagree (the island's "Sint Maarten" is the Dutch side).
    for name, code in (*CARIBBEAN_NAMES.items(), *NATIONALITY_WORDS.items()):
        key = fold(name)
        by_name[key] = code
        ambiguous.pop(key, None)
    return CountryNames(by_name=by_name, ambiguous=ambiguous)


class AmbiguousCountry(ValueError):
    def __init__(self, text: str, codes: tuple[str, ...]) -> None:
        super().__init__(text)
        self.codes = codes


def country_by_name(text: str) -> str:
    """ISO 3166 alpha-2 for a country's name or nationality in any language shipped; ValueError if
    unknown, AmbiguousCountry if the name means more than one."""
    names = country_names()
    key = fold(text)
    if key in names.by_name:
        return names.by_name[key]
    if key in names.ambiguous:
        raise AmbiguousCountry(text, names.ambiguous[key])
    raise ValueError(text)
