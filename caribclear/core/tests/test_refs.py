import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_2

from caribclear.core.refs import ALPHABET, InvalidReference, new_reference, parse_reference


def test_new_references_parse_back_to_themselves():
    for _ in range(200):
        ref = new_reference()
        assert len(ref) == 9 and ref[4] == "-"
        assert parse_reference(ref) == ref
        assert parse_reference(ref.lower().replace("-", " ")) == ref


@given(
    st.text(alphabet=ALPHABET, min_size=7, max_size=7),
    st.integers(min_value=0, max_value=7),
    st.sampled_from(ALPHABET),
)
def test_every_single_mistyped_character_is_caught(body, position, replacement):
    compact = body + mod_37_2.calc_check_digit(body)
    assume("*" not in compact)
    mistyped = compact[:position] + replacement + compact[position + 1 :]
    if mistyped == compact:
        return
    with pytest.raises(InvalidReference):
        parse_reference(mistyped)


@given(st.text(alphabet=ALPHABET, min_size=7, max_size=7), st.integers(min_value=0, max_value=6))
def test_every_pair_of_swapped_neighbours_is_caught(body, position):
    compact = body + mod_37_2.calc_check_digit(body)
    assume("*" not in compact)
    swapped = compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
    if swapped == compact:
        return
    with pytest.raises(InvalidReference):
        parse_reference(swapped)


@given(st.text(max_size=30))
def test_any_text_either_parses_or_raises_the_reference_error(text):
    try:
        ref = parse_reference(text)
    except InvalidReference:
        return
    assert parse_reference(ref) == ref
