"""Print-on-demand status notifications (docs/pod.md): the subscriber of order events queues
one, inside the change's transaction, when the store has a notification URL; the notifier
(outbound/notifier.py) claims and sends them after commit and settles each try here."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection

from orderhub.domain.stores import Store
from orderhub.services.events import (
    ORDER_CANCELED,
    ORDER_MOVED,
    ORDER_UPDATED,
    SHIPMENT_CREATED,
    OrderEvent,
    Subscription,
)
from orderhub.storage import notifications
from orderhub.storage.claims import Room
from orderhub.storage.database import Database

# Print-on-demand clients hear of every change of an order they can see, as "updated", and of
# shipments, as "shipped" (docs/pod.md); creation is the answer to their own request.
KINDS = {
    ORDER_UPDATED: "updated",
    ORDER_MOVED: "updated",
    ORDER_CANCELED: "updated",
    SHIPMENT_CREATED: "shipped",
}


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    url = store.settings.get("pod_notification_url")
    kind = KINDS.get(event.name)
    if event.name == ORDER_MOVED and event.data.get("cause"):
        kind = None  # a move that follows from another event (a shipment) is told by that one
    if url and kind:
        notifications.enqueue(conn, store.id, event.order_id, kind, str(url))


SUBSCRIPTION = Subscription(
    on_order_event,
    interest=lambda _conn, store, name: bool(
        store.settings.get("pod_notification_url") and name in KINDS
    ),
)


def claim_due(
    db: Database, *, limit: int, lease: timedelta, busy: Collection[int], room: Room
) -> list[notifications.Pending]:
    """Take due notifications for `lease`, oldest first (storage/notifications.py)."""
    with db.write() as conn:
        return notifications.claim_due(conn, limit=limit, lease=lease, busy=busy, room=room)


def delivered(db: Database, row_id: int, status: int, body: bytes) -> None:
    with db.write() as conn:
        notifications.delivered(conn, row_id, status, body)


def failed_attempt(
    db: Database, row_id: int, *, status: int | None, error: str, retry_at: datetime | None
) -> None:
    """Another try at `retry_at`, or none when it is None (failed for good)."""
    with db.write() as conn:
        notifications.failed_attempt(conn, row_id, status=status, error=error, retry_at=retry_at)
