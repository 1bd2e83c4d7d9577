"""The shared primitives every door validates with (domain/values, dates, money, limits)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from orderhub.domain import limits, values
from orderhub.domain.dates import parse_datetime, parse_day
from orderhub.domain.errors import InvalidInput
from orderhub.domain.money import parse_decimal
from orderhub.domain.orders import Item, compute_totals


@pytest.mark.parametrize("text", ["²", "١", "１", "1²", "", " ", "-1", "0", str(2**63), "1" * 30])
def test_parse_id_takes_only_ascii_ids_in_range(text: str) -> None:
    assert values.parse_id(text) is None


def test_parse_id_and_whole_number() -> None:
    assert values.parse_id(" 42 ") == 42 and values.parse_id(str(2**63 - 1)) == 2**63 - 1
    assert values.whole_number("-7") == -7 and values.whole_number(3.0) == 3
    for bad in ("١", "²", "3.5", 3.5, True, None, [1], "1e3", "9" * 21):
        assert values.whole_number(bad) is None, bad
    assert values.whole_between(5, 1, 4) is None and values.whole_between("4", 1, 4) == 4
    assert values.clamped_count("9" * 40, 500) == 500 and values.clamped_count("0", 500) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"a": "x\x00"}, "NUL"),
        ({"a\x00": 1}, "NUL"),
        ({"a": 2**64}, "64 bits"),
        ({"a": -(2**63) - 1}, "64 bits"),
        ({"a": [float("inf")]}, "not finite"),
        ({"a": float("nan")}, "not finite"),
        ({1: "a"}, "keys must be text"),
        ({"a": {1, 2}}, "not JSON"),
    ],
)
def test_json_problem(value: Any, problem: str) -> None:
    found = values.json_problem(value)
    assert found is not None and problem in found


def test_json_problem_depth_and_fine_values() -> None:
    deep: Any = 1
    for _ in range(limits.MAX_JSON_DEPTH):
        deep = [deep]
    assert values.json_problem(deep) is None
    assert "nested deeper" in str(values.json_problem([deep]))
    assert values.json_problem({"a": [2**64 - 1, -(2**63), 1.5, None, True, "é"]}) is None


def test_json_problem_too_deep_wins_else_the_first_problem_met() -> None:
    deep: Any = "\x07"
    for _ in range(limits.MAX_JSON_DEPTH - 1):  # {"b": deep} is as deep as allowed
        deep = {"n": deep}
    # A problem met before the deep branch does not hide the depth.
    assert "nested deeper" in str(values.json_problem({"a": "\x00", "b": [deep], "c": 2**64}))
    assert values.json_problem({"b": deep}) == "contains the control character U+0007"
    # Depth first from the end: the last value is looked at first.
    assert values.json_problem(["\x07", {"k": float("inf")}, "\x00"]) == "contains a NUL character"
    assert values.json_problem([{"k": 2**64}, {1: "x"}]) == "keys must be text"


@pytest.mark.parametrize(
    "text",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01", "9999-12-31",
     "1969-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00"],
)  # fmt: skip
def test_parse_datetime_never_overflows(text: str) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        parse_datetime(text, "when")
    with pytest.raises(InvalidInput, match="out of range"):
        parse_datetime(text, "when", end_of_day=True)


def test_dates_at_the_bounds() -> None:
    assert parse_datetime("1970-01-01", "d") == datetime(1970, 1, 1)
    assert parse_datetime("9998-12-31", "d", end_of_day=True) == datetime(9998, 12, 31, 23, 59, 59)
    assert parse_day("2026-02-03T10:00:00", "d").isoformat() == "2026-02-03"
    with pytest.raises(InvalidInput, match="out of range"):
        parse_day("0001-01-01", "d")


@pytest.mark.parametrize("value", ["1E+999999999", "-1e12", 1e12, "١٠", "1_0", "NaN", "Infinity"])
def test_money_out_of_range_or_not_a_number(value: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_decimal(value, "price")


def test_money_in_range() -> None:
    assert parse_decimal("999999999999.9999", "p") == Decimal("999999999999.9999")
    assert parse_decimal("-0", "p") == 0 and parse_decimal("1.50", "p") == Decimal("1.50")


def test_totals_that_do_not_fit_are_refused() -> None:
    big = Item(price=Decimal("999999999999"), quantity=1_000_000)
    with pytest.raises(InvalidInput, match="order total"):
        compute_totals([big], [], Decimal(0), Decimal(0), Decimal(0))
    many = [Item(quantity=limits.MAX_QUANTITY) for _ in range(2001)]
    with pytest.raises(InvalidInput, match="quantity total"):
        compute_totals(many, [], Decimal(0), Decimal(0), Decimal(0))
    fits = Item(price=Decimal("99999999"), quantity=1_000_000)
    assert compute_totals([fits], [], Decimal(0), Decimal(0), Decimal(0)).order_total < (
        limits.MAX_TOTAL
    )
