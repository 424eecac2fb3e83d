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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from caribclear.core.csv_export import csv_writer
from caribclear.core.uploads import TooManyRows, UploadLimits, UploadRefused, iter_rows, read_upload

from .choices import DocumentType, PersonCategory, Sex
from .mrz import icao_to_iso
from .services import ImportRow

MAX_ROWS = 500
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the exact header our template uses
    aliases: tuple[str, ...]
    required: bool
    help: Any
    passenger_only: bool = False
    crew_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "surname",
        "Family name",
        ("surname", "last name", "family names", "family name s"),
        True,
        gettext_lazy("As in the travel document."),
    ),
    Column(
        "given_names",
        "Given names",
        ("given name", "first name", "first names", "forename", "forenames", "given name s"),
        False,
        gettext_lazy("All given names, as in the travel document."),
    ),
    Column(
        "sex",
        "Gender",
        ("sex", "gender m f", "sex m f"),
        True,
        gettext_lazy("M, F or X (or Male, Female)."),
    ),
    Column(
        "rank",
        "Rank or rating",
        ("rank", "rating", "role", "capacity", "rank rating", "position", "function"),
        False,
        gettext_lazy("Crew list only, e.g. Master, Mate, Deckhand, Cook."),
        crew_only=True,
    ),
    Column(
        "nationality",
        "Nationality",
        ("citizenship", "nationality country"),
        True,
        gettext_lazy("Country name or ISO/ICAO code, e.g. Barbados, BB or BRB."),
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        ("dob", "birth date", "birthdate", "date birth"),
        True,
        gettext_lazy("Day/month/year (31/12/1980) or 1980-12-31."),
    ),
    Column(
        "place_of_birth",
        "Place of birth",
        ("birth place", "birthplace", "city of birth"),
        False,
        gettext_lazy("Town and country."),
    ),
    Column(
        "document_type",
        "Nature of identity document",
        (
            "type of identity document",
            "nature of id document",
            "type of id document",
            "identity document type",
            "id document type",
            "document type",
            "document",
            "travel document type",
        ),
        False,
        gettext_lazy("Passport, Identity card, Seafarer's identity document or Other (P, I, S, O)."),
    ),
    Column(
        "document_number",
        "Number of identity document",
        (
            "identity document number",
            "id document number",
            "number of id document",
            "document number",
            "document no",
            "passport number",
            "passport no",
            "travel document number",
        ),
        False,
        gettext_lazy("Letters and digits as printed."),
    ),
    Column(
        "issuing_state",
        "Issuing state of identity document",
        (
            "issuing state",
            "issuing state of id document",
            "issuing country",
            "country of issue",
            "issued by",
            "document issuing state",
        ),
        False,
        gettext_lazy("Country name or ISO/ICAO code."),
    ),
    Column(
        "expiry_date",
        "Expiry date of identity document",
        (
            "expiry date",
            "expiry date of id document",
            "date of expiry",
            "expiration date",
            "document expiry date",
            "passport expiry date",
            "expires",
        ),
        False,
        gettext_lazy("Day/month/year or year-month-day."),
    ),
    Column(
        "port_of_embarkation",
        "Port of embarkation",
        ("embarkation port", "embarkation"),
        False,
        gettext_lazy("Passenger list only."),
        passenger_only=True,
    ),
    Column(
        "port_of_disembarkation",
        "Port of disembarkation",
        ("disembarkation port", "disembarkation"),
        False,
        gettext_lazy("Passenger list only."),
        passenger_only=True,
    ),
    Column(
        "in_transit",
        "Transit passenger",
        ("transit", "in transit", "transit passenger yes no", "transit yes no", "transit passenger y n"),
        False,
        gettext_lazy("Passenger list only: Yes or No (empty is No)."),
        passenger_only=True,
    ),
)
IGNORED_HEADERS = {"no", "number", "nr", "n", "serial", "seq", "line", "row"}


def normalise_header(text: Any) -> str:
    text = str(text or "").lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _alias in (_column.header, *_column.aliases):
        HEADER_LOOKUP[normalise_header(_alias)] = _column


def template_headers(category: str) -> list[str]:
    return [
        c.header
        for c in COLUMNS
        if not (c.passenger_only and category == PersonCategory.CREW)
        and not (c.crew_only and category == PersonCategory.PASSENGER)
    ]


def template_csv(category: str) -> str:
    buffer = io.StringIO()
    csv_writer(buffer).writerow(template_headers(category))
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
    """ISO 3166 alpha-2 from a name, an alpha-2/alpha-3 code or an ICAO code (D, GBD...)."""
    text = _text(value)
    upper = text.upper()
    if len(upper) == 2 and upper in countries:
        return upper
    if 1 <= len(upper) <= 3 and upper.isalpha():
        alpha2, _note = icao_to_iso(upper)
        if alpha2:
            return alpha2
    by_name = countries.by_name(text, insensitive=True) if text else ""
    if by_name:
        return str(by_name)
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        raise ValueError(text) from None
    if found.alpha_2 not in countries:
        raise ValueError(text)
    return str(found.alpha_2)


SEX_WORDS = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "x": Sex.UNSPECIFIED,
    "unspecified": Sex.UNSPECIFIED,
    "other": Sex.UNSPECIFIED,
}
DOCUMENT_WORDS = {
    "p": DocumentType.PASSPORT,
    "passport": DocumentType.PASSPORT,
    "pp": DocumentType.PASSPORT,
    "i": DocumentType.IDENTITY_CARD,
    "id": DocumentType.IDENTITY_CARD,
    "id card": DocumentType.IDENTITY_CARD,
    "identity card": DocumentType.IDENTITY_CARD,
    "national identity card": DocumentType.IDENTITY_CARD,
    "s": DocumentType.SEAFARER,
    "sid": DocumentType.SEAFARER,
    "seafarer s identity document": DocumentType.SEAFARER,
    "seafarers identity document": DocumentType.SEAFARER,
    "seaman s book": DocumentType.SEAFARER,
    "seamans book": DocumentType.SEAFARER,
    "seaman book": DocumentType.SEAFARER,
    "discharge book": DocumentType.SEAFARER,
    "o": DocumentType.OTHER,
    "other": DocumentType.OTHER,
}
YES = {"yes", "y", "true", "1", "x", "transit"}
NO = {"no", "n", "false", "0", ""}


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
    number: int, values: dict[str, tuple[Any, str]], category: str
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
    sex = SEX_WORDS.get(sex_text.lower())
    if sex is None:
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
        except ValueError:
            err(key, _("“%(value)s” is not a country we know.") % {"value": text})

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
        transit = _text(raw("in_transit")).lower()
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
            except ValueError:
                err("issuing_state", _("“%(value)s” is not a country we know.") % {"value": state_text})
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
    for number, values in body:
        by_key = {
            column.key: (values[index] if index < len(values) else None, label)
            for index, (column, label) in mapping.items()
        }
        row, row_errors, row_warnings = _check_row(number, by_key, category)
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
