"""Shipments of an order in SQL. The caller holds the order's row lock (see
`orders.lock_order`), so two concurrent shipments can never together ship more than was
ordered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from orderhub.domain.errors import NotFound
from orderhub.domain.fulfilment import Shipment
from orderhub.storage.orders.load import order_exists
from orderhub.storage.shipment_rows import FIELDS, load_for_orders
from orderhub.storage.tables import order_items, shipment_items, shipments


def ordered_quantities(conn: Connection, order_id: int) -> dict[int, int]:
    rows = conn.execute(
        select(order_items.c.id, order_items.c.quantity).where(order_items.c.order_id == order_id)
    )
    return {row.id: row.quantity for row in rows}


def of_order(conn: Connection, order_id: int) -> list[Shipment]:
    return load_for_orders(conn, [order_id]).get(order_id, [])


def insert_shipment(
    conn: Connection, store_id: int, order_id: int, shipment: Shipment, now: datetime
) -> int:
    shipment_id = int(
        conn.execute(
            insert(shipments)
            .values(
                **{name: getattr(shipment, name) for name in FIELDS},
                order_id=order_id,
                store_id=store_id,
                date_added=now,
            )
            .returning(shipments.c.id)
        ).scalar_one()
    )
    if shipment.lines:
        merged: dict[int, int] = {}
        for line in shipment.lines:
            merged[line.order_item_id] = merged.get(line.order_item_id, 0) + line.quantity
        conn.execute(
            insert(shipment_items),
            [
                {"shipment_id": shipment_id, "order_item_id": item_id, "quantity": qty}
                for item_id, qty in merged.items()
            ],
        )
    return shipment_id


def get(conn: Connection, store_id: int, order_id: int, shipment_id: int) -> Shipment:
    for shipment in list_for_order(conn, store_id, order_id):
        if shipment.id == shipment_id:
            return shipment
    raise NotFound(f"Shipment {shipment_id} not found")


def list_for_order(conn: Connection, store_id: int, order_id: int) -> list[Shipment]:
    if not order_exists(conn, store_id, order_id):
        raise NotFound(f"Order {order_id} not found")
    return of_order(conn, order_id)


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
