from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caribclear.vessels.mrz import MrzCheckDigitError, MrzError, icao_to_iso, parse_mrz

from .factories import check_digit, td3

SPECIMEN_TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
SPECIMEN_TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
SPECIMEN_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
# The German passport specimen (Erika Mustermann): ICAO code "D" for Germany.
GERMAN_TD3 = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"


def test_icao_passport_specimen() -> None:
    result = parse_mrz(SPECIMEN_TD3)
    assert result.format == "TD3"
    assert result.document_type == "P"
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == "L898902C3"
    assert result.date_of_birth == dt.date(1974, 8, 12)
    assert result.expiry_date == dt.date(2012, 4, 15)
    assert result.sex == "F"
    assert result.optional_data == "ZE184226B"
    assert result.is_expired()
    # Utopia is the specimen state: kept as printed, not a country we can record, and the operator is told.
    assert result.issuing_state_code == "UTO" and result.issuing_state is None
    assert any("UTO" in note for note in result.notes)


def test_icao_id_card_specimens_td1_and_td2() -> None:
    td1 = parse_mrz(SPECIMEN_TD1)
    td2 = parse_mrz(SPECIMEN_TD2)
    for result, fmt in ((td1, "TD1"), (td2, "TD2")):
        assert result.format == fmt
        assert result.document_type == "I"
        assert result.document_number == "D23145890"
        assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
        assert result.date_of_birth == dt.date(1974, 8, 12)


def test_german_d_maps_to_de() -> None:
    result = parse_mrz(GERMAN_TD3)
    assert result.issuing_state == "DE" and result.nationality == "DE"
    assert result.document_number == "C01X00T47"
    assert result.date_of_birth == dt.date(1964, 8, 12)
    assert result.notes == ()


@pytest.mark.parametrize(
    ("code", "iso"),
    [
        ("GBR", "GB"),
        ("GBD", "GB"),
        ("GBN", "GB"),
        ("GBO", "GB"),
        ("D", "DE"),
        ("BRB", "BB"),
        ("ATG", "AG"),
        ("UNO", None),
        ("XXA", None),
        ("XXB", None),
        ("EUE", None),
        ("XOM", None),
        ("ZZZ", None),
    ],
)
def test_icao_codes(code: str, iso: str | None) -> None:
    alpha2, note = icao_to_iso(code)
    assert alpha2 == iso
    if code in ("GBR", "D", "BRB", "ATG"):
        assert note is None
    else:
        assert note  # the operator is told what the special code means or that they must choose


def test_british_overseas_territories_citizen_is_explained() -> None:
    result = parse_mrz(td3(issuing="GBR", nationality="GBD"))
    assert result.nationality == "GB" and result.nationality_code == "GBD"
    assert any("British Overseas Territories citizen" in note for note in result.notes)


def test_wrong_document_number_check_digit_names_the_field() -> None:
    broken = SPECIMEN_TD3.replace("L898902C36", "L898902C35")
    with pytest.raises(MrzCheckDigitError) as caught:
        parse_mrz(broken)
    assert caught.value.fields == ["document_number"]
    assert "document number" in str(caught.value)
    assert "line 2, character 10" in str(caught.value)


def test_wrong_expiry_check_digit() -> None:
    lines = SPECIMEN_TD3.split("\n")
    broken = lines[0] + "\n" + lines[1][:27] + "3" + lines[1][28:]
    with pytest.raises(MrzCheckDigitError) as caught:
        parse_mrz(broken)
    assert caught.value.fields == ["expiry_date"]
    assert "expiry date" in str(caught.value)


def test_wrong_composite_check_digit_only() -> None:
    broken = SPECIMEN_TD3[:-1] + "9"
    with pytest.raises(MrzCheckDigitError) as caught:
        parse_mrz(broken)
    assert caught.value.fields == ["composite"]


def test_pasted_with_spaces_lowercase_and_one_line() -> None:
    messy = "  p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<  \r\n\r\n L898902C36UTO7408122F1204159ZE184226B<<<<<10 "
    assert parse_mrz(messy).document_number == "L898902C3"
    assert parse_mrz(SPECIMEN_TD3.replace("\n", "")).format == "TD3"


def test_old_expiry_is_last_century() -> None:
    assert parse_mrz(td3(expiry="991231")).expiry_date == dt.date(1999, 12, 31)
    assert parse_mrz(td3(expiry="351231")).expiry_date == dt.date(2035, 12, 31)


def test_wrong_length_says_what_is_expected() -> None:
    with pytest.raises(MrzError) as caught:
        parse_mrz(SPECIMEN_TD3[:-1])
    assert caught.value.field == "format"
    assert "44" in str(caught.value)


def test_bad_character_is_located() -> None:
    with pytest.raises(MrzError) as caught:
        parse_mrz(SPECIMEN_TD3.replace("ANNA", "AN-A"))
    assert caught.value.field == "characters"
    assert "Line 1" in str(caught.value)


