"""Shipments of an order, partial or whole. The order row is locked first, so two
concurrent shipments can never together ship more than was ordered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from orderhub.domain.carriers import canonical_carrier, guess_carrier, tracking_url
from orderhub.domain.errors import Conflict, NotFound
from orderhub.domain.fulfilment import Shipment, check_lines, fulfilment_status
from orderhub.storage import notifications
from orderhub.storage.orders import lock_order, order_exists, record_history
from orderhub.storage.shipment_rows import FIELDS as _FIELDS
from orderhub.storage.shipment_rows import load_for_orders
from orderhub.storage.stores import find_folder_by_status, utcnow
from orderhub.storage.tables import folders, order_items, orders, shipment_items, shipments


def _ordered(conn: Connection, order_id: int) -> dict[int, int]:
    rows = conn.execute(
        select(order_items.c.id, order_items.c.quantity).where(order_items.c.order_id == order_id)
    )
    return {row.id: row.quantity for row in rows}


def fill_defaults(shipment: Shipment) -> None:
    """Carrier guessed from the number, tracking URL built from both, date today (UTC)."""
    if not shipment.carrier_code:
        shipment.carrier_code = guess_carrier(shipment.tracking_number)
    else:
        shipment.carrier_code = canonical_carrier(shipment.carrier_code)
    if not shipment.tracking_url:
        shipment.tracking_url = tracking_url(shipment.carrier_code, shipment.tracking_number)
    if not shipment.date_shipped:
        shipment.date_shipped = utcnow().date().isoformat()


def create(
    conn: Connection, store_id: int, order_id: int, shipment: Shipment, *, surface: str
) -> int:
    lock_order(conn, store_id, order_id)
    existing = load_for_orders(conn, [order_id]).get(order_id, [])
    number = shipment.tracking_number.strip()
    if number.lower() != "n/a" and any(s.tracking_number == number for s in existing):
        raise Conflict("Shipment Not Added")
    check_lines(_ordered(conn, order_id), existing, shipment.lines)
    fill_defaults(shipment)
    now = utcnow()
    shipment_id = int(
        conn.execute(
            insert(shipments)
            .values(
                **{name: getattr(shipment, name) for name in _FIELDS},
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
    what = "part of the order" if shipment.lines else "the rest of the order"
    carrier = f"{shipment.carrier_code} " if shipment.carrier_code else ""
    record_history(
        conn, store_id, order_id,
        f"Shipment {shipment_id} added ({what}): {carrier}{shipment.tracking_number}",
        event="shipment", surface=surface, now=now,
    )  # fmt: skip
    _touch(conn, order_id, now)
    if fulfilment_status(_ordered(conn, order_id), [*existing, shipment]) == "fulfilled":
        _move_to_shipped(conn, store_id, order_id, surface=surface, now=now)
    notifications.enqueue(conn, store_id, order_id, "shipped")
    return shipment_id


def _move_to_shipped(
    conn: Connection, store_id: int, order_id: int, *, surface: str, now: Any
) -> None:
    """An order in a folder that stands for a print-on-demand status follows its shipping:
    once everything is shipped it moves to the folder that stands for `shipped`."""
    row = conn.execute(
        select(orders.c.folder_id, folders.c.pod_status, folders.c.name)
        .join(folders, folders.c.id == orders.c.folder_id)
        .where(orders.c.id == order_id)
    ).one()
    if row.pod_status is None or row.pod_status == "shipped":
        return
    shipped = find_folder_by_status(conn, store_id, "shipped")
    if shipped is None:
        return
    conn.execute(update(orders).where(orders.c.id == order_id).values(folder_id=shipped.id))
    record_history(
        conn, store_id, order_id, f"Moved from {row.name} to {shipped.name} (all items shipped)",
        event="move", surface=surface, now=now,
    )  # fmt: skip


def get(conn: Connection, store_id: int, order_id: int, shipment_id: int) -> Shipment:
    for shipment in list_for_order(conn, store_id, order_id):
        if shipment.id == shipment_id:
            return shipment
    raise NotFound(f"Shipment {shipment_id} not found")


def list_for_order(conn: Connection, store_id: int, order_id: int) -> list[Shipment]:
    if not order_exists(conn, store_id, order_id):
        raise NotFound(f"Order {order_id} not found")
    return load_for_orders(conn, [order_id]).get(order_id, [])


def replace(
    conn: Connection,
    store_id: int,
    order_id: int,
    shipment_id: int,
    shipment: Shipment,
    *,
    surface: str,
) -> None:
    """Full replacement of the writable fields; the items a shipment covers stay as they
    were (delete and re-add the shipment to change them)."""
    lock_order(conn, store_id, order_id)
    fill_defaults(shipment)
    changed = conn.execute(
        update(shipments)
        .where(shipments.c.id == shipment_id, shipments.c.order_id == order_id)
        .values(**{name: getattr(shipment, name) for name in _FIELDS})
    ).rowcount
    if not changed:
        raise NotFound(f"Shipment {shipment_id} not found")
    now = utcnow()
    record_history(
        conn, store_id, order_id, f"Shipment {shipment_id} updated: {shipment.tracking_number}",
        event="shipment", surface=surface, now=now,
    )  # fmt: skip
    _touch(conn, order_id, now)


def remove(
    conn: Connection, store_id: int, order_id: int, shipment_id: int, *, surface: str
) -> None:
    lock_order(conn, store_id, order_id)
    conn.execute(delete(shipment_items).where(shipment_items.c.shipment_id == shipment_id))
    removed = conn.execute(
        delete(shipments).where(shipments.c.id == shipment_id, shipments.c.order_id == order_id)
    ).rowcount
    if not removed:
        raise NotFound(f"Shipment {shipment_id} not found")
    now = utcnow()
    record_history(
        conn, store_id, order_id, f"Shipment {shipment_id} deleted",
        event="shipment", surface=surface, now=now,
    )  # fmt: skip
    _touch(conn, order_id, now)


def _touch(conn: Connection, order_id: int, now: Any) -> None:
    conn.execute(update(orders).where(orders.c.id == order_id).values(date_updated=now))
