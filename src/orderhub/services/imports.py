"""Bulk import: a batch of prepared orders in one transaction (see storage/bulk.py), with
an `order.created` event for each order imported unless the operator asks for none, and the
store's `order.created` rules run set-wise over the batch unless asked not to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from orderhub.domain.channel import Channel
from orderhub.domain.stores import Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.services.transaction import write
from orderhub.storage import bulk
from orderhub.storage.database import Database

ATTEMPTS = 3


def import_batch(
    db: Database,
    store: Store,
    batch: Sequence[bulk.PreparedOrder],
    *,
    channel: Channel,
    publish_events: bool = True,
    run_rules: bool = True,
) -> bulk.BatchResult:
    """Duplicates are skipped and reported. If a concurrent writer wins a race on a source
    id, the unique index refuses the batch; it is retried and the pre-check then sees the
    winner."""
    for attempt in range(ATTEMPTS):
        try:
            with write(db, store) as (conn, store):
                result = bulk.import_batch(conn, store.id, batch, channel=channel)
                if publish_events:
                    created = [OrderEvent(events.ORDER_CREATED, i) for i in result.imported]
                    events.publish_all(conn, store, created, rules=run_rules)
                elif run_rules and result.imported:
                    events.run_rules(conn, store, events.ORDER_CREATED, result.imported, {})
            return result
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def refresh_statistics(db: Database) -> None:
    """The planner's statistics, as a large import goes (see `bulk.refresh_statistics`)."""
    with db.write() as conn:
        bulk.refresh_statistics(conn)


def settle_after_import(db: Database) -> None:
    """Once an import is done (see `bulk.settle_after_import`)."""
    bulk.settle_after_import(db)
