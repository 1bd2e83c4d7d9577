"""Order events, published inside the transaction of the change they announce (a
transactional outbox): a committed change always has its events, a rolled-back one never.

Every service publishes here; the subscribers below turn an event into outbound rows
(print-on-demand notifications, webhook deliveries, forwarding jobs) that workers deliver
after commit. A subscriber must be cheap when the store has nothing subscribed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from orderhub.outbound import webhooks
from orderhub.storage import notifications, suppliers
from orderhub.storage.stores import Store

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
# data: from_folder_id, from_folder, to_folder_id, to_folder
ORDER_MOVED = "order.moved"
ORDER_CANCELED = "order.canceled"
# data: shipment_id
SHIPMENT_CREATED = "shipment.created"
EVENTS = (ORDER_CREATED, ORDER_UPDATED, ORDER_MOVED, ORDER_CANCELED, SHIPMENT_CREATED)


@dataclass(frozen=True)
class OrderEvent:
    name: str
    order_id: int
    data: Mapping[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Connection, Store, OrderEvent], None]

# Print-on-demand clients hear of every change of an order they can see, as "updated", and of
# shipments, as "shipped" (docs/pod.md); creation is the answer to their own request.
_POD_NOTIFICATIONS = {
    ORDER_UPDATED: "updated",
    ORDER_MOVED: "updated",
    ORDER_CANCELED: "updated",
    SHIPMENT_CREATED: "shipped",
}


def _pod_notification(conn: Connection, store: Store, event: OrderEvent) -> None:
    url = store.settings.get("pod_notification_url")
    kind = _POD_NOTIFICATIONS.get(event.name)
    if event.name == ORDER_MOVED and event.data.get("cause"):
        kind = None  # a move that follows from another event (a shipment) is told by that one
    if url and kind:
        notifications.enqueue(conn, store.id, event.order_id, kind, str(url))


def _forwarding_job(conn: Connection, store: Store, event: OrderEvent) -> None:
    """An order arriving in a supplier's folder, moved or created there, is queued for it."""
    if event.name == ORDER_MOVED and event.data.get("to_folder_id") is not None:
        suppliers.queue_arrivals(conn, store.id, event.order_id, int(event.data["to_folder_id"]))
    elif event.name == ORDER_CREATED:
        suppliers.queue_arrivals(conn, store.id, event.order_id, event.data.get("folder_id"))


SUBSCRIBERS: tuple[Subscriber, ...] = (
    _pod_notification,
    webhooks.on_order_event,
    _forwarding_job,
)


def publish(conn: Connection, store: Store, event: OrderEvent) -> None:
    for subscriber in SUBSCRIBERS:
        subscriber(conn, store, event)
