"""An order's items one at a time. Every change recomputes the order's totals from the items
as they now are, under the order's row lock, and lets stock follow."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, update

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.orders import Item, apply_totals
from orderhub.storage.orders.load import get_order
from orderhub.storage.orders.rows import TOTAL_FIELDS, item_row_values
from orderhub.storage.orders.write import lock_order, record_history, stock_follows
from orderhub.storage.tables import order_items, orders


def add_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item: Item,
    *,
    channel: Channel,
    stock: StockPolicy,
) -> int:
    lock_order(conn, store_id, order_id)
    with stock_follows(conn, store_id, order_id, stock):
        position = conn.execute(
            select(func.coalesce(func.max(order_items.c.position) + 1, 0)).where(
                order_items.c.order_id == order_id
            )
        ).scalar_one()
        item_id = int(
            conn.execute(
                insert(order_items)
                .values(
                    **item_row_values(item), order_id=order_id, store_id=store_id, position=position
                )
                .returning(order_items.c.id)
            ).scalar_one()
        )
    _after_item_change(conn, store_id, order_id, f"Item {item_id} added", channel)
    return item_id


def update_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item: Item,
    *,
    channel: Channel,
    stock: StockPolicy,
) -> None:
    assert item.id is not None
    lock_order(conn, store_id, order_id)
    with stock_follows(conn, store_id, order_id, stock):
        changed = conn.execute(
            update(order_items)
            .where(order_items.c.id == item.id, order_items.c.order_id == order_id)
            .values(**item_row_values(item))
        ).rowcount
    if not changed:
        raise NotFound(f"Order Item {item.id} not found")
    _after_item_change(conn, store_id, order_id, f"Item {item.id} updated", channel)


def delete_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item_id: int,
    *,
    channel: Channel,
    stock: StockPolicy,
) -> None:
    lock_order(conn, store_id, order_id)
    with stock_follows(conn, store_id, order_id, stock):
        removed = conn.execute(
            delete(order_items).where(
                order_items.c.id == item_id, order_items.c.order_id == order_id
            )
        ).rowcount
    if not removed:
        raise NotFound(f"Order Item {item_id} not found")
    _after_item_change(conn, store_id, order_id, f"Item {item_id} removed", channel)


def _after_item_change(
    conn: Connection, store_id: int, order_id: int, note: str, channel: Channel
) -> None:
    order = get_order(conn, store_id, order_id, with_history=False)
    apply_totals(order)
    now = utcnow()
    conn.execute(
        update(orders)
        .where(orders.c.id == order_id)
        .values(**{name: getattr(order, name) for name in TOTAL_FIELDS}, date_updated=now)
    )
    record_history(conn, store_id, order_id, note, event="items", channel=channel, now=now)
