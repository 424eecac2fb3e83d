from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caribclear.valuation import units

CODES = sorted(units.CONVERSIONS)
quantities = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=3
)


def test_the_usual_units():
    assert units.normalise(Decimal(12), "DZN") == (Decimal(144), units.UNITS)
    assert units.normalise(Decimal("2.5"), "TNE") == (Decimal(2500), units.KG)
    assert units.normalise(Decimal(500), "grm") == (Decimal("0.500"), units.KG)
    assert units.normalise(Decimal(3), " m t k ") == (Decimal(3), units.M2)
    assert units.normalise(Decimal(2), "pairs") == (Decimal(2), units.PAIR)
    assert units.normalise(Decimal(750), "MLT")[1] is units.LITRE


def test_an_unknown_unit_is_refused():
    with pytest.raises(units.UnknownUnit):
        units.lookup("furlong")


@given(code=st.sampled_from(CODES), quantity=quantities)
def test_every_unit_lands_in_one_base_unit_in_proportion(code, quantity):
    base_quantity, base = units.normalise(quantity, code)
    assert base.code in units.BASE_UNITS
    assert base_quantity > 0
    # twice the quantity is twice the base quantity: conversion is linear, never an offset
    assert units.normalise(quantity * 2, code)[0] == base_quantity * 2


@given(code=st.sampled_from(CODES), quantity=quantities)
def test_the_same_amount_in_two_units_of_a_dimension_agrees(code, quantity):
    base, factor = units.lookup(code)
    same_in_base_code = next(c for c, (b, f) in units.CONVERSIONS.items() if b is base and f == 1)
    assert units.normalise(quantity * factor, same_in_base_code)[0] == units.normalise(quantity, code)[0]
