from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caribclear.vessels.forms import DocumentForm, PersonCreateForm, VesselForm, mrz_initial
from caribclear.vessels.imports import parse_country, parse_date
from caribclear.vessels.mrz import parse_mrz

from .factories import td3, vessel_data

pytestmark = pytest.mark.django_db

PERSON = {
    "surname": "Joseph",
    "given_names": "Kurt",
    "sex": "M",
    "date_of_birth": "1990-01-05",
    "nationality": "LC",
    "category": "crew",
    "document_type": "P",
}


def test_person_without_document_is_valid() -> None:
    form = PersonCreateForm(PERSON)
    assert form.is_valid(), form.errors
    assert form.document_data() == []


def test_partly_filled_document_names_each_missing_field() -> None:
    form = PersonCreateForm({**PERSON, "document_expiry_date": "2030-01-01"})
    assert not form.is_valid()
    assert set(form.errors) == {"document_number", "document_issuing_state"}


def test_wrong_mrz_on_save_is_an_error_on_the_mrz_field_only() -> None:
    broken = td3().replace("7408122F", "7408121F")
    form = PersonCreateForm({**PERSON, "mrz": broken})
    assert not form.is_valid()
    assert list(form.errors) == ["mrz"]
    assert "date of birth" in form.errors["mrz"][0]


def test_expired_document_is_valid_with_a_warning() -> None:
    form = PersonCreateForm(
        {
            **PERSON,
            "document_number": "X1",
            "document_issuing_state": "LC",
            "document_expiry_date": "01/05/2019",
        }
    )
    assert form.is_valid(), form.errors
    assert "1 May 2019" in form.expiry_warning()  # in words, as every page writes dates
    fresh = PersonCreateForm(
        {
            **PERSON,
            "document_number": "X1",
            "document_issuing_state": "LC",
            "document_expiry_date": "2039-05-01",
        }
    )
    assert fresh.is_valid() and fresh.expiry_warning() == ""


@pytest.mark.parametrize("typed", ["05/01/1990", "5/1/1990", "05.01.1990", "05-01-1990", "1990-01-05"])
def test_person_dates_are_typed_day_first(typed: str) -> None:
    form = PersonCreateForm(
        {
            **PERSON,
            "date_of_birth": typed,
            "document_number": "X1",
            "document_issuing_state": "LC",
            "document_expiry_date": "14/09/2031",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(1990, 1, 5)
    assert form.cleaned_data["document_expiry_date"] == dt.date(2031, 9, 14)


def test_person_form_dates_are_text_boxes_shown_day_first() -> None:
    """Finding 5 of issue 9: no browser date picker (its order is the browser's: mm/dd/yyyy to some)."""
    form = PersonCreateForm(initial={"date_of_birth": dt.date(1990, 1, 5)})
    html = str(form["date_of_birth"])
    assert 'type="text"' in html and 'value="05/01/1990"' in html and 'inputmode="numeric"' in html
    assert 'type="date"' not in str(form) and 'type="date"' not in str(DocumentForm())
    assert "14/09/2027" in str(form["document_expiry_date"].help_text)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("01/13/1990", "day, month, year"),  # month first is not read as a date
        ("05/01/1899", "1900 or later"),
        ("31/12/9999", "2100 or earlier"),
    ],
)
def test_person_dates_that_cannot_be_right_are_field_errors(typed: str, error: str) -> None:
    form = PersonCreateForm({**PERSON, "date_of_birth": typed})
    assert not form.is_valid()
    assert list(form.errors) == ["date_of_birth"]
    assert error in form.errors["date_of_birth"][0]
    assert f'value="{typed}"' in str(form["date_of_birth"])  # what was typed stays in the box


def test_mrz_initial_leaves_non_countries_for_the_operator() -> None:
    values = mrz_initial(parse_mrz(td3(issuing="UTO", nationality="XXA")))
    assert "nationality" not in values and "document_issuing_state" not in values
    assert values["surname"] == "Eriksson" and values["date_of_birth"] == dt.date(1974, 8, 12)


def test_document_form_reads_mrz() -> None:
    form = DocumentForm(
        {
            "mrz": td3(issuing="BRB"),
            "document_type": "P",
            "number": "L898902C3",
            "issuing_state": "BB",
            "expiry_date": "2030-01-01",
        }
    )
    assert form.is_valid(), form.errors
    assert form.mrz_result is not None and form.mrz_result.issuing_state == "BB"


def test_vessel_form_field_errors() -> None:
    form = VesselForm(
        {"name": "", "vessel_type": "yacht", "flag": "BB", "mmsi": "31412345x", "length_m": "0"}
    )
    assert not form.is_valid()
    assert {"name", "vessel_type", "mmsi", "length_m", "registration_number", "owner_name"} <= set(
        form.errors
    )


def test_vessel_form_takes_the_imo_number_as_written_and_keeps_the_digits() -> None:
    data = vessel_data(imo_number="IMO 9074729")
    form = VesselForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["imo_number"] == "9074729"
    assert 'maxlength="20"' in str(form["imo_number"])  # room to type the prefix
    too_long = VesselForm({**data, "imo_number": "IMO 90747290"})
    assert too_long.errors["imo_number"] == ["An IMO number has seven digits, e.g. IMO 9074729."]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_import_dates_in_every_documented_spelling(day: dt.date) -> None:
    for text in (
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d-%m-%Y"),
    ):
        assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Barbados", "BB"),
        ("bb", "BB"),
        ("BRB", "BB"),
        ("Saint Lucia", "LC"),
        ("D", "DE"),
        ("GBD", "GB"),
        ("United States", "US"),
        ("Antigua and Barbuda", "AG"),
        ("Netherlands", "NL"),
    ],
)
def test_import_countries(text: str, iso: str) -> None:
    assert parse_country(text) == iso


def test_import_country_unknown() -> None:
    with pytest.raises(ValueError):
        parse_country("Atlantis")
