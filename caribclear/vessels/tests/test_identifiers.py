from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from caribclear.vessels.identifiers import imo_number_compact, validate_imo_number


@pytest.mark.parametrize("number", ["9074729", "9187629", "9319466", "8814275"])
def test_real_imo_numbers_are_valid(number: str) -> None:
    validate_imo_number(number)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("IMO 9074729", "9074729"),
        ("imo9074729", "9074729"),
        (" 9074729 ", "9074729"),
        ("Imo 907 4729", "9074729"),
        ("IMO\t9074729\n", "9074729"),
        ("IMO\u00a0９０７４７２９", "9074729"),
        ("", ""),
        (None, ""),
        ("IMO-9074729", "-9074729"),  # not silently turned into a number: the validator says what is wrong
    ],
)
def test_what_people_type_is_kept_as_the_seven_digits(typed: str | None, kept: str) -> None:
    assert imo_number_compact(typed) == kept


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("9074728", "imo_number_check_digit"),
        ("9074792", "imo_number_check_digit"),  # the last two digits swapped
        ("907472", "imo_number_format"),
        ("90747290", "imo_number_format"),
        ("907472X", "imo_number_format"),
        ("９０７４７２９", "imo_number_format"),  # full-width digits are not the digits of a register
        ("-9074729", "imo_number_format"),
    ],
)
def test_impossible_numbers_are_refused_with_one_clear_reason(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_imo_number(number)
    assert [error.code for error in caught.value.error_list] == [code]


@given(st.from_regex(r"\A[0-9]{6}\Z"), st.integers(min_value=1, max_value=9))
def test_exactly_one_check_digit_completes_six_digits(first_six: str, shift: int) -> None:
    total = sum(int(digit) * weight for digit, weight in zip(first_six, (7, 6, 5, 4, 3, 2), strict=True))
    check = total % 10
    validate_imo_number(f"{first_six}{check}")
    with pytest.raises(ValidationError):
        validate_imo_number(f"{first_six}{(check + shift) % 10}")
