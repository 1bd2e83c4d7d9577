"""What forwarding changes on the hub's own orders: the supplier's order id in the order's
metadata, history entries, moves to the "at supplier" and "forwarding failed" folders, and
the shipment the supplier reports. Each change is made the way any other door makes it, so
it is recorded, announced and notified alike; history names the supplier as its source."""

from __future__ import annotations

from orderhub.domain.errors import Conflict, NotFound, OrderhubError
from orderhub.domain.fulfilment import Shipment
from orderhub.storage import folders as folder_repo
from orderhub.storage import orders as order_repo
from orderhub.storage import shipments as shipment_repo
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.suppliers import Supplier

SURFACE = "forwarder"


def _source(supplier: Supplier) -> str:
    return f"Supplier {supplier.name}"[:100]


def note(db: Database, supplier: Supplier, order_id: int, text: str) -> None:
    with db.write() as conn:
        order_repo.add_history_note(
            conn, supplier.store_id, order_id, text, _source(supplier), surface=SURFACE
        )


def _move(db: Database, supplier: Supplier, order_id: int, folder_id: int | None) -> None:
    if folder_id is None:
        return
    with db.write() as conn:
        folder = stores.find_folder(conn, supplier.store_id, folder_id=folder_id)
        if folder is not None:
            folder_repo.move_orders(conn, supplier.store_id, [order_id], folder, surface=SURFACE)


def record_forwarded(
    db: Database, supplier: Supplier, order_id: int, supplier_order_id: str, external_id: str
) -> None:
    with db.write() as conn:
        found = order_repo.load_orders(conn, supplier.store_id, [order_id], with_history=False)
        if not found:
            raise NotFound(f"Order {order_id} not found")
        order = found[0]
        metadata = order.order_metadata if isinstance(order.order_metadata, dict) else {}
        order.order_metadata = {
            **metadata, "supplier_order_id": supplier_order_id, "supplier_name": supplier.name,
        }  # fmt: skip
        order_repo.replace_order(conn, supplier.store_id, order_id, order, surface=SURFACE)
    note(
        db, supplier, order_id,
        f"Forwarded to {supplier.name}: their order {supplier_order_id} "
        f"(external_id {external_id})",
    )  # fmt: skip
    _move(db, supplier, order_id, supplier.at_supplier_folder_id)


def record_failed(db: Database, supplier: Supplier, order_id: int, error: str) -> None:
    note(db, supplier, order_id, f"Forwarding to {supplier.name} failed: {error}"[:2000])
    _move(db, supplier, order_id, supplier.failed_folder_id)


def add_shipment(db: Database, supplier: Supplier, order_id: int, shipment: Shipment) -> bool:
    """False when the order already has this tracking number (a repeated report), or when
    the shipment cannot be recorded (the reason goes into the order's history)."""
    try:
        with db.write() as conn:
            shipment_repo.create(conn, supplier.store_id, order_id, shipment, surface=SURFACE)
    except Conflict:
        return False
    except OrderhubError as exc:
        note(db, supplier, order_id, f"Shipment {shipment.tracking_number} not recorded: {exc}")
        return False
    return True
