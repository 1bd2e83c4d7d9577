"""Partial writes of an order's own columns: the revision a save is checked against, the
last history entry (who changed the order last, and when), the few columns a partial
update reads, and the UPDATE of just the columns given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from orderhub.domain.errors import NotFound
from orderhub.domain.orders import ADDRESS_FIELDS, SHIPPING_ADDRESS_FIELDS
from orderhub.domain.values import dumps_php, loads_map
from orderhub.storage.tables import order_history, orders

_PARTS = select(
    orders.c.revision,
    orders.c.order_metadata,
    *(orders.c[f"shipping_{f}"] for f in SHIPPING_ADDRESS_FIELDS),
    *(orders.c[f"customer_{f}"] for f in ADDRESS_FIELDS),
).where(orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id"))
_LAST_CHANGE = (
    select(order_history.c.source_name, order_history.c.date_added, order_history.c.note)
    .where(
        order_history.c.order_id == bindparam("p_order_id"),
        order_history.c.store_id == bindparam("p_store_id"),
    )
    .order_by(order_history.c.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class OrderParts:
    """What a partial update of an order reads: its revision and the fields it may change."""

    revision: int
    shipping: dict[str, str]
    customer: dict[str, str]
    metadata: dict[str, Any]


@dataclass(frozen=True)
class LastChange:
    by: str
    at: datetime | None
    note: str


def parts(conn: Connection, store_id: int, order_id: int) -> OrderParts:
    row = conn.execute(_PARTS, {"p_order_id": order_id, "p_store_id": store_id}).first()
    if row is None:
        raise NotFound(f"Order {order_id} not found")
    mapping = row._mapping
    return OrderParts(
        revision=int(row.revision),
        shipping={f: mapping[f"shipping_{f}"] for f in SHIPPING_ADDRESS_FIELDS},
        customer={f: mapping[f"customer_{f}"] for f in ADDRESS_FIELDS},
        metadata=loads_map(row.order_metadata),
    )


def last_change(conn: Connection, store_id: int, order_id: int) -> LastChange:
    row = conn.execute(_LAST_CHANGE, {"p_order_id": order_id, "p_store_id": store_id}).first()
    if row is None:
        return LastChange("", None, "")
    return LastChange(row.source_name, row.date_added, row.note)


def set_columns(
    conn: Connection,
    store_id: int,
    order_id: int,
    *,
    shipping: dict[str, str] | None,
    metadata: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Write only the given parts: the shipping columns named, the whole metadata map."""
    values: dict[str, Any] = {"date_updated": now}
    for name, value in (shipping or {}).items():
        values[f"shipping_{name}"] = value
    if metadata is not None:
        values["order_metadata"] = dumps_php(metadata)
    conn.execute(
        update(orders).where(orders.c.id == order_id, orders.c.store_id == store_id), values
    )
