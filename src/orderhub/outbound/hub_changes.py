"""What forwarding changes on the hub's own orders: the supplier's order id in the order's
metadata, history entries, moves to the "at supplier" and "forwarding failed" folders, and
the shipment the supplier reports. Each goes through the service that any other door uses
(`Channel.forwarder`), so it is recorded, announced (webhooks, print-on-demand
notifications) and followed (a full shipment moves the order to Shipped) alike; history
names the supplier as its source."""

from __future__ import annotations

import logging

from orderhub.domain.channel import Channel
from orderhub.domain.errors import DuplicateShipment, OrderhubError
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.stores import Store
from orderhub.services import moves, order_updates, orders, shipments
from orderhub.services.order_updates import OrderChanges
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.suppliers import Supplier

log = logging.getLogger("orderhub.forwarder")


def _store(db: Database, supplier: Supplier) -> Store:
    with db.read() as conn:
        return stores.get_store(conn, supplier.store_id)


def _channel(supplier: Supplier) -> Channel:
    return Channel.forwarder(supplier.name)


def note(db: Database, supplier: Supplier, order_id: int, text: str) -> None:
    orders.add_note(db, _store(db, supplier), order_id, text[:2000], channel=_channel(supplier))


def _move(db: Database, supplier: Supplier, order_id: int, folder_id: int | None) -> None:
    if folder_id is None:
        return
    try:
        moves.move_orders(
            db, _store(db, supplier), [order_id], folder_id=folder_id, channel=_channel(supplier)
        )
    except OrderhubError as exc:  # the folder was deleted since the supplier was set up
        log.warning("order %s not moved to folder %s: %s", order_id, folder_id, exc)


def record_forwarded(
    db: Database,
    supplier: Supplier,
    order_id: int,
    supplier_order_id: str,
    external_id: str,
    unsent: str = "",
) -> None:
    """History and folder first, the metadata last: once an order shows its supplier order
    id, everything about its forwarding is recorded. `unsent` names the items the supplier
    did not get (an order is never half-forwarded silently)."""
    note(
        db, supplier, order_id,
        f"Forwarded to {supplier.name}: their order {supplier_order_id} "
        f"(external_id {external_id})" + (f"; not sent: {unsent}" if unsent else ""),
    )  # fmt: skip
    _move(db, supplier, order_id, supplier.at_supplier_folder_id)
    # Merged into the order as it is at the time of the write (one transaction), so a desk
    # edit saved meanwhile is kept.
    changes = OrderChanges(
        metadata={"supplier_order_id": supplier_order_id, "supplier_name": supplier.name},
        note=f"Supplier order id {supplier_order_id} recorded",
    )
    order_updates.update_order(
        db, _store(db, supplier), order_id, changes, expected_revision=None,
        channel=_channel(supplier),
    )  # fmt: skip


def record_failed(db: Database, supplier: Supplier, order_id: int, error: str) -> None:
    note(db, supplier, order_id, f"Forwarding to {supplier.name} failed: {error}")
    _move(db, supplier, order_id, supplier.failed_folder_id)


def add_shipment(
    db: Database, supplier: Supplier, order_id: int, shipment: Shipment, lines: list[LineRequest]
) -> bool:
    """False when the order already has this tracking number (a repeated report), or when
    the shipment cannot be recorded (the reason goes into the order's history)."""
    try:
        shipments.add_shipment(
            db, _store(db, supplier), order_id, shipment, lines, channel=_channel(supplier)
        )
    except DuplicateShipment:
        return False
    except OrderhubError as exc:
        note(db, supplier, order_id, f"Shipment {shipment.tracking_number} not recorded: {exc}")
        return False
    return True
