"""The SQL of a split: the next free source id suffix, and what the original order keeps
(item quantities, items that left, its recomputed money). The new order is an ordinary
`insert_order`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import width
from orderhub.domain.orders import Order
from orderhub.storage.orders.rows import TOTAL_FIELDS, order_row_values
from orderhub.storage.tables import order_items, orders

SOURCE_ID_WIDTH = width("orders", "source_id")
# Columns a split changes on the original order, besides its totals.
_MONEY_COLUMNS = (
    "shipping_total", "handling_total", "tax_total", "refund_total", "processor_balance",
    "discount_list",
)  # fmt: skip


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def free_suffix_source_id(conn: Connection, store_id: int, base: str, *, skip: int = 0) -> str:
    """`base-N` for the smallest N ≥ 2 that no order of the store has as its source id
    (whatever its source name), after passing over `skip` free ones (a retry after losing
    a race for the first)."""
    pattern = _escape_like(base) + "-%"
    taken = set(
        conn.execute(
            select(orders.c.source_id).where(
                orders.c.store_id == store_id, orders.c.source_id.like(pattern, escape="\\")
            )
        ).scalars()
    )
    n = 2
    while True:
        candidate = f"{base}-{n}"
        if candidate not in taken:
            if skip == 0:
                break
            skip -= 1
        n += 1
    if len(candidate) > SOURCE_ID_WIDTH:
        raise InvalidInput(
            f"the source id {base!r} is too long to take a split suffix "
            f"(source ids have at most {SOURCE_ID_WIDTH} characters)"
        )
    return candidate


def keep(
    conn: Connection, store_id: int, order_id: int, quantities: Mapping[int, int], order: Order
) -> None:
    """The original after the split: each item's new quantity (0: the item left), and the
    order's money and totals from `order` (already recomputed)."""
    gone = [item_id for item_id, quantity in quantities.items() if quantity == 0]
    if gone:
        conn.execute(
            delete(order_items).where(
                order_items.c.order_id == order_id, order_items.c.id.in_(gone)
            )
        )
    for item_id, quantity in quantities.items():
        if quantity:
            conn.execute(
                update(order_items)
                .where(order_items.c.order_id == order_id, order_items.c.id == item_id)
                .values(quantity=quantity)
            )
    values: dict[str, Any] = order_row_values(order)
    changed = {name: values[name] for name in (*_MONEY_COLUMNS, *TOTAL_FIELDS)}
    conn.execute(
        update(orders)
        .where(orders.c.id == order_id, orders.c.store_id == store_id)
        .values(**changed, date_updated=order.date_updated)
    )
