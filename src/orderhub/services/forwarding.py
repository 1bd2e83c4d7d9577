"""Forwarding jobs (docs/outbound.md): queued by the order-event subscriber inside the change
that brought an order into a supplier's folder, then claimed and settled by the forwarder
(outbound/forwarder.py, outbound/tracking.py), each step in its own write transaction
opened here. What forwarding changes on the hub's orders goes through the order services
(outbound/hub_changes.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection

from orderhub.domain.dates import utcnow
from orderhub.domain.stores import Store
from orderhub.services.events import ORDER_CREATED, ORDER_MOVED, OrderEvent, Subscription
from orderhub.storage import forwarding_jobs
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.claims import Room
from orderhub.storage.database import Database
from orderhub.storage.forwarding_jobs import Job


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    """An order arriving in a supplier's folder, moved or created there, is queued for it."""
    if event.name == ORDER_MOVED and event.data.get("to_folder_id") is not None:
        forwarding_jobs.queue_arrivals(
            conn, store.id, event.order_id, int(event.data["to_folder_id"])
        )
    elif event.name == ORDER_CREATED:
        forwarding_jobs.queue_arrivals(conn, store.id, event.order_id, event.data.get("folder_id"))


SUBSCRIPTION = Subscription(
    on_order_event,
    interest=lambda conn, store, _name: bool(supplier_storage.list_suppliers(conn, store.id)),
    has_targets=lambda store: store.has_suppliers,
)


def claim_due(
    db: Database,
    *,
    limit: int,
    lease: timedelta,
    poll_every: timedelta,
    busy: Collection[int],
    room: Room,
    to_send: int,
) -> list[Job]:
    """Jobs to send within `to_send` (each leased and counted as a try), and jobs to poll
    for tracking (storage/suppliers.py `claim_due`)."""
    with db.write() as conn:
        return forwarding_jobs.claim_due(
            conn, limit=limit, lease=lease, poll_every=poll_every, busy=busy, room=room,
            to_send=to_send,
        )  # fmt: skip


def record_sent(
    db: Database, job_id: int, placed: tuple[str, str], lines: list[tuple[int, int]],
    *, poll_every: timedelta,
) -> None:  # fmt: skip
    """The supplier has the order, `placed` as (its order id, its status), with these
    (item id, quantity) lines: polled for tracking every `poll_every` from now on."""
    supplier_order_id, status = placed
    with db.write() as conn:
        forwarding_jobs.mark_sent(
            conn, job_id, supplier_order_id=supplier_order_id, lines=lines,
            last_status=status[:40], next_poll=utcnow() + poll_every,
        )  # fmt: skip


def schedule_retry(db: Database, job_id: int, *, error: str, retry_at: datetime) -> None:
    """A try whose outcome is unknown: in doubt, so the next one looks at the supplier first."""
    with db.write() as conn:
        forwarding_jobs.mark_retry(conn, job_id, error=error, retry_at=retry_at, in_doubt=True)


def finish(
    db: Database, job_id: int, status: str, *, error: str = "", in_doubt: bool = False
) -> None:
    """failed, skipped, shipped or canceled: the forwarder leaves the job alone from now on."""
    with db.write() as conn:
        forwarding_jobs.mark_final(conn, job_id, status, error=error, in_doubt=in_doubt)


def record_supplier_status(db: Database, job_id: int, status: str) -> None:
    """What the supplier last said its order's status is."""
    with db.write() as conn:
        forwarding_jobs.set_last_status(conn, job_id, status)
