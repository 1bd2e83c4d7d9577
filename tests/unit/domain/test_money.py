"""Money (domain/money.py): loose numbers in, exact decimals, wire numbers out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderhub.domain.errors import InvalidInput
from orderhub.domain.money import json_decimal, json_number, money_string, parse_decimal


@pytest.mark.parametrize(
    ("value", "expected"), [("10", Decimal(10)), (19.99, Decimal("19.99")), ("", Decimal(0))]
)
def test_parse_decimal_accepts_loose_numbers(value: object, expected: Decimal) -> None:
    assert parse_decimal(value, "price") == expected


@pytest.mark.parametrize("value", ["abc", True, None, "1.00001", "1e20", "NaN"])
def test_parse_decimal_rejects_with_the_field_name(value: object) -> None:
    with pytest.raises(InvalidInput, match="^price: "):
        parse_decimal(value, "price")


def test_wire_numbers() -> None:
    assert json_number(Decimal("19.0000")) == 19 and isinstance(json_number(Decimal("19")), int)
    assert json_number(Decimal("21.1700")) == 21.17
    assert money_string(Decimal("1.7")) == "1.70"
    assert money_string(Decimal("1.255")) == "1.255"


@pytest.mark.parametrize("value", ["1E+999999999", "-1e12", 1e12, "١٠", "1_0", "NaN", "Infinity"])
def test_money_out_of_range_or_not_a_number(value: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_decimal(value, "price")


def test_money_in_range() -> None:
    assert parse_decimal("999999999999.9999", "p") == Decimal("999999999999.9999")
    assert parse_decimal("-0", "p") == 0 and parse_decimal("1.50", "p") == Decimal("1.50")


# JSON numbers: any int or finite float, and many with at most 4 decimals (which are taken).
_JSON_NUMBERS = st.one_of(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(places=4, min_value=-(10**12), max_value=10**12).map(float),
    st.decimals(places=2, min_value=-1000, max_value=1000).map(float),
)


@given(_JSON_NUMBERS)
def test_json_decimal_is_parse_decimals_value(value: int | float) -> None:
    """The same verdict and the same Decimal, exponent included (repr)."""
    try:
        expected = repr(parse_decimal(value, "value"))
    except InvalidInput:
        expected = None
    got = json_decimal(value)
    assert (None if got is None else repr(got)) == expected
