"""The webhook subscriber of order events: inside the change's transaction it queues one
delivery row per active endpoint of the store subscribed to the event (one indexed query
when the store has none). outbound/worker.py sends the rows after commit, rendered by
outbound/webhooks.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from orderhub.storage import webhooks
from orderhub.storage.stores import Store

if TYPE_CHECKING:
    from orderhub.services.events import OrderEvent


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    """Queue the event for every subscribed endpoint of the store (an `events.SUBSCRIBERS`
    entry)."""
    endpoint_ids = webhooks.subscribed_endpoint_ids(conn, store.id, event.name)
    if endpoint_ids:
        webhooks.enqueue(conn, store.id, endpoint_ids, event.name, event.order_id, event.data)
