"""The split arithmetic (domain/split.py), property-tested: over random orders, items,
quantities and totals, the parts always add up to the original to the cent (exactly, in
fact), and no item or quantity is lost or doubled."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orderhub.domain.errors import InvalidInput
from orderhub.domain.split import Line, Shared, plan_split, share

# Fixed4 money: up to 4 decimals, within the storage's range.
money = st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: Decimal(n) / 10_000)
cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: Decimal(n) / 100)
amount = st.one_of(cents, money, st.just(Decimal(0)))
price = st.one_of(
    st.integers(min_value=0, max_value=10**8).map(lambda n: Decimal(n) / 10_000),
    st.just(Decimal(0)),
    st.integers(min_value=-(10**6), max_value=0).map(lambda n: Decimal(n) / 100),
)


@st.composite
def orders_and_moves(draw: st.DrawFn) -> tuple[list[Line], dict[int, int], Shared]:
    count = draw(st.integers(min_value=1, max_value=8))
    lines = []
    for key in range(1, count + 1):
        quantity = draw(st.integers(min_value=1, max_value=50))
        shipped = draw(st.integers(min_value=0, max_value=quantity))
        lines.append(Line(key, draw(price), quantity, quantity - shipped))
    moving = {}
    for line in lines:
        if line.movable and draw(st.booleans()):
            moving[line.key] = draw(st.integers(min_value=1, max_value=line.movable))
    shared = Shared(
        shipping=draw(amount), handling=draw(amount), tax=draw(amount), refund=draw(amount),
        discounts=tuple(draw(st.lists(amount, max_size=3))),
        balance=draw(st.one_of(st.none(), amount)),
    )  # fmt: skip
    return lines, moving, shared


@settings(max_examples=250, deadline=None)
@given(orders_and_moves())
def test_parts_always_add_up_and_nothing_is_lost_or_doubled(
    case: tuple[list[Line], dict[int, int], Shared],
) -> None:
    lines, moving, shared = case
    try:
        plan = plan_split(lines, moving, shared)
    except InvalidInput:
        # Refused only when nothing moves, or nothing would stay.
        kept = sum(line.quantity - moving.get(line.key, 0) for line in lines)
        assert not moving or kept == 0
        return
    for line in lines:
        assert plan.kept[line.key] + plan.moved[line.key] == line.quantity
        assert 0 <= plan.moved[line.key] <= line.movable
        assert plan.kept[line.key] >= line.quantity - line.movable  # shipped units stay
    assert any(plan.kept.values()) and any(plan.moved.values())
    k, m = plan.kept_shared, plan.moved_shared
    for name in ("shipping", "handling", "tax", "refund"):
        assert getattr(k, name) + getattr(m, name) == getattr(shared, name), name
    assert len(k.discounts) == len(m.discounts) == len(shared.discounts)
    for a, b, whole in zip(k.discounts, m.discounts, shared.discounts, strict=True):
        assert a + b == whole
    if shared.balance is None:
        assert k.balance is None and m.balance is None
    else:
        assert k.balance is not None and m.balance is not None
        assert k.balance + m.balance == shared.balance
    # Item totals follow the items.
    product = sum((line.price * line.quantity for line in lines), Decimal(0))
    kept_products = sum((line.price * plan.kept[line.key] for line in lines), Decimal(0))
    moved_products = sum((line.price * plan.moved[line.key] for line in lines), Decimal(0))
    assert kept_products + moved_products == product
    # Every share is within one unit (a cent, or 1/10,000 for sub-cent amounts) of exact.
    total = sum((Fraction(line.price) * line.quantity for line in lines), Fraction(0))
    if plan.weights == "value" and shared.shipping and total:
        exact = Fraction(shared.shipping) * Fraction(moved_products) / total
        assert abs(Fraction(m.shipping) - exact) < Fraction(1, 100)


@settings(max_examples=300, deadline=None)
@given(amount, st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6))
def test_share_by_largest_remainder_adds_up_exactly(whole: Decimal, weights: list[int]) -> None:
    if not any(weights):
        with pytest.raises(ValueError):
            share(whole, weights)
        return
    parts = share(whole, weights)
    assert sum(parts, Decimal(0)) == whole
    unit = Decimal("0.01") if whole == whole.quantize(Decimal("0.01")) else Decimal("0.0001")
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part % unit == 0
        exact = Fraction(whole) * weight / total
        assert abs(Fraction(part) - exact) < Fraction(unit)
        if weight == 0:
            assert part == 0


def test_the_rounding_rule_in_examples() -> None:
    # 10.00 in three equal parts: 3.34, 3.33, 3.33 (the leftover cent to the first on a tie).
    assert share(Decimal("10.00"), [1, 1, 1]) == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    # 5.00 shipping over items worth 60 and 40: 3.00 and 2.00.
    assert share(Decimal("5"), [60, 40]) == [Decimal("3.00"), Decimal("2.00")]
    # Sub-cent amounts are shared in 1/10,000.
    assert share(Decimal("0.0005"), [1, 1]) == [Decimal("0.0003"), Decimal("0.0002")]
    assert share(Decimal("-1.00"), [1, 2]) == [Decimal("-0.33"), Decimal("-0.67")]


def test_free_items_share_by_quantity() -> None:
    lines = [Line(1, Decimal(0), 3, 3), Line(2, Decimal(0), 1, 1)]
    plan = plan_split(lines, {2: 1}, Shared(shipping=Decimal("4.00")))
    assert plan.weights == "quantity"
    assert (plan.kept_shared.shipping, plan.moved_shared.shipping) == (
        Decimal("3.00"),
        Decimal("1.00"),
    )


@pytest.mark.parametrize(
    ("moving", "message"),
    [
        ({}, "nothing to move"),
        ({1: 2, 2: 1}, "every item would move"),
        ({1: 0}, "at least 1"),
        ({1: -1}, "at least 1"),
        ({2: 2}, "only 1 of 1 can move"),
        ({9: 1}, "not on this order"),
    ],
)
def test_bad_requests_are_refused(moving: dict[int, int], message: str) -> None:
    lines = [Line(1, Decimal(5), 2, 2), Line(2, Decimal(5), 1, 1)]
    with pytest.raises(InvalidInput, match=message):
        plan_split(lines, moving, Shared())
