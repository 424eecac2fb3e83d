"""Read a crew list (IMO FAL Form 5) or passenger list (FAL Form 6) from CSV or XLSX and check every row.

`read_people_file()` returns the valid rows, or raises `ImportErrors` listing every problem of every row
(row number as in the spreadsheet, column, what is wrong), so the operator fixes the file once.
Nothing is saved here: `services.people_import()` saves a fully valid list in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import IO, Any

import pycountry
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from caribclear.core.csv_export import csv_writer
from caribclear.core.uploads import TooManyRows, UploadLimits, UploadRefused, iter_rows, read_upload

from .choices import DocumentType, PersonCategory, Sex
from .country_names import AmbiguousCountry, country_by_name, fold
from .mrz import icao_to_iso
from .services import ImportRow

MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    headers: dict[str, str]  # language -> the header our template uses in that language
    aliases: tuple[str, ...]  # other headers met on real lists, in any language, as people write them
    required: bool
    help: Any
    passenger_only: bool = False
    crew_only: bool = False

    @property
    def header(self) -> str:
        return self.headers["en"]

    def header_in(self, language: str) -> str:
        return self.headers.get(language[:2], self.header)

    def also_accepted(self, language: str) -> list[str]:
        """Every other header recognised, the other languages' first (shown on the upload page)."""
        mine = self.header_in(language)
        others = [header for header in self.headers.values() if header != mine]
        return [*dict.fromkeys([*others, *self.aliases])]


def _headers(en: str, es: str, fr: str, nl: str) -> dict[str, str]:
    return {"en": en, "es": es, "fr": fr, "nl": nl}


