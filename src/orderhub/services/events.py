"""Order events, published inside the transaction of the change they announce (a
transactional outbox): a committed change always has its events, a rolled-back one never.

Every service publishes here; the subscribers below turn an event into outbound rows
(print-on-demand notifications, webhook deliveries, forwarding jobs) that workers deliver
after commit. A subscriber must be cheap when the store has nothing subscribed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from orderhub.domain.events import (  # noqa: F401 (the names services publish by)
    EVENTS,
    ORDER_CANCELED,
    ORDER_CREATED,
    ORDER_MOVED,
    ORDER_UPDATED,
    SHIPMENT_CREATED,
)
from orderhub.domain.orders import Order
from orderhub.services import emails, webhook_deliveries
from orderhub.storage import forwarding_jobs, notifications
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage import webhooks as webhook_storage
from orderhub.storage.stores import Store


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
        forwarding_jobs.queue_arrivals(
            conn, store.id, event.order_id, int(event.data["to_folder_id"])
        )
    elif event.name == ORDER_CREATED:
        forwarding_jobs.queue_arrivals(conn, store.id, event.order_id, event.data.get("folder_id"))


SUBSCRIBERS: tuple[Subscriber, ...] = (
    _pod_notification,
    webhook_deliveries.on_order_event,
    _forwarding_job,
    emails.on_order_event,
)


# For events published by the thousand (a bulk import): whether a subscriber would act at
# all on an event of this name for this store, asked once per batch instead of per event.
Interest = Callable[[Connection, Store, str], bool]
_INTEREST: dict[Subscriber, Interest] = {
    _pod_notification: lambda _conn, store, name: bool(
        store.settings.get("pod_notification_url") and name in _POD_NOTIFICATIONS
    ),
    webhook_deliveries.on_order_event: lambda conn, store, name: bool(
        webhook_storage.subscribed_endpoint_ids(conn, store.id, name)
    ),
    _forwarding_job: lambda conn, store, _name: bool(
        supplier_storage.list_suppliers(conn, store.id)
    ),
    emails.on_order_event: lambda _conn, store, name: (
        name == SHIPMENT_CREATED and emails.confirms_shipments(store)
    ),
}


# Subscribers that deliver to something a store may not have, and where the store read of a
# write transaction says whether it has any (None: not known, so the subscriber looks).
_HAS_TARGETS: dict[Subscriber, Callable[[Store], bool | None]] = {
    webhook_deliveries.on_order_event: lambda store: store.has_webhooks,
    _forwarding_job: lambda store: store.has_suppliers,
}


def _has_nothing_to_deliver_to(subscriber: Subscriber, store: Store) -> bool:
    has_targets = _HAS_TARGETS.get(subscriber)
    return has_targets is not None and has_targets(store) is False


def publish(
    conn: Connection, store: Store, event: OrderEvent, *, order: Order | None = None
) -> bool:
    """Hand the event to every subscriber, then run the store's rules for it (in this
    transaction, before the change answers). `order`: the order as it stands now, when the
    caller holds it (a create), so rules need not read it. Whether a rule changed the
    order: a caller that answers with the order it holds reads it again then."""
    for subscriber in SUBSCRIBERS:
        if not _has_nothing_to_deliver_to(subscriber, store):
            subscriber(conn, store, event)
    return run_rules(conn, store, event.name, [event.order_id], dict(event.data), known=order)


def run_rules(
    conn: Connection,
    store: Store,
    name: str,
    order_ids: list[int],
    data: dict[str, Any],
    *,
    known: Order | None = None,
) -> bool:
    """The store's rules for an event on these orders (services/rule_runner.py)."""
    if not store.rule_events or name not in store.rule_events:
        # The common case, decided without a query or an import. Rules run for events
        # published with the store a write transaction read (`services/transaction.write`,
        # as every service does); a store read elsewhere does not say, and runs none.
        return False
    from orderhub.services import rule_runner  # rules call services, which publish here

    return rule_runner.on_events(conn, store, name, order_ids, data, known=known)


def publish_all(
    conn: Connection, store: Store, batch: Sequence[OrderEvent], *, rules: bool = True
) -> None:
    """Many events at once: each subscriber that has nothing to do for this store is skipped
    after one question, so a bulk import pays per batch, not per order; the rules run
    set-wise (compiled once, the orders loaded together), unless `rules` is False."""
    names = {event.name for event in batch}
    for subscriber in SUBSCRIBERS:
        if _has_nothing_to_deliver_to(subscriber, store):
            continue
        interested = _INTEREST.get(subscriber)
        if interested is not None and not any(interested(conn, store, n) for n in names):
            continue
        for event in batch:
            subscriber(conn, store, event)
    if rules:
        for name in sorted(names):
            order_ids = [event.order_id for event in batch if event.name == name]
            run_rules(conn, store, name, order_ids, {})
