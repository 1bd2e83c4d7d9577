"""Pure domain rules: money, totals, dates, credentials, address defaults."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderhub.domain import credentials
from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import InvalidInput
from orderhub.domain.money import json_number, money_string, parse_decimal
from orderhub.domain.orders import Discount, Item, Order, compute_totals, fill_create_defaults


def test_totals_use_exact_decimals() -> None:
    items = [
        Item(price=Decimal("19.99"), quantity=3, weight=Decimal("0.1")),
        Item(price=Decimal("0.1"), quantity=1, weight=Decimal("0.2")),
    ]
    totals = compute_totals(
        items, [Discount("sale", Decimal("1.70"))], Decimal("5.5"), Decimal("0.5"), Decimal("1.2")
    )
    assert totals.quantity_total == 4
    assert totals.product_total == Decimal("60.07")
    assert totals.weight_total == Decimal("0.5")
    assert totals.discount_total == Decimal("1.70")
    assert totals.order_total == Decimal("65.57")


money = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)


@given(st.lists(st.tuples(money, st.integers(1, 50)), min_size=1, max_size=20))
def test_product_total_is_the_exact_sum(lines: list[tuple[Decimal, int]]) -> None:
    items = [Item(price=price, quantity=qty) for price, qty in lines]
    totals = compute_totals(items, [], Decimal(0), Decimal(0), Decimal(0))
    assert totals.product_total == sum((p * q for p, q in lines), Decimal(0))
    assert totals.order_total == totals.product_total


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


def test_dates() -> None:
    assert parse_datetime("2014-10-08 12:10:00", "d") == datetime(2014, 10, 8, 12, 10)
    assert parse_datetime("2016-01-01T00:00:00.000Z", "d") == datetime(2016, 1, 1)
    assert parse_datetime("2014-04-25T16:15:47-04:00", "d") == datetime(2014, 4, 25, 20, 15, 47)
    assert parse_datetime("2024-03-01", "d", end_of_day=True) == datetime(2024, 3, 1, 23, 59, 59)
    la = ZoneInfo("America/Los_Angeles")
    assert parse_datetime("2024-07-01 00:00:00", "d", tz=la) == datetime(2024, 7, 1, 7, 0)
    with pytest.raises(InvalidInput, match="^search_start_date: "):
        parse_datetime("yesterday", "search_start_date")


def test_api_keys() -> None:
    key = credentials.new_api_key()
    assert len(key) == 50 and key.isalnum()
    stored = credentials.hash_api_key(key)
    assert key.encode() not in stored
    assert credentials.api_key_matches(key, stored)
    assert not credentials.api_key_matches(key[:-1] + "!", stored)
    assert credentials.new_pod_app_id().startswith("APP-")
    assert len(credentials.new_pod_app_id()) == 12


def test_one_address_is_copied_to_the_other() -> None:
    order = Order(items=[Item()], shipping={"first_name": "A", "last_name": "B", "city": "X"})
    fill_create_defaults(order)
    assert order.customer["city"] == "X" and order.source_name == "Order Desk"


def test_an_order_needs_a_name_or_company() -> None:
    with pytest.raises(InvalidInput, match="first and last name or a company"):
        fill_create_defaults(Order(items=[Item()], shipping={"first_name": "A"}))
    fill_create_defaults(Order(items=[Item()], customer={"company": "ACME"}))


def test_count_cache_is_exact_within_a_process() -> None:
    from orderhub.storage.count_cache import CountCache, bump

    calls = []

    def count() -> int:
        calls.append(1)
        return len(calls)

    cache = CountCache(ttl=60)
    assert cache.get_or_count(7, "all", count) == 1
    assert cache.get_or_count(7, "all", count) == 1  # reused
    assert cache.get_or_count(7, "other filter", count) == 2
    bump(7)  # an order of store 7 changed in this process
    assert cache.get_or_count(7, "all", count) == 3
    assert CountCache(ttl=0).get_or_count(7, "all", count) == 4  # switched off