# The headers of IMO FAL Forms 5 and 6 in English, Spanish and French (the IMO's own wording where it has
# one) and Dutch, and the headers met on real crew lists and marina forms.
COLUMNS: tuple[Column, ...] = (
    Column(
        "surname",
        _headers("Family name", "Apellidos", "Nom de famille", "Achternaam"),
        (
            "Family name(s)",
            "Surname",
            "Last name",
            "Apellido",
            "Primer apellido",
            "Nom",
            "Familienaam",
            "Geslachtsnaam",
        ),
        True,
        gettext_lazy("As in the travel document."),
    ),
    Column(
        "given_names",
        _headers("Given names", "Nombres", "Prénoms", "Voornamen"),
        (
            "Given name(s)",
            "Given name",
            "First name(s)",
            "First name",
            "Forename(s)",
            "Forenames",
            "Forename",
            "Nombre(s)",
            "Nombre",
            "Prénom",
            "Prénom(s)",
            "Voornaam",
            "Voorna(a)m(en)",
        ),
        False,
        gettext_lazy("All given names, as in the travel document."),
    ),
    Column(
        "sex",
        _headers("Gender", "Sexo", "Sexe", "Geslacht"),
        ("Sex", "Gender (M/F)", "Sex (M/F)", "Género", "Sexo (M/F)", "Sexe (M/F)", "Geslacht (M/V)"),
        True,
        gettext_lazy("M, F or X, or the word: Male, Female, Hombre, Mujer, Homme, Femme, Man, Vrouw."),
    ),
    Column(
        "rank",
        _headers("Rank or rating", "Cargo o categoría", "Grade ou fonction", "Rang of functie"),
        (
            "Rank",
            "Rating",
            "Role",
            "Capacity",
            "Rank/rating",
            "Position",
            "Function",
            "Cargo",
            "Categoría",
            "Puesto",
            "Rango",
            "Grade",
            "Fonction",
            "Rang",
            "Functie",
        ),
        False,
        gettext_lazy("Crew list only, e.g. Master, Mate, Deckhand, Cook."),
        crew_only=True,
    ),
    Column(
        "nationality",
        _headers("Nationality", "Nacionalidad", "Nationalité", "Nationaliteit"),
        ("Citizenship", "Ciudadanía", "Citoyenneté", "Staatsburgerschap"),
        True,
        gettext_lazy(
            "Country name in English, Spanish, French or Dutch (España, Nederland, St Lucia), or ISO/ICAO code, e.g. BB or BRB."
        ),
    ),
    Column(
        "date_of_birth",
        _headers("Date of birth", "Fecha de nacimiento", "Date de naissance", "Geboortedatum"),
        ("DOB", "Birth date", "Birthdate", "Fecha nacimiento", "F. nacimiento", "Né(e) le", "Geboren"),
        True,
        gettext_lazy("Day/month/year (31/12/1980) or 1980-12-31."),
    ),
    Column(
        "place_of_birth",
        _headers("Place of birth", "Lugar de nacimiento", "Lieu de naissance", "Geboorteplaats"),
        ("Birth place", "Birthplace", "City of birth", "Lugar nacimiento", "Né(e) à", "Geboren te"),
        False,
        gettext_lazy("Town and country."),
    ),
    Column(
        "document_type",
        _headers(
            "Nature of identity document",
            "Clase de documento de identidad",
            "Nature de la pièce d'identité",
            "Soort identiteitsbewijs",
        ),
        (
            "Type of identity document",
            "Nature of ID document",
            "Type of ID document",
            "Identity document type",
            "ID document type",
            "Document type",
            "Document",
            "Travel document type",
            "Tipo de documento",
            "Tipo de documento de identidad",
            "Clase de documento",
            "Documento",
            "Type de document",
            "Type de pièce d'identité",
            "Pièce d'identité",
            "Soort document",
            "Documentsoort",
            "Type identiteitsbewijs",
        ),
        False,
        gettext_lazy(
            "Passport, Identity card, Seafarer's identity document or Other (P, I, S, O), in any of the four languages."
        ),
    ),
    Column(
        "document_number",
        _headers(
            "Number of identity document",
            "Número del documento de identidad",
            "Numéro de la pièce d'identité",
            "Nummer van het identiteitsbewijs",
        ),
        (
            "Identity document number",
            "ID document number",
            "Number of ID document",
            "Document number",
            "Document no.",
            "Passport number",
            "Passport no.",
            "Travel document number",
            "Número de documento",
            "No. de documento",
            "Número de pasaporte",
            "Pasaporte n.º",
            "Numéro de document",
            "Numéro de passeport",
            "N° de passeport",
            "Documentnummer",
            "Paspoortnummer",
            "Nummer identiteitsbewijs",
        ),
        False,
        gettext_lazy("Letters and digits as printed."),
    ),
    Column(
        "issuing_state",
        _headers(
            "Issuing state of identity document",
            "Estado expedidor del documento de identidad",
            "État de délivrance de la pièce d'identité",
            "Land van afgifte van het identiteitsbewijs",
        ),
        (
            "Issuing state",
            "Issuing state of ID document",
            "Issuing country",
            "Country of issue",
            "Issued by",
            "Document issuing state",
            "País de expedición",
            "País emisor",
            "Expedido por",
            "Estado expedidor",
            "Pays de délivrance",
            "Délivré par",
            "Pays émetteur",
            "Land van afgifte",
            "Afgegeven door",
            "Uitgegeven door",
        ),
        False,
        gettext_lazy("Country name (any of the four languages) or ISO/ICAO code."),
    ),
    Column(
        "expiry_date",
        _headers(
            "Expiry date of identity document",
            "Fecha de caducidad del documento de identidad",
            "Date d'expiration de la pièce d'identité",
            "Vervaldatum van het identiteitsbewijs",
        ),
        (
            "Expiry date",
            "Expiry date of ID document",
            "Date of expiry",
            "Expiration date",
            "Document expiry date",
            "Passport expiry date",
            "Expires",
            "Fecha de caducidad",
            "Fecha de vencimiento",
            "Vencimiento",
            "Caducidad",
            "Válido hasta",
            "Date d'expiration",
            "Expire le",
            "Valable jusqu'au",
            "Date de fin de validité",
            "Vervaldatum",
            "Geldig tot",
        ),
        False,
        gettext_lazy("Day/month/year or year-month-day."),
    ),
    Column(
        "port_of_embarkation",
        _headers("Port of embarkation", "Puerto de embarque", "Port d'embarquement", "Haven van inscheping"),
        ("Embarkation port", "Embarkation", "Embarque", "Embarquement", "Inscheping"),
        False,
        gettext_lazy("Passenger list only."),
        passenger_only=True,
    ),
    Column(
        "port_of_disembarkation",
        _headers(
            "Port of disembarkation", "Puerto de desembarque", "Port de débarquement", "Haven van ontscheping"
        ),
        ("Disembarkation port", "Disembarkation", "Desembarque", "Débarquement", "Ontscheping"),
        False,
        gettext_lazy("Passenger list only."),
        passenger_only=True,
    ),
    Column(
        "in_transit",
        _headers("Transit passenger", "Pasajero en tránsito", "Passager en transit", "Transitpassagier"),
        (
            "Transit",
            "In transit",
            "Transit passenger (yes/no)",
            "Transit (yes/no)",
            "Transit passenger (Y/N)",
            "En tránsito",
            "Tránsito",
            "En transit",
            "Transit (ja/nee)",
        ),
        False,
        gettext_lazy("Passenger list only: Yes or No, Sí or No, Oui or Non, Ja or Nee (empty is No)."),
        passenger_only=True,
    ),
)
IGNORED_HEADERS = {
    "no",
    "number",
    "nr",
    "n",
    "serial",
    "seq",
    "line",
    "row",
    "n o",
    "numero",
    "nummer",
    "volgnummer",
}


