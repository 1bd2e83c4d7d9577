"""Tracking back: what a supplier says about an order it has (polled, or notified) becomes
history on the hub's order, and a shipment once the supplier has shipped it.

The supplier's order counts as shipped when it carries a tracking number or the status
`shipped`. The shipment covers the items that were forwarded (the rest of the order stays
unshipped); its carrier is guessed from the tracking number and its date is the supplier's
`shipped_at` (or `shiped_at`). Applying the same report twice changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.outbound import hub_changes
from orderhub.services import forwarding
from orderhub.storage import forwarding_jobs
from orderhub.storage.database import Database
from orderhub.storage.forwarding_jobs import Job
from orderhub.storage.suppliers import Supplier

log = logging.getLogger("orderhub.forwarder")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _shipping(order: dict[str, Any]) -> dict[str, Any]:
    shipping = order.get("shipping")
    return shipping if isinstance(shipping, dict) else {}


def is_shipped(order: dict[str, Any]) -> bool:
    shipping = _shipping(order)
    return bool(_text(shipping.get("trackingNumber"))) or _text(order.get("status")) == "shipped"


def shipment_of(order: dict[str, Any], job: Job) -> Shipment:
    shipping = _shipping(order)
    number = _text(shipping.get("trackingNumber"))[:100] or "N/A"
    shipped_at = _text(shipping.get("shipped_at") or shipping.get("shiped_at"))
    return Shipment(
        tracking_number=number,
        shipment_method=_text(shipping.get("shippingMethod"))[:100],
        date_shipped=shipped_at[:10] if len(shipped_at) >= 10 else "",
    )


def apply(db: Database, supplier: Supplier, job: Job, order: dict[str, Any]) -> None:
    """Bring the hub order up to what the supplier reports for it."""
    with db.read() as conn:
        current = forwarding_jobs.get_job(conn, job.id)
    if current is None or current.status != forwarding_jobs.SENT:
        return
    status = _text(order.get("status"))[:40]
    if status and status != current.last_status:
        forwarding.record_supplier_status(db, job.id, status)
        hub_changes.note(
            db, supplier, job.order_id,
            f"At {supplier.name}, order {current.supplier_order_id} is now {status}",
        )  # fmt: skip
    if _text(order.get("deleted")).lower() == "true":
        forwarding.finish(db, job.id, forwarding_jobs.CANCELED)
        hub_changes.note(
            db, supplier, job.order_id,
            f"{supplier.name} cancelled their order {current.supplier_order_id}",
        )  # fmt: skip
        return
    if is_shipped(order):
        shipment = shipment_of(order, current)
        lines = [LineRequest(quantity, item_id=item_id) for item_id, quantity in current.lines]
        added = hub_changes.add_shipment(db, supplier, job.order_id, shipment, lines)
        forwarding.finish(db, job.id, forwarding_jobs.SHIPPED)
        if not added:
            log.info("order %s: shipment %s was already recorded", job.order_id, shipment)
