"""Reading whole orders: the order rows with their items, shipments and history, one query
per table whatever the number of orders."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, literal_column, select

from orderhub.domain.errors import NotFound
from orderhub.domain.orders import HistoryEntry, Item, Order
from orderhub.storage.driver import DriverQuery
from orderhub.storage.orders.rows import row_to_item, row_to_order
from orderhub.storage.shipment_reads import load_for_orders as load_shipments
from orderhub.storage.tables import order_history, order_items, orders

_same_email = orders.alias("same_email")
EMAIL_COUNT = (
    select(func.count())
    .where(
        _same_email.c.store_id == orders.c.store_id,
        _same_email.c.email == orders.c.email,
        orders.c.email != "",
    )
    .scalar_subquery()
    .label("email_count")
)
# `store_id + 0`: the store check must not be answered from a (store_id, ...) index. Without
# statistics SQLite would otherwise walk the whole store through one of those indexes instead
# of fetching the listed ids by primary key — 100+ ms per page on a store of 1M orders.
_ORDERS_BY_IDS = select(orders, EMAIL_COUNT).where(
    orders.c.id.in_(bindparam("p_ids", expanding=True)),
    (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
)
_ITEMS_BY_ORDER_IDS = (
    select(order_items)
    .where(order_items.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(order_items.c.order_id, order_items.c.position, order_items.c.id)
)
_HISTORY_BY_ORDER_IDS = (
    select(order_history)
    .where(order_history.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(order_history.c.order_id, order_history.c.id)
)
# On the driver (storage/driver.py): every create reads it once more after its commit.
_EMAIL_COUNT_OF = DriverQuery(
    select(EMAIL_COUNT).where(
        orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id")
    )
)
_FIND_BY_SOURCE = select(orders.c.id).where(
    orders.c.store_id == bindparam("p_store_id"),
    orders.c.source_name == bindparam("p_source_name"),
    orders.c.source_id == bindparam("p_source_id"),
)
_EXISTS = select(orders.c.id).where(
    orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id")
)


def load_orders(
    conn: Connection, store_id: int, ids: Sequence[int], *, with_history: bool
) -> list[Order]:
    """Whole orders (items, shipments, email counts, and history if asked) for the given
    ids, in that order; ids of other stores or of no order are left out."""
    if not ids:
        return []
    rows = conn.execute(_ORDERS_BY_IDS, {"p_store_id": store_id, "p_ids": list(ids)}).all()
    by_id = {row.id: row_to_order(row) for row in rows}
    if not by_id:
        return []
    for row in conn.execute(_ITEMS_BY_ORDER_IDS, {"p_ids": list(by_id)}):
        by_id[row.order_id].items.append(row_to_item(row))
    for order_id, found in load_shipments(conn, list(by_id)).items():
        by_id[order_id].shipments = found
    if with_history:
        for order in by_id.values():
            order.history = []
        for row in conn.execute(_HISTORY_BY_ORDER_IDS, {"p_ids": list(by_id)}):
            by_id[row.order_id].history.append(  # type: ignore[union-attr]
                HistoryEntry(row.source_name, row.note, row.date_added, row.event, row.surface)
            )
    return [by_id[i] for i in ids if i in by_id]


def get_order(
    conn: Connection, store_id: int, order_id: int, *, with_history: bool = True
) -> Order:
    found = load_orders(conn, store_id, [order_id], with_history=with_history)
    if not found:
        raise NotFound(f"Order {order_id} not found")
    return found[0]


def order_exists(conn: Connection, store_id: int, order_id: int) -> bool:
    params = {"p_order_id": order_id, "p_store_id": store_id}
    return conn.execute(_EXISTS, params).first() is not None


def get_items(conn: Connection, store_id: int, order_id: int) -> list[Item]:
    if not order_exists(conn, store_id, order_id):
        raise NotFound(f"Order {order_id} not found")
    rows = conn.execute(_ITEMS_BY_ORDER_IDS, {"p_ids": [order_id]})
    return [row_to_item(row) for row in rows]


def get_item(conn: Connection, store_id: int, order_id: int, item_id: int) -> Item:
    for item in get_items(conn, store_id, order_id):
        if item.id == item_id:
            return item
    raise NotFound(f"Order Item {item_id} not found")


def email_count(conn: Connection, store_id: int, order_id: int) -> int:
    """The order's `email_count` as `load_orders` computes it (the same expression)."""
    found = _EMAIL_COUNT_OF.rows(conn, {"p_order_id": order_id, "p_store_id": store_id})
    if not found:
        raise NotFound(f"Order {order_id} not found")
    return int(found[0].email_count or 0)


def find_by_source(conn: Connection, store_id: int, source_name: str, source_id: str) -> int | None:
    return conn.execute(
        _FIND_BY_SOURCE,
        {"p_store_id": store_id, "p_source_name": source_name, "p_source_id": source_id},
    ).scalar_one_or_none()
