"""Webhook deliveries: the subscriber of order events queues, inside the change's
transaction, one delivery row per active endpoint of the store subscribed to the event (one
indexed query when the store has none); outbound/worker.py claims and sends the rows after
commit (rendered by outbound/webhooks.py) and settles each attempt here."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection

from orderhub.domain.stores import Store
from orderhub.services.events import OrderEvent, Subscription
from orderhub.storage import webhooks
from orderhub.storage.claims import Room
from orderhub.storage.database import Database


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    """Queue the event for every subscribed endpoint of the store."""
    endpoint_ids = webhooks.subscribed_endpoint_ids(conn, store.id, event.name)
    if endpoint_ids:
        webhooks.enqueue(conn, store.id, endpoint_ids, event.name, event.order_id, event.data)


SUBSCRIPTION = Subscription(
    on_order_event,
    interest=lambda conn, store, name: bool(webhooks.subscribed_endpoint_ids(conn, store.id, name)),
    has_targets=lambda store: store.has_webhooks,
)


def claim_due(
    db: Database, *, limit: int, lease: timedelta, busy: Collection[int], room: Room
) -> list[webhooks.Claimed]:
    """Take due deliveries for `lease`, one per (endpoint, order) (storage/webhooks.py)."""
    with db.write() as conn:
        return webhooks.claim_due(conn, limit=limit, lease=lease, busy=busy, room=room)


def record_attempt(
    db: Database,
    row_id: int,
    attempt: webhooks.Attempt,
    *,
    delivered: bool,
    retry_at: datetime | None,
) -> None:
    """Log the attempt and settle the row: delivered, due again at `retry_at`, or failed."""
    with db.write() as conn:
        webhooks.record_attempt(conn, row_id, attempt, delivered=delivered, retry_at=retry_at)
