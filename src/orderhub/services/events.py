"""Order events, published inside the transaction of the change they announce (a
transactional outbox): a committed change always has its events, a rolled-back one never.

Every service publishes here. The bus knows no subscriber by name: the app's composition
(`orderhub/composition.py`, run by `create_app`, by every CLI command and by the tests)
registers them at start-up — the outbox writers (print-on-demand notifications, webhook
deliveries, forwarding jobs, emails) and the store's rules — so every door fires the same
ones. A subscriber must be cheap when the store has nothing subscribed.
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
from orderhub.domain.stores import Store


@dataclass(frozen=True)
class OrderEvent:
    name: str
    order_id: int
    data: Mapping[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Connection, Store, OrderEvent], None]
# For events published by the thousand (a bulk import): whether a subscriber would act at
# all on an event of this name for this store, asked once per batch instead of per event.
Interest = Callable[[Connection, Store, str], bool]
# The store's rules for an event on some orders; whether a rule changed one.
RuleRunner = Callable[..., bool]


@dataclass(frozen=True)
class Subscription:
    """A subscriber, with what lets the bus skip it: `interest` (see `Interest`), and
    `has_targets`, where the store read of a write transaction says whether the store has
    anything it delivers to (None: not known, so the subscriber looks)."""

    deliver: Subscriber
    interest: Interest | None = None
    has_targets: Callable[[Store], bool | None] | None = None

    def skipped_for(self, store: Store) -> bool:
        return self.has_targets is not None and self.has_targets(store) is False


@dataclass(frozen=True)
class _Registry:
    subscriptions: tuple[Subscription, ...]
    rules: RuleRunner


_registry: _Registry | None = None


def register(subscriptions: Sequence[Subscription], *, rules: RuleRunner) -> None:
    """Set the subscribers and the rule runner (the composition's call). Replaces what was
    registered, so composing twice in one process is harmless."""
    global _registry
    _registry = _Registry(tuple(subscriptions), rules)


def _unregistered() -> _Registry:
    # A door that forgot the composition would lose every event: it fails instead.
    raise RuntimeError("no event subscribers: call orderhub.composition.compose() first")


def subscriptions() -> tuple[Subscription, ...]:
    return (_registry or _unregistered()).subscriptions


def publish(
    conn: Connection, store: Store, event: OrderEvent, *, order: Order | None = None
) -> bool:
    """Hand the event to every subscriber, then run the store's rules for it (in this
    transaction, before the change answers). `order`: the order as it stands now, when the
    caller holds it (a create), so rules need not read it. Whether a rule changed the
    order: a caller that answers with the order it holds reads it again then."""
    for subscription in (_registry or _unregistered()).subscriptions:
        if not subscription.skipped_for(store):
            subscription.deliver(conn, store, event)
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
        # The common case, decided without a query. Rules run for events published with
        # the store a write transaction read (`services/transaction.write`, as every
        # service does); a store read elsewhere does not say, and runs none.
        return False
    return (_registry or _unregistered()).rules(conn, store, name, order_ids, data, known=known)


def publish_all(
    conn: Connection, store: Store, batch: Sequence[OrderEvent], *, rules: bool = True
) -> None:
    """Many events at once: each subscriber that has nothing to do for this store is skipped
    after one question, so a bulk import pays per batch, not per order; the rules run
    set-wise (compiled once, the orders loaded together), unless `rules` is False."""
    names = {event.name for event in batch}
    for subscription in (_registry or _unregistered()).subscriptions:
        if subscription.skipped_for(store):
            continue
        interested = subscription.interest
        if interested is not None and not any(interested(conn, store, n) for n in names):
            continue
        for event in batch:
            subscription.deliver(conn, store, event)
    if rules:
        for name in sorted(names):
            order_ids = [event.order_id for event in batch if event.name == name]
            run_rules(conn, store, name, order_ids, {})
