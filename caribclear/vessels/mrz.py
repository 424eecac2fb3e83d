"""Read the machine-readable zone (ICAO Doc 9303) of a passport or identity card.

Pure module (no database): `parse_mrz(text)` takes what an operator pasted and returns an `MrzResult`,
or raises `MrzError` / `MrzCheckDigitError` saying exactly what is wrong. Three formats:

- TD3 (passports): two lines of 44 characters;
- TD2 (some identity cards): two lines of 36;
- TD1 (credit-card size identity cards): three lines of 30.

The `mrz` package slices the lines and verifies the check digits (its TD1/TD2/TD3 checkers); this module
adds what an operator needs on top: which check digit failed and where, dates with their century, and
ICAO state codes mapped to ISO 3166 alpha-2 (ICAO uses some codes that are not ISO: D for Germany,
GBD/GBN/GBO/GBP/GBS for the kinds of British nationality, XXA for stateless persons, UNO for the UN...).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from mrz.base.functions import hash_string
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

ALLOWED = re.compile(r"[A-Z0-9<]")

# Line count and length of each format.
FORMATS: dict[str, tuple[int, int]] = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44)}

# ICAO 9303 part 3 codes that are not ISO 3166 alpha-3, with the ISO alpha-2 country they belong to
# (None: an organisation or a status, not a country).
ICAO_SPECIAL_CODES: dict[str, str | None] = {
    "D": "DE",  # Germany
    "GBD": "GB",  # British Overseas Territories citizen
    "GBN": "GB",  # British National (Overseas)
    "GBO": "GB",  # British Overseas citizen
    "GBP": "GB",  # British protected person
    "GBS": "GB",  # British subject
    "RKS": "XK",  # Kosovo (as printed by Kosovo); not in ISO 3166, see below
    "EUE": None,  # European Union
    "UNO": None,  # United Nations Organization or one of its officials
    "UNA": None,  # specialised agency of the United Nations
    "UNK": None,  # resident of Kosovo, travel document issued by UNMIK
    "XBA": None,  # African Development Bank
    "XIM": None,  # African Export-Import Bank
    "XCC": None,  # Caribbean Community (CARICOM)
    "XCE": None,  # Council of Europe
    "XCO": None,  # Common Market for Eastern and Southern Africa
    "XEC": None,  # Economic Community of West African States
    "XES": None,  # Organisation of Eastern Caribbean States
    "XMP": None,  # Interpol
    "XOM": None,  # Sovereign Military Order of Malta
    "XPO": None,  # Interpol
    "XDC": None,  # Southern African Development Community
    "XXA": None,  # stateless person (1954 Convention)
    "XXB": None,  # refugee (1951 Convention)
    "XXC": None,  # refugee (other)
    "XXX": None,  # unspecified nationality
    "UTO": None,  # Utopia, the fictional state of the ICAO 9303 specimens
}

SPECIAL_CODE_NAMES: dict[str, Any] = {
    "GBD": _("British Overseas Territories citizen"),
    "GBN": _("British National (Overseas)"),
    "GBO": _("British Overseas citizen"),
    "GBP": _("British protected person"),
    "GBS": _("British subject"),
    "RKS": _("Kosovo"),
    "EUE": _("European Union"),
    "UNO": _("United Nations"),
    "UNA": _("a United Nations specialised agency"),
    "UNK": _("Kosovo (UNMIK)"),
    "XCC": _("Caribbean Community (CARICOM)"),
    "XES": _("Organisation of Eastern Caribbean States"),
    "XOM": _("Sovereign Military Order of Malta"),
    "XPO": _("Interpol"),
    "XMP": _("Interpol"),
    "XXA": _("stateless person"),
    "XXB": _("refugee"),
    "XXC": _("refugee"),
    "XXX": _("unspecified nationality"),
    "UTO": _("Utopia, the ICAO specimen state"),
}

# What each check digit protects, for messages: the name of the field.
CHECK_LABELS: dict[str, Any] = {
    "document_number": _("document number"),
    "date_of_birth": _("date of birth"),
    "expiry_date": _("expiry date"),
    "optional_data": _("optional data (personal number)"),
    "composite": _("whole line (composite check digit)"),
}


class MrzError(ValueError):
    """The text is not a machine-readable zone we can read. `field` names the part that is wrong."""

    def __init__(self, message: Any, *, field: str = "mrz") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CheckDigitFailure:
    field: str  # key of CHECK_LABELS
    line: int  # 1-based
    position: int  # 1-based, of the check digit
    expected: str
    found: str

    @property
    def message(self) -> str:
        return str(
            _(
                "The check digit of the %(field)s does not match (line %(line)s, character %(position)s: "
                "found %(found)s, expected %(expected)s). Check the %(field)s against the document."
            )
            % {
                "field": CHECK_LABELS[self.field],
                "line": self.line,
                "position": self.position,
                "found": self.found,
                "expected": self.expected,
            }
        )


class MrzCheckDigitError(MrzError):
    """One or more check digits are wrong: a mistyped character, or not a genuine MRZ."""

    def __init__(self, failures: list[CheckDigitFailure]) -> None:
        self.failures = failures
        super().__init__(" ".join(f.message for f in failures), field=failures[0].field)

    @property
    def fields(self) -> list[str]:
        return [f.field for f in self.failures]


@dataclass(frozen=True)
class MrzResult:
    format: str  # TD1, TD2 or TD3
    document_code: str  # the two-character document code, e.g. "P", "PD", "ID", "AC"
    document_type: str  # vessels.choices.DocumentType value: P, I or O
    issuing_state_code: str  # as printed (ICAO), e.g. "UTO", "D", "GBR"
    issuing_state: str | None  # ISO 3166 alpha-2, None when the code is not a country
    surname: str
    given_names: str
    document_number: str
    nationality_code: str
    nationality: str | None
    date_of_birth: dt.date
    sex: str  # F, M or X (unspecified, "<" in the MRZ)
    expiry_date: dt.date
    optional_data: str
    lines: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expiry_date < (today or dt.date.today())  # noqa: DTZ011

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "document_code": self.document_code,
            "document_type": self.document_type,
            "issuing_state_code": self.issuing_state_code,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality_code": self.nationality_code,
            "nationality": self.nationality,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "expiry_date": self.expiry_date,
            "optional_data": self.optional_data,
            "mrz": self.text,
            "notes": list(self.notes),
        }


def normalise_lines(text: str) -> list[str]:
    """Upper-case, drop blank lines and spaces inside lines (phones and OCR add them), fix look-alikes."""
    cleaned = text.replace("«", "<").replace("‹", "<").replace("\r", "\n").upper()
    lines = [re.sub(r"\s+", "", line) for line in cleaned.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        # Pasted as one run of characters: split it if its length is exactly a whole MRZ.
        (one,) = lines
        for count, width in FORMATS.values():
            if len(one) == count * width:
                return [one[i * width : (i + 1) * width] for i in range(count)]
    return lines


def detect_format(lines: list[str]) -> str:
    shape = (len(lines), {len(line) for line in lines})
    for name, (count, width) in FORMATS.items():
        if shape == (count, {width}):
            return name
    lengths = ", ".join(str(len(line)) for line in lines)
    if len(lines) == 2 and lines[0][:1] == "P":
        expected = _("A passport MRZ has two lines of 44 characters.")
    else:
        expected = _(
            "Paste the two lines of a passport (44 characters each), the two lines of an identity card "
            "(36 each) or its three lines (30 each)."
        )
    raise MrzError(
        _("The MRZ has %(count)s line(s) of %(lengths)s characters. %(expected)s")
        % {"count": len(lines), "lengths": lengths, "expected": expected},
        field="format",
    )


def icao_to_iso(code: str) -> tuple[str | None, str | None]:
    """(ISO 3166 alpha-2 or None, a note for the operator or None) for an ICAO three-letter code."""
    code = code.strip("<")
    if code in ICAO_SPECIAL_CODES:
        alpha2 = ICAO_SPECIAL_CODES[code]
        if alpha2 is not None and alpha2 not in countries:
            alpha2 = None
        name = SPECIAL_CODE_NAMES.get(code)
        if alpha2 is None:
            note = _("%(code)s (%(name)s) is not a country in ISO 3166: choose the country yourself.") % {
                "code": code,
                "name": name or code,
            }
            return None, str(note)
        if name:
            return alpha2, str(
                _("%(code)s (%(name)s) is recorded as %(country)s.")
                % {"code": code, "name": name, "country": countries.name(alpha2)}
            )
        return alpha2, None
    found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if found is None or found.alpha_2 not in countries:
        return None, str(
            _("%(code)s is not a country code we know: choose the country yourself.")
            % {"code": code or "<<<"}
        )
    return found.alpha_2, None


def _date(text: str, *, label: Any, line: int, position: int, past: bool) -> dt.date:
    """YYMMDD to a date. A date of birth is never in the future ("740812" is 1974); an expiry date is
    at most 50 years ahead."""
    try:
        if not text.isdigit():
            raise ValueError(text)
        yy, mm, dd = int(text[0:2]), int(text[2:4]), int(text[4:6])
        today = dt.date.today()  # noqa: DTZ011
        parsed = dt.date(2000 + yy, mm, dd)
        if past and parsed > today:
            parsed = dt.date(1900 + yy, mm, dd)
        elif not past and parsed.year > today.year + 50:
            # No document is valid for 50 years: "991231" is an old document that expired in 1999.
            parsed = dt.date(1900 + yy, mm, dd)
    except ValueError:
        raise MrzError(
            _("The %(label)s in the MRZ (line %(line)s, character %(position)s) is not a date: %(text)s.")
            % {"label": label, "line": line, "position": position, "text": text},
            field="date_of_birth" if past else "expiry_date",
        ) from None
    return parsed


def _checker(cls: Any, code: str) -> Any:
    """The mrz package's checker for this format; it raises on some malformed input, which we report."""
    try:
        return cls(code)
    except Exception as error:  # its errors are a family of its own classes plus ValueError/TypeError
        raise MrzError(
            _("This does not look like a machine-readable zone: %(reason)s") % {"reason": error},
            field="format",
        ) from None


