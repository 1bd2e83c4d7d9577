"""Splitting an order: which quantities move, and how the order's money is shared out.

Pure arithmetic, no I/O, so every rule here is checked by a property test over random
orders (tests/unit/domain/test_split.py).

The rounding rule (docs/routing.md): item totals follow the items exactly. Each other
amount — shipping, handling, tax, refunds, a processor balance that differs from the order
total, and every discount on its own — is shared between the parts in proportion to the
value of their items (price × quantity), by the **largest remainder** method on whole cents:
every part gets the whole cents of its exact share, and the cents left over go one each to
the parts with the largest fractions left (the earlier part — the original order — on a
tie). An amount that is not a whole number of cents (money is kept to 1/10,000) is shared
the same way in units of 1/10,000, so the parts always add up to the original exactly.
When the item value cannot weigh the parts — it is zero, or a part's is negative — the
amounts are shared in proportion to the parts' quantities instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from orderhub.domain.errors import InvalidInput

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")


@dataclass(frozen=True)
class Line:
    """One item of the order being split."""

    key: int  # the item's id
    price: Decimal
    quantity: int
    movable: int  # what is not shipped (nor at a supplier) yet


@dataclass(frozen=True)
class Shared:
    """The amounts of an order that belong to no single item."""

    shipping: Decimal = Decimal(0)
    handling: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    refund: Decimal = Decimal(0)
    discounts: tuple[Decimal, ...] = ()
    # None: the balance is the order total (each part's follows its own total).
    balance: Decimal | None = None


@dataclass(frozen=True)
class Plan:
    """What each part holds: quantities by item key (0: the item leaves that part)."""

    kept: dict[int, int]
    moved: dict[int, int]
    kept_shared: Shared
    moved_shared: Shared
    weights: str = field(default="value")  # "value" or "quantity"


def share(amount: Decimal, weights: Sequence[Fraction | Decimal | int]) -> list[Decimal]:
    """`amount` in parts proportional to `weights` (≥ 0, not all 0), by largest remainder
    on cents (on 1/10,000 when the amount has sub-cent digits). The parts add up to
    `amount` exactly."""
    fractions = [Fraction(w) for w in weights]
    if not fractions or any(w < 0 for w in fractions) or sum(fractions) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    unit = CENT if amount == amount.quantize(CENT) else TEN_THOUSANDTH
    units = int((abs(amount) / unit).to_integral_value())
    total = sum(fractions)
    exact = [units * w / total for w in fractions]
    floors = [int(e) for e in exact]  # exact >= 0, so int() is the floor
    left = units - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    sign = -1 if amount < 0 else 1
    return [sign * n * unit for n in floors]


def plan_split(lines: Sequence[Line], moving: Mapping[int, int], shared: Shared) -> Plan:
    """Check a request to move `moving` ({item key: quantity}) out of an order with
    `lines`, and share its money. Refuses (InvalidInput) quantities below 1 or above what
    is movable, unknown keys, and a split that leaves either part without items."""
    by_key = {line.key: line for line in lines}
    for key, quantity in moving.items():
        line = by_key.get(key)
        if line is None:
            raise InvalidInput(f"item {key} is not on this order")
        if quantity < 1:
            raise InvalidInput(f"item {key}: the quantity to move must be at least 1")
        if quantity > line.movable:
            raise InvalidInput(
                f"item {key}: only {line.movable} of {line.quantity} can move "
                f"(the rest is shipped or at a supplier); cannot move {quantity}"
            )
    moved = {key: moving.get(key, 0) for key in by_key}
    kept = {key: line.quantity - moved[key] for key, line in by_key.items()}
    if not any(moved.values()):
        raise InvalidInput("nothing to move: choose at least one item")
    if not any(kept.values()):
        raise InvalidInput("every item would move: a split must leave something on the order")
    kept_weight, moved_weight, basis = _weights(by_key, kept, moved)
    weights = (kept_weight, moved_weight)

    def two(amount: Decimal) -> tuple[Decimal, Decimal]:
        a, b = share(amount, weights)
        return a, b

    parts = [two(a) for a in (shared.shipping, shared.handling, shared.tax, shared.refund)]
    discounts = [two(d) for d in shared.discounts]
    balance = None if shared.balance is None else two(shared.balance)
    kept_shared, moved_shared = (
        Shared(
            shipping=parts[0][side],
            handling=parts[1][side],
            tax=parts[2][side],
            refund=parts[3][side],
            discounts=tuple(d[side] for d in discounts),
            balance=None if balance is None else balance[side],
        )  # fmt: skip
        for side in (0, 1)
    )
    return Plan(kept, moved, kept_shared, moved_shared, basis)


def _weights(
    lines: Mapping[int, Line], kept: Mapping[int, int], moved: Mapping[int, int]
) -> tuple[Fraction, Fraction, str]:
    """The parts' item values, or their quantities when values cannot weigh them."""
    kept_value = sum((Fraction(lines[k].price) * q for k, q in kept.items()), Fraction(0))
    moved_value = sum((Fraction(lines[k].price) * q for k, q in moved.items()), Fraction(0))
    if kept_value >= 0 and moved_value >= 0 and kept_value + moved_value > 0:
        return kept_value, moved_value, "value"
    return Fraction(sum(kept.values())), Fraction(sum(moved.values())), "quantity"
