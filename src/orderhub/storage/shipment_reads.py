"""Reading shipments (with their lines) for a set of orders: kept apart from `shipments.py`
(which checks orders through `orders/load.py`) because order hydration reads them too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from orderhub.domain.fulfilment import Shipment, ShipmentLine
from orderhub.storage.shipment_tables import shipment_items, shipments

FIELDS = (
    "tracking_number", "carrier_code", "shipment_method", "weight", "cost", "status",
    "tracking_url", "label_format", "label_image", "print_status", "cart_shipment_id",
    "label_shipment_id", "date_shipped",
)  # fmt: skip

_SHIPMENTS_BY_ORDER_IDS = (
    select(shipments)
    .where(shipments.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(shipments.c.order_id, shipments.c.id)
)
_LINES_BY_SHIPMENT_IDS = select(shipment_items).where(
    shipment_items.c.shipment_id.in_(bindparam("p_ids", expanding=True))
)


def load_for_orders(conn: Connection, order_ids: Sequence[int]) -> dict[int, list[Shipment]]:
    """Shipments (with their lines) for many orders, two queries in all."""
    by_order: dict[int, list[Shipment]] = {}
    if not order_ids:
        return by_order
    rows = conn.execute(_SHIPMENTS_BY_ORDER_IDS, {"p_ids": list(order_ids)}).all()
    if not rows:
        return by_order
    by_id: dict[int, Shipment] = {}
    for row in rows:
        shipment = _row_to_shipment(row)
        by_id[row.id] = shipment
        by_order.setdefault(row.order_id, []).append(shipment)
    for line in conn.execute(_LINES_BY_SHIPMENT_IDS, {"p_ids": list(by_id)}):
        by_id[line.shipment_id].lines.append(ShipmentLine(line.order_item_id, line.quantity))
    return by_order


def _row_to_shipment(row: Any) -> Shipment:
    mapping = row._mapping
    return Shipment(
        **{name: mapping[name] for name in FIELDS},
        id=row.id,
        order_id=row.order_id,
        store_id=row.store_id,
        date_added=row.date_added,
    )
