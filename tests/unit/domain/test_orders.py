"""Orders (domain/orders.py): totals, the limits they must fit, and the defaults of a new order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderhub.domain import limits
from orderhub.domain.errors import InvalidInput
from orderhub.domain.orders import (
    Discount,
    Item,
    Order,
    compute_totals,
    fill_create_defaults,
    masked_card,
    payment_status_of,
)


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


def test_one_address_is_copied_to_the_other() -> None:
    order = Order(items=[Item()], shipping={"first_name": "A", "last_name": "B", "city": "X"})
    fill_create_defaults(order)
    assert order.customer["city"] == "X" and order.source_name == "Order Desk"


def test_an_order_needs_a_name_or_company() -> None:
    with pytest.raises(InvalidInput, match="first and last name or a company"):
        fill_create_defaults(Order(items=[Item()], shipping={"first_name": "A"}))
    fill_create_defaults(Order(items=[Item()], customer={"company": "ACME"}))


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "Captured"), ("pending", "Pending"), ("PARTIALLY refunded", "Partially Refunded"),
     ("Captured ", None), ("Maybe", None), ("\u0130", None)],
)  # fmt: skip
def test_payment_status_of(value: str, expected: str | None) -> None:
    assert payment_status_of(value) == expected


@pytest.mark.parametrize(
    ("number", "masked", "expected"),
    [("", "xxxx1111", "xxxx1111"), ("4111 1111 1111 1234", "x", "xxxxxxxxxxxx1234"),
     ("12", "", "xxxxxxxxxxxx12"), ("\u0661\u0662\u0663\u0664", "m", "m"), ("no digits", "", "")],
)  # fmt: skip
def test_masked_card_keeps_the_last_four_ascii_digits(
    number: str, masked: str, expected: str
) -> None:
    assert masked_card(number, masked) == expected