def normalise_header(text: Any) -> str:
    """Headers compared without accents, case or punctuation; "name(s)" is "names"."""
    text = re.sub(r"\((s|es|en|e|a)\)", r"\1", str(text or ""))
    return fold(text)


HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _alias in (*_column.headers.values(), *_column.aliases):
        _key = normalise_header(_alias)
        if HEADER_LOOKUP.setdefault(_key, _column) is not _column:  # pragma: no cover (a mistake here)
            raise ImproperlyConfigured(f"The header {_alias!r} names two columns.")


def template_headers(category: str, language: str = "en") -> list[str]:
    return [
        c.header_in(language)
        for c in COLUMNS
        if not (c.passenger_only and category == PersonCategory.CREW)
        and not (c.crew_only and category == PersonCategory.PASSENGER)
    ]


def template_csv(category: str, language: str = "en") -> str:
    buffer = io.StringIO()
    csv_writer(buffer).writerow(template_headers(category, language))
    return buffer.getvalue()


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the spreadsheet (the header is row 1 in a file that starts with it)
    column: str  # the header as written in the file, or "" for the whole row / file
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class ImportErrors(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ReadResult:
    rows: list[ImportRow]
    warnings: list[RowError]


# Reading the raw table -------------------------------------------------------------------------------

# The header and 500 people; bounds checked by the shared reader before anything big is read or parsed.
UPLOAD_LIMITS = UploadLimits(
    max_bytes=MAX_BYTES,
    max_rows=MAX_ROWS + 1,
    max_blank_rows=100,
    max_columns=60,
    max_cell_chars=500,
    max_uncompressed_bytes=20 * 1024 * 1024,
)


def read_table(upload: IO[bytes], name: str) -> list[tuple[int, list[Any]]]:
    """The rows with content, each with its number in the file; ImportErrors for a refused file."""
    if name.lower().endswith(".xls"):
        raise ImportErrors(
            [RowError(0, "", _("Old Excel files (.xls) cannot be read: save the list as .xlsx or .csv."))]
        )
    try:
        data = read_upload(upload, UPLOAD_LIMITS)
        return list(iter_rows(data, name, UPLOAD_LIMITS))
    except TooManyRows:
        raise ImportErrors(
            [
                RowError(
                    0,
                    "",
                    _("The file has more than %(max)s people; at most %(max)s at a time.")
                    % {"max": MAX_ROWS},
                )
            ]
        ) from None
    except UploadRefused as refused:
        raise ImportErrors([RowError(0, "", refused.message)]) from None


# Values ----------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%Y%m%d")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, not a time)
        except ValueError:
            continue
    raise ValueError(text)


def parse_country(value: Any) -> str:
    """ISO 3166 alpha-2 from a name or nationality in English, Spanish, French or Dutch (accents and case
    ignored, Caribbean spellings included: `country_names.py`), an alpha-2/alpha-3 code or an ICAO code
    (D, GBD...). ValueError if unknown; AmbiguousCountry if the name means two countries."""
    text = _text(value)
    upper = text.upper()
    if len(upper) == 2 and upper in countries:
        return upper
    if 1 <= len(upper) <= 3 and upper.isalpha():
        alpha2, _note = icao_to_iso(upper)
        if alpha2:
            return alpha2
    if not text:
        raise ValueError(text)
    try:
        return country_by_name(text)
    except AmbiguousCountry:
        raise
    except ValueError:
        pass
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        raise ValueError(text) from None
    if found.alpha_2 not in countries:
        raise ValueError(text)
    return str(found.alpha_2)


def country_error(error: ValueError, text: str) -> str:
    if isinstance(error, AmbiguousCountry):
        return _("“%(value)s” can mean %(countries)s: write which, or its code (%(codes)s).") % {
            "value": text,
            "countries": _(" or ").join(str(countries.name(code)) for code in error.codes),
            "codes": ", ".join(error.codes),
        }
    return _("“%(value)s” is not a country we know.") % {"value": text}


def _words(table: dict[str, Any]) -> dict[str, Any]:
    return {normalise_header(word): value for word, value in table.items()}


# Values in the four languages, compared folded (no accents, case or punctuation).
SEX_WORDS = _words(
    {
        "M": Sex.MALE,
        "Male": Sex.MALE,
        "Man": Sex.MALE,
        "Hombre": Sex.MALE,
        "Masculino": Sex.MALE,
        "Varón": Sex.MALE,
        "H": Sex.MALE,
        "Homme": Sex.MALE,
        "Masculin": Sex.MALE,
        "Mannelijk": Sex.MALE,
        "F": Sex.FEMALE,
        "Female": Sex.FEMALE,
        "Woman": Sex.FEMALE,
        "Mujer": Sex.FEMALE,
        "Femenino": Sex.FEMALE,
        "Femme": Sex.FEMALE,
        "Féminin": Sex.FEMALE,
        "V": Sex.FEMALE,
        "Vrouw": Sex.FEMALE,
        "Vrouwelijk": Sex.FEMALE,
        "X": Sex.UNSPECIFIED,
        "Unspecified": Sex.UNSPECIFIED,
        "Other": Sex.UNSPECIFIED,
        "Otro": Sex.UNSPECIFIED,
        "No especificado": Sex.UNSPECIFIED,
        "Autre": Sex.UNSPECIFIED,
        "Non spécifié": Sex.UNSPECIFIED,
        "Anders": Sex.UNSPECIFIED,
        "Onbepaald": Sex.UNSPECIFIED,
    }
)
# Spanish lists often write H (hombre) and M (mujer): in a file that uses H for men, M is not read as male.
SPANISH_MEN = normalise_header("H")
LETTER_M = normalise_header("M")

DOCUMENT_WORDS = _words(
    {
        "P": DocumentType.PASSPORT,
        "PP": DocumentType.PASSPORT,
        "Passport": DocumentType.PASSPORT,
        "Pasaporte": DocumentType.PASSPORT,
        "Passeport": DocumentType.PASSPORT,
        "Paspoort": DocumentType.PASSPORT,
        "I": DocumentType.IDENTITY_CARD,
        "ID": DocumentType.IDENTITY_CARD,
        "ID card": DocumentType.IDENTITY_CARD,
        "Identity card": DocumentType.IDENTITY_CARD,
        "National identity card": DocumentType.IDENTITY_CARD,
        "Cédula": DocumentType.IDENTITY_CARD,
        "Cédula de identidad": DocumentType.IDENTITY_CARD,
        "DNI": DocumentType.IDENTITY_CARD,
        "Documento nacional de identidad": DocumentType.IDENTITY_CARD,
        "Documento de identidad": DocumentType.IDENTITY_CARD,
        "Carte d'identité": DocumentType.IDENTITY_CARD,
        "Carte nationale d'identité": DocumentType.IDENTITY_CARD,
        "CNI": DocumentType.IDENTITY_CARD,
        "Identiteitskaart": DocumentType.IDENTITY_CARD,
        "ID-kaart": DocumentType.IDENTITY_CARD,
        "S": DocumentType.SEAFARER,
        "SID": DocumentType.SEAFARER,
        "Seafarer's identity document": DocumentType.SEAFARER,
        "Seafarers identity document": DocumentType.SEAFARER,
        "Seaman's book": DocumentType.SEAFARER,
        "Seamans book": DocumentType.SEAFARER,
        "Seaman book": DocumentType.SEAFARER,
        "Discharge book": DocumentType.SEAFARER,
        "Libreta de navegación": DocumentType.SEAFARER,
        "Libreta de embarque": DocumentType.SEAFARER,
        "Documento de identidad de la gente de mar": DocumentType.SEAFARER,
        "Pièce d'identité des gens de mer": DocumentType.SEAFARER,
        "Livret professionnel maritime": DocumentType.SEAFARER,
        "Livret maritime": DocumentType.SEAFARER,
        "Zeemansboekje": DocumentType.SEAFARER,
        "Monsterboekje": DocumentType.SEAFARER,
        "O": DocumentType.OTHER,
        "Other": DocumentType.OTHER,
        "Otro": DocumentType.OTHER,
        "Autre": DocumentType.OTHER,
        "Anders": DocumentType.OTHER,
        "Overig": DocumentType.OTHER,
    }
)
YES = set(
    _words(
        dict.fromkeys(
            [
                "yes",
                "y",
                "true",
                "1",
                "x",
                "transit",
                "sí",
                "si",
                "s",
                "en tránsito",
                "oui",
                "o",
                "en transit",
                "ja",
                "j",
            ]
        )
    )
)
NO = set(_words(dict.fromkeys(["no", "n", "false", "0", "non", "nee"]))) | {""}


# Checking rows ---------------------------------------------------------------------------------------


def _map_headers(header: list[Any], header_row: int) -> tuple[dict[int, tuple[Column, str]], list[RowError]]:
    mapping: dict[int, tuple[Column, str]] = {}
    errors: list[RowError] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(header):
        label = _text(raw)
        key = normalise_header(label)
        if not key or key in IGNORED_HEADERS:
            continue
        column = HEADER_LOOKUP.get(key)
        if column is None:
            errors.append(
                RowError(
                    header_row,
                    label,
                    _("This column is not one we know. Use the headers listed on this page."),
                )
            )
            continue
        if column.key in seen:
            errors.append(
                RowError(
                    header_row,
                    label,
                    _("This column repeats “%(other)s”.") % {"other": seen[column.key]},
                )
            )
            continue
        seen[column.key] = label
        mapping[index] = (column, label)
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.append(
                RowError(header_row, column.header, _("This column is missing: the list needs it."))
            )
    return mapping, errors


def _check_row(
    number: int, values: dict[str, tuple[Any, str]], category: str, *, spanish_letters: bool = False
) -> tuple[ImportRow | None, list[RowError], list[RowError]]:
    errors: list[RowError] = []
    warnings: list[RowError] = []

    def header(key: str) -> str:
        if key in values:
            return values[key][1]
        return next(c.header for c in COLUMNS if c.key == key)

    def raw(key: str) -> Any:
        return values.get(key, (None, ""))[0]

    def err(key: str, message: str) -> None:
        errors.append(RowError(number, header(key), message))

    person: dict[str, Any] = {"category": category}
    surname = _text(raw("surname"))
    if not surname:
        err("surname", _("Enter the family name."))
    elif len(surname) > 100:
        err("surname", _("At most 100 characters."))
    person["surname"] = surname
    given = _text(raw("given_names"))
    if len(given) > 150:
        err("given_names", _("At most 150 characters."))
    person["given_names"] = given

    sex_text = _text(raw("sex"))
    sex_key = normalise_header(sex_text)
    sex = SEX_WORDS.get(sex_key)
    if sex_key == LETTER_M and spanish_letters:
        sex = None
        err(
            "sex",
            _(
                "“M” can mean male or mujer (woman) in a list that writes H for hombre: write Mujer or F for a woman, H for a man."
            ),
        )
    elif sex is None:
        err(
            "sex",
            _("“%(value)s” is not M, F or X.") % {"value": sex_text} if sex_text else _("Enter M, F or X."),
        )
    person["sex"] = sex

    for key, label in (("nationality", _("nationality")),):
        text = _text(raw(key))
        if not text:
            err(key, _("Enter the %(what)s.") % {"what": label})
            continue
        try:
            person[key] = parse_country(text)
        except ValueError as error:
            err(key, country_error(error, text))

    dob_raw = raw("date_of_birth")
    dob: dt.date | None = None
    if not _text(dob_raw):
        err("date_of_birth", _("Enter the date of birth."))
    else:
        try:
            dob = parse_date(dob_raw)
        except ValueError:
            err(
                "date_of_birth",
                _("“%(value)s” is not a date: write 31/12/1980 or 1980-12-31.") % {"value": _text(dob_raw)},
            )
        else:
            today = dt.date.today()  # noqa: DTZ011
            if dob > today:
                err("date_of_birth", _("The date of birth is in the future."))
            elif dob.year < 1900:
                err("date_of_birth", _("Check the year of birth."))
    person["date_of_birth"] = dob
    person["place_of_birth"] = _text(raw("place_of_birth"))[:100]
    if category == PersonCategory.CREW:
        person["rank"] = _text(raw("rank"))[:60]
    else:
        person["port_of_embarkation"] = _text(raw("port_of_embarkation"))[:100]
        person["port_of_disembarkation"] = _text(raw("port_of_disembarkation"))[:100]
        transit = normalise_header(_text(raw("in_transit")))
        if transit in YES:
            person["in_transit"] = True
        elif transit in NO:
            person["in_transit"] = False
        else:
            err("in_transit", _("“%(value)s” is not Yes or No.") % {"value": _text(raw("in_transit"))})

    document: dict[str, Any] | None = None
    doc_keys = ("document_type", "document_number", "issuing_state", "expiry_date")
    if any(_text(raw(k)) for k in doc_keys):
        document = {}
        type_text = _text(raw("document_type"))
        doc_type = DOCUMENT_WORDS.get(normalise_header(type_text)) if type_text else DocumentType.PASSPORT
        if doc_type is None:
            err(
                "document_type",
                _(
                    "“%(value)s” is not a document type: write Passport, Identity card, Seafarer's identity document or Other."
                )
                % {"value": type_text},
            )
        document["document_type"] = doc_type
        doc_number = "".join(_text(raw("document_number")).split()).upper()
        if not doc_number:
            err("document_number", _("Enter the document number."))
        elif not doc_number.isalnum() or len(doc_number) > 20:
            err("document_number", _("A document number has at most 20 letters and digits."))
        document["number"] = doc_number
        state_text = _text(raw("issuing_state"))
        if not state_text:
            err("issuing_state", _("Enter the issuing state of the document."))
        else:
            try:
                document["issuing_state"] = parse_country(state_text)
            except ValueError as error:
                err("issuing_state", country_error(error, state_text))
        expiry_raw = raw("expiry_date")
        if not _text(expiry_raw):
            err("expiry_date", _("Enter the expiry date of the document."))
        else:
            try:
                expiry = parse_date(expiry_raw)
            except ValueError:
                err(
                    "expiry_date",
                    _("“%(value)s” is not a date: write 31/12/2030 or 2030-12-31.")
                    % {"value": _text(expiry_raw)},
                )
            else:
                document["expiry_date"] = expiry
                if dob and expiry <= dob:
                    err("expiry_date", _("The expiry date is before the date of birth."))
                elif expiry < dt.date.today():  # noqa: DTZ011
                    warnings.append(
                        RowError(
                            number,
                            header("expiry_date"),
                            _("This document has expired; it is imported and flagged Expired."),
                        )
                    )
    if errors:
        return None, errors, warnings
    return ImportRow(row=number, person=person, document=document), errors, warnings


def read_people_file(upload: IO[bytes], *, name: str, category: str) -> ReadResult:
    """Check the whole file. Returns every valid row, or raises ImportErrors with every problem."""
    table = read_table(upload, name)
    non_empty = [(n, row) for n, row in table if any(_text(v) for v in row)]
    if not non_empty:
        raise ImportErrors([RowError(0, "", _("The file is empty."))])
    header_row, header = non_empty[0]
    mapping, errors = _map_headers(header, header_row)
    body = non_empty[1:]
    if not body:
        errors.append(RowError(0, "", _("The file has headers but no people.")))
    if len(body) > MAX_ROWS:
        errors.append(
            RowError(
                0,
                "",
                _("The file has %(count)s rows; at most %(max)s at a time.")
                % {"count": len(body), "max": MAX_ROWS},
            )
        )
    if errors and not mapping:
        raise ImportErrors(errors)
    rows: list[ImportRow] = []
    warnings: list[RowError] = []
    seen_documents: dict[tuple[str, str], int] = {}
    seen_people: dict[tuple[str, str, dt.date], int] = {}
    tables = [
        (
            number,
            {
                column.key: (values[index] if index < len(values) else None, label)
                for index, (column, label) in mapping.items()
            },
        )
        for number, values in body
    ]
    spanish_letters = any(
        normalise_header(_text(by_key.get("sex", (None, ""))[0])) == SPANISH_MEN for _n, by_key in tables
    )
    for number, by_key in tables:
        row, row_errors, row_warnings = _check_row(number, by_key, category, spanish_letters=spanish_letters)
        errors.extend(row_errors)
        warnings.extend(row_warnings)
        if row is None:
            continue
        if row.document:
            doc_key = (row.document["issuing_state"], row.document["number"])
            if doc_key in seen_documents:
                errors.append(
                    RowError(
                        number,
                        by_key.get("document_number", (None, "Number of identity document"))[1],
                        _("The same document is on row %(row)s.") % {"row": seen_documents[doc_key]},
                    )
                )
                continue
            seen_documents[doc_key] = number
        person_key = (
            row.person["surname"].upper(),
            row.person["given_names"].upper(),
            row.person["date_of_birth"],
        )
        if person_key in seen_people:
            errors.append(
                RowError(
                    number, "", _("The same person is on row %(row)s.") % {"row": seen_people[person_key]}
                )
            )
            continue
        seen_people[person_key] = number
        rows.append(row)
    if errors:
        raise ImportErrors(errors)
    return ReadResult(rows=rows, warnings=warnings)