def _check(value: str, digit: str, *, field: str, line: int, position: int) -> CheckDigitFailure | None:
    expected = hash_string(value)
    # ICAO allows "<" as the check digit of an empty optional-data field.
    if digit == expected or (field == "optional_data" and digit == "<" and set(value) <= {"<"}):
        return None
    return CheckDigitFailure(field=field, line=line, position=position, expected=expected, found=digit)


def _document_type(code: str) -> str:
    first = code[:1]
    if first == "P":
        return "P"
    if first in ("I", "A", "C"):
        return "I"
    return "O"


def _names(identifier: str) -> tuple[str, str]:
    primary, _sep, secondary = identifier.rstrip("<").partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def parse_mrz(text: str) -> MrzResult:
    """Read and verify a pasted MRZ. Raises MrzError (format) or MrzCheckDigitError (check digits)."""
    lines = normalise_lines(text)
    if not lines:
        raise MrzError(_("Paste the lines of the machine-readable zone (MRZ)."), field="mrz")
    for n, line in enumerate(lines, start=1):
        for i, ch in enumerate(line, start=1):
            if not ALLOWED.fullmatch(ch):
                raise MrzError(
                    _(
                        "Line %(line)s, character %(position)s is “%(char)s”: an MRZ has only letters A–Z, "
                        "digits and the filler <."
                    )
                    % {"line": n, "position": i, "char": ch},
                    field="characters",
                )
    fmt = detect_format(lines)
    code = "\n".join(lines)
    checker: Any
    failures: list[CheckDigitFailure | None]
    if fmt == "TD3":
        checker = _checker(TD3CodeChecker, code)
        l1, l2 = lines
        number_field, number_digit, number_pos = l2[0:9], l2[9], 10
        nationality_code, birth, sex, expiry = l2[10:13], l2[13:19], l2[20], l2[21:27]
        birth_pos, expiry_pos = (2, 14), (2, 22)
        optional = l2[28:42]
        failures = [
            _check(number_field, number_digit, field="document_number", line=2, position=10),
            _check(birth, l2[19], field="date_of_birth", line=2, position=20),
            _check(expiry, l2[27], field="expiry_date", line=2, position=28),
            _check(optional, l2[42], field="optional_data", line=2, position=43),
        ]
        composite = _check(l2[0:10] + l2[13:20] + l2[21:43], l2[43], field="composite", line=2, position=44)
        identifier = l1[5:44]
        document_number = number_field
    elif fmt == "TD2":
        checker = _checker(TD2CodeChecker, code)
        l1, l2 = lines
        number_field, number_digit = l2[0:9], l2[9]
        nationality_code, birth, sex, expiry = l2[10:13], l2[13:19], l2[20], l2[21:27]
        birth_pos, expiry_pos = (2, 14), (2, 22)
        optional = l2[28:35]
        failures = [
            _check(number_field, number_digit, field="document_number", line=2, position=10),
            _check(birth, l2[19], field="date_of_birth", line=2, position=20),
            _check(expiry, l2[27], field="expiry_date", line=2, position=28),
        ]
        composite = _check(l2[0:10] + l2[13:20] + l2[21:35], l2[35], field="composite", line=2, position=36)
        identifier = l1[5:36]
        document_number = number_field
    else:
        checker = _checker(TD1CodeChecker, code)
        l1, l2, l3 = lines
        number_field, number_digit = l1[5:14], l1[14]
        optional_1 = l1[15:30]
        nationality_code, birth, sex, expiry = l2[15:18], l2[0:6], l2[7], l2[8:14]
        birth_pos, expiry_pos = (2, 1), (2, 9)
        optional = optional_1.strip("<") + l2[18:29].strip("<")
        if number_digit == "<" and optional_1.strip("<"):
            # A number longer than nine characters continues in the optional data; its check digit is
            # the last character before the filler (ICAO 9303-5, 4.2.4).
            rest = optional_1.rstrip("<")
            number_field, number_digit = number_field + rest[:-1], rest[-1]
            number_pos = 15 + len(rest)
            optional = l2[18:29].strip("<")
        else:
            number_pos = 15
        failures = [
            _check(number_field, number_digit, field="document_number", line=1, position=number_pos),
            _check(birth, l2[6], field="date_of_birth", line=2, position=7),
            _check(expiry, l2[14], field="expiry_date", line=2, position=15),
        ]
        composite = _check(
            l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29], field="composite", line=2, position=30
        )
        identifier = l3
        document_number = number_field

    # The mrz package's own verdict must agree with ours on the standard fields (it does not know the
    # long document numbers of TD1 cards, which we check above).
    package_failures = {desc for desc, ok in checker.report.fields if ok is False and desc.endswith("hash")}
    found = [f for f in failures if f is not None]
    if not found and composite is not None:
        found = [composite]
    if found:
        raise MrzCheckDigitError(found)
    if "final hash" in package_failures:  # pragma: no cover - a disagreement would be a bug in one of us
        raise MrzError(_("The MRZ check digits do not add up."), field="composite")

    document_code = lines[0][0:2].rstrip("<")
    if not document_code or not document_code[0].isalpha():
        raise MrzError(
            _("The MRZ does not start with a document code such as P (passport) or I (identity card)."),
            field="document_code",
        )
    if fmt == "TD3" and document_code[0] != "P":
        raise MrzError(
            _(
                "Two lines of 44 characters are a passport MRZ, which starts with P; this one starts with %(c)s."
            )
            % {"c": document_code[0]},
            field="document_code",
        )
    if sex not in ("M", "F", "<", "X"):
        raise MrzError(
            _("The sex in the MRZ is “%(sex)s”; it must be M, F or <.") % {"sex": sex}, field="sex"
        )
    date_of_birth = _date(
        birth, label=_("date of birth"), line=birth_pos[0], position=birth_pos[1], past=True
    )
    expiry_date = _date(
        expiry, label=_("expiry date"), line=expiry_pos[0], position=expiry_pos[1], past=False
    )
    surname, given_names = _names(identifier)
    if not surname:
        raise MrzError(_("The MRZ has no name."), field="surname")
    issuing_code = lines[0][2:5].rstrip("<")
    issuing_state, issuing_note = icao_to_iso(issuing_code)
    nationality_code = nationality_code.rstrip("<")
    nationality, nationality_note = icao_to_iso(nationality_code)
    notes = []
    if issuing_note:
        notes.append(str(_("Issuing state: %(note)s") % {"note": issuing_note}))
    if nationality_note:
        notes.append(str(_("Nationality: %(note)s") % {"note": nationality_note}))
    return MrzResult(
        format=fmt,
        document_code=document_code,
        document_type=_document_type(document_code),
        issuing_state_code=issuing_code,
        issuing_state=issuing_state,
        surname=surname,
        given_names=given_names,
        document_number=document_number.replace("<", ""),
        nationality_code=nationality_code,
        nationality=nationality,
        date_of_birth=date_of_birth,
        sex="X" if sex == "<" else sex,
        expiry_date=expiry_date,
        optional_data=optional.strip("<").replace("<", " ") if fmt != "TD1" else optional,
        lines=tuple(lines),
        notes=tuple(notes),
    )