def test_td1_long_document_number() -> None:
    # ICAO 9303-5: a 12-character number overflows into the optional data, with its check digit after it.
    number = "D23145890123"
    long_part = number[9:] + check_digit(number)
    line1 = "I<UTO" + number[:9] + "<" + long_part.ljust(15, "<")
    line2_body = "7408122F1204159UTO" + "<" * 11
    composite = line1[5:30] + line2_body[0:7] + line2_body[8:15] + line2_body[18:29]
    line2 = line2_body + check_digit(composite)
    line3 = "ERIKSSON<<ANNA<MARIA".ljust(30, "<")
    result = parse_mrz("\n".join([line1, line2, line3]))
    assert result.document_number == number


# Property-based: random valid documents parse back to their fields; any changed digit is caught.

letters = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=10)
names = st.lists(letters, min_size=1, max_size=3).map(" ".join)
numbers = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=9)
countries = st.sampled_from(["BRB", "ATG", "USA", "GBR", "FRA", "NLD", "DEU", "CAN", "VCT", "LCA", "TTO"])
ISO = {
    "BRB": "BB",
    "ATG": "AG",
    "USA": "US",
    "GBR": "GB",
    "FRA": "FR",
    "NLD": "NL",
    "DEU": "DE",
    "CAN": "CA",
    "VCT": "VC",
    "LCA": "LC",
    "TTO": "TT",
}
today = dt.date.today()  # noqa: DTZ011
births = st.dates(min_value=today.replace(year=today.year - 99) + dt.timedelta(days=1), max_value=today)
expiries = st.dates(min_value=dt.date(today.year - 49, 1, 1), max_value=dt.date(today.year + 50, 12, 31))


@st.composite
def documents(draw: st.DrawFn) -> dict:
    surname = draw(names)
    given_names = draw(names)
    # Keep the name within the 39 characters of line 1 so it is not truncated.
    if len(surname) + len(given_names) + 2 > 39:
        given_names = given_names[: max(1, 37 - len(surname))].strip() or "A"
    return {
        "surname": surname,
        "given": given_names,
        "number": draw(numbers),
        "issuing": draw(countries),
        "nationality": draw(countries),
        "birth": draw(births),
        "expiry": draw(expiries),
        "sex": draw(st.sampled_from(["M", "F", "<"])),
        "optional": draw(st.text(alphabet=string.ascii_uppercase + string.digits, max_size=14)),
    }


def _build(doc: dict) -> str:
    return td3(
        surname=doc["surname"],
        given=doc["given"],
        number=doc["number"],
        issuing=doc["issuing"],
        nationality=doc["nationality"],
        birth=doc["birth"].strftime("%y%m%d"),
        expiry=doc["expiry"].strftime("%y%m%d"),
        sex=doc["sex"],
        optional=doc["optional"],
    )


@settings(max_examples=200, deadline=None)
@given(documents())
def test_valid_mrz_round_trips(doc: dict) -> None:
    result = parse_mrz(_build(doc))
    assert result.surname == doc["surname"]
    assert result.given_names == doc["given"].strip()
    assert result.document_number == doc["number"]
    assert result.issuing_state == ISO[doc["issuing"]]
    assert result.nationality == ISO[doc["nationality"]]
    assert result.date_of_birth == doc["birth"]
    assert result.expiry_date == doc["expiry"]
    assert result.sex == ("X" if doc["sex"] == "<" else doc["sex"])
    assert result.optional_data == doc["optional"]


# Positions (0-based, in line 2) of the checked fields and of the check digits of a TD3.
CHECKED_POSITIONS = [*range(0, 9), 9, *range(13, 20), *range(21, 28), *range(28, 44)]


@settings(max_examples=300, deadline=None)
@given(documents(), st.data())
def test_any_changed_digit_in_a_checked_field_is_an_error(doc: dict, data: st.DataObject) -> None:
    text = _build(doc)
    line1, line2 = text.split("\n")
    digit_positions = [i for i in CHECKED_POSITIONS if line2[i].isdigit()]
    position = data.draw(st.sampled_from(digit_positions))
    old = line2[position]
    new = data.draw(st.sampled_from([d for d in string.digits if d != old]))
    changed = line2[:position] + new + line2[position + 1 :]
    with pytest.raises(MrzError):
        parse_mrz(line1 + "\n" + changed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + "<\n «-", max_size=100))
def test_any_text_is_read_or_refused_with_mrz_error(text: str) -> None:
    try:
        parse_mrz(text)
    except MrzError as error:
        assert str(error)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([(2, 44), (2, 36), (3, 30)]), st.data())
def test_any_right_shaped_text_is_read_or_refused_with_mrz_error(
    shape: tuple[int, int], data: st.DataObject
) -> None:
    count, width = shape
    alphabet = string.ascii_uppercase + string.digits + "<"
    lines = [data.draw(st.text(alphabet=alphabet, min_size=width, max_size=width)) for _ in range(count)]
    try:
        parse_mrz("\n".join(lines))
    except MrzError as error:
        assert str(error)


def test_all_digits_of_the_right_shape_is_an_mrz_error() -> None:
    with pytest.raises(MrzError):
        parse_mrz("0" * 44 + "\n" + "0" * 44)
