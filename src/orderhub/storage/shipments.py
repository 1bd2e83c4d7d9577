"""Shipments of orders in SQL. The caller holds the orders' row locks (see
`folders.lock_orders`), so two concurrent shipments can never together ship more than was
ordered.

Adding shipments reads what it must check for all the orders of a batch at once — a few
queries per batch, not per shipment — and writes them with one statement per table.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, update

from orderhub.domain.errors import NotFound
from orderhub.domain.fulfilment import Shipment, ShipmentLine
from orderhub.storage.orders.load import order_exists
from orderhub.storage.shipment_reads import FIELDS, load_for_orders
from orderhub.storage.shipment_tables import shipment_items, shipments
from orderhub.storage.tables import order_items, orders

_ITEMS_OF_ORDERS = (
    select(order_items.c.order_id, order_items.c.id, order_items.c.quantity, order_items.c.code)
    .where(order_items.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(order_items.c.order_id, order_items.c.position, order_items.c.id)
)
# The newest shipment of each order that lists no items (it shipped the whole rest): found
# from the end of the order's shipments, so an order with many shipments costs one probe.
_LAST_WHOLE = select(
    orders.c.id,
    select(shipments.c.id)
    .where(
        shipments.c.order_id == orders.c.id,
        ~exists().where(shipment_items.c.shipment_id == shipments.c.id),
    )
    .order_by(shipments.c.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("last_whole"),
).where(orders.c.id.in_(bindparam("p_ids", expanding=True)))
_LINES_AFTER = (
    select(shipments.c.order_id, shipments.c.id, shipment_items.c.order_item_id,
           shipment_items.c.quantity)
    .join(shipment_items, shipment_items.c.shipment_id == shipments.c.id)
    .where(
        shipments.c.order_id.in_(bindparam("p_ids", expanding=True)),
        shipments.c.id > bindparam("p_after"),
    )
)  # fmt: skip
_NUMBERS_IN_USE = select(shipments.c.order_id, shipments.c.tracking_number).where(
    shipments.c.store_id == bindparam("p_store_id"),
    shipments.c.tracking_number.in_(bindparam("p_numbers", expanding=True)),
    shipments.c.order_id.in_(bindparam("p_ids", expanding=True)),
)
_INSERT_SHIPMENTS = insert(shipments).returning(shipments.c.id, sort_by_parameter_order=True)
_INSERT_LINES = insert(shipment_items)


def items_of_orders(conn: Connection, order_ids: Collection[int]) -> dict[int, list[Any]]:
    """{order id: its items as rows of (id, quantity, code)}, in the order's own order."""
    by_order: dict[int, list[Any]] = {order_id: [] for order_id in order_ids}
    if order_ids:
        for row in conn.execute(_ITEMS_OF_ORDERS, {"p_ids": list(order_ids)}):
            by_order[row.order_id].append(row)
    return by_order


def shipped_so_far(conn: Connection, order_ids: Collection[int]) -> dict[int, list[Shipment]]:
    """Per order, its shipments as `fulfilment.shipped_quantities` needs them, condensed: the
    last shipment of the whole rest, then one shipment with the lines of every shipment made
    after it. A whole shipment ships everything before it, so the quantities (and whether
    there is any shipment at all) are those of the full list, whatever its length."""
    condensed: dict[int, list[Shipment]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return condensed
    last_whole = {
        row.id: row.last_whole for row in conn.execute(_LAST_WHOLE, {"p_ids": list(order_ids)})
    }
    after = min((last_whole.get(order_id) or 0 for order_id in order_ids), default=0)
    lines: dict[int, dict[int, int]] = {}
    rows = conn.execute(_LINES_AFTER, {"p_ids": list(order_ids), "p_after": after})
    for row in rows:
        if row.id > (last_whole.get(row.order_id) or 0):
            merged = lines.setdefault(row.order_id, {})
            merged[row.order_item_id] = merged.get(row.order_item_id, 0) + row.quantity
    for order_id in order_ids:
        if last_whole.get(order_id):
            condensed[order_id].append(Shipment(tracking_number=""))
        if order_id in lines:
            shipped = [ShipmentLine(item, qty) for item, qty in lines[order_id].items()]
            condensed[order_id].append(Shipment(tracking_number="", lines=shipped))
    return condensed


def numbers_in_use(
    conn: Connection, store_id: int, order_ids: Collection[int], numbers: Collection[str]
) -> dict[int, set[str]]:
    """{order id: those of `numbers` its shipments already carry}."""
    found: dict[int, set[str]] = {order_id: set() for order_id in order_ids}
    if not order_ids or not numbers:
        return found
    params = {"p_store_id": store_id, "p_ids": list(order_ids), "p_numbers": list(numbers)}
    for row in conn.execute(_NUMBERS_IN_USE, params):
        found[row.order_id].add(row.tracking_number)
    return found


def insert_shipments(
    conn: Connection, store_id: int, new: Sequence[tuple[int, Shipment]], now: datetime
) -> list[int]:
    """Insert (order id, shipment) pairs and their lines; their ids, in the same order."""
    if not new:
        return []
    rows = [
        {
            **{name: getattr(shipment, name) for name in FIELDS},
            "order_id": order_id,
            "store_id": store_id,
            "date_added": now,
        }
        for order_id, shipment in new
    ]
    ids = [int(i) for i in conn.execute(_INSERT_SHIPMENTS, rows).scalars()]
    lines = []
    for shipment_id, (_order_id, shipment) in zip(ids, new, strict=True):
        merged: dict[int, int] = {}
        for line in shipment.lines:
            merged[line.order_item_id] = merged.get(line.order_item_id, 0) + line.quantity
        lines += [
            {"shipment_id": shipment_id, "order_item_id": item_id, "quantity": qty}
            for item_id, qty in merged.items()
        ]
    if lines:
        conn.execute(_INSERT_LINES, lines)
    return ids


def get(conn: Connection, store_id: int, order_id: int, shipment_id: int) -> Shipment:
    for shipment in list_for_order(conn, store_id, order_id):
        if shipment.id == shipment_id:
            return shipment
    raise NotFound(f"Shipment {shipment_id} not found")


def list_for_order(conn: Connection, store_id: int, order_id: int) -> list[Shipment]:
    if not order_exists(conn, store_id, order_id):
        raise NotFound(f"Order {order_id} not found")
    return load_for_orders(conn, [order_id]).get(order_id, [])


def replace_fields(conn: Connection, order_id: int, shipment_id: int, shipment: Shipment) -> None:
    """The writable fields; the items a shipment covers stay as they were."""
    changed = conn.execute(
        update(shipments)
        .where(shipments.c.id == shipment_id, shipments.c.order_id == order_id)
        .values(**{name: getattr(shipment, name) for name in FIELDS})
    ).rowcount
    if not changed:
        raise NotFound(f"Shipment {shipment_id} not found")


def remove(conn: Connection, order_id: int, shipment_id: int) -> None:
    conn.execute(delete(shipment_items).where(shipment_items.c.shipment_id == shipment_id))
    removed = conn.execute(
        delete(shipments).where(shipments.c.id == shipment_id, shipments.c.order_id == order_id)
    ).rowcount
    if not removed:
        raise NotFound(f"Shipment {shipment_id} not found")
