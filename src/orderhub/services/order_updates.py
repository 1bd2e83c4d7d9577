"""Partial updates of an order: only the fields given change, read and written in one
transaction under the order's lock, so nothing another writer saved in between is lost.

A caller that showed the order to someone passes the revision it showed
(`expected_revision`); if the order changed since, the save is refused with `StaleEdit`
(who changed it last and when, from the history) and nothing is written. A caller with no
such view (the forwarder recording a supplier's order id) passes None and merges into the
order as it is now. Every update writes its history entry and publishes `order.updated`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput, StaleEdit
from orderhub.domain.limits import ADDRESS_WIDTH
from orderhub.domain.orders import SHIPPING_ADDRESS_FIELDS
from orderhub.domain.stores import Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.transaction import write
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database
from orderhub.storage.orders import partial


@dataclass(frozen=True)
class OrderChanges:
    """`shipping`: the address fields to set (the others stay); `metadata`: keys to set in
    the order's metadata (the others stay)."""

    shipping: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    note: str = "Order updated"


def _check(changes: OrderChanges) -> None:
    for name, value in changes.shipping.items():
        if name not in SHIPPING_ADDRESS_FIELDS:
            raise InvalidInput(f"shipping: there is no address field {name!r}")
        if len(value) > ADDRESS_WIDTH:
            raise InvalidInput(f"shipping_{name}: at most {ADDRESS_WIDTH} characters")


def _named(address: Mapping[str, str]) -> bool:
    return bool(address.get("company") or (address.get("first_name") and address.get("last_name")))


def update_order_on(
    conn: Connection,
    store: Store,
    order_id: int,
    changes: OrderChanges,
    *,
    expected_revision: int | None,
    channel: Channel,
) -> int:
    """The inner form, on the caller's transaction. Returns the order's new revision."""
    _check(changes)
    order_storage.lock_order(conn, store.id, order_id)
    current = partial.parts(conn, store.id, order_id)
    if expected_revision is not None and current.revision != expected_revision:
        last = partial.last_change(conn, store.id, order_id)
        raise StaleEdit(f"Order {order_id}", last.by, last.at, str(current.revision))
    shipping = {**current.shipping, **changes.shipping} if changes.shipping else None
    if shipping is not None and not (_named(shipping) or _named(current.customer)):
        raise InvalidInput("shipping: an order needs a first and last name or a company")
    metadata = {**current.metadata, **changes.metadata} if changes.metadata else None
    now = utcnow()
    partial.set_columns(
        conn, store.id, order_id, shipping=dict(changes.shipping) if shipping else None,
        metadata=metadata, now=now,
    )  # fmt: skip
    order_storage.record_history(
        conn, store.id, order_id, changes.note, event="updated", channel=channel, now=now
    )
    events.publish(conn, store, OrderEvent(events.ORDER_UPDATED, order_id))
    return current.revision + 1


def update_order(
    db: Database,
    store: Store,
    order_id: int,
    changes: OrderChanges,
    *,
    expected_revision: int | None,
    channel: Channel,
) -> int:
    """The outer form: one write transaction around `update_order_on`."""
    with write(db, store) as (conn, current_store):
        return update_order_on(
            conn, current_store, order_id, changes, expected_revision=expected_revision,
            channel=channel,
        )  # fmt: skip
