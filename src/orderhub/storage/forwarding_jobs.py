"""Forwarding jobs: one order's way to one supplier (`storage/suppliers.py`).

A job is written in the transaction that put an order into a supplier's folder (see
`queue_arrivals`), so a committed arrival is always forwarded and a rolled-back one never.
The forwarder claims due jobs with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so a
job is worked by one process at a time and retried when a process dies mid-send.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, insert, select, update

from orderhub.domain.dates import utcnow
from orderhub.storage.claims import Room, admit
from orderhub.storage.supplier_tables import forwarding_jobs as jobs
from orderhub.storage.supplier_tables import suppliers
from orderhub.storage.tables import orders

PENDING, SENT, SHIPPED, FAILED, SKIPPED, CANCELED = (
    "pending", "sent", "shipped", "failed", "skipped", "canceled",
)  # fmt: skip


@dataclass(frozen=True)
class Job:
    id: int
    store_id: int
    supplier_id: int
    order_id: int
    status: str
    external_id: str
    supplier_order_id: str | None
    lines: list[tuple[int, int]]
    attempts: int
    in_doubt: bool
    last_status: str
    last_error: str
    next_attempt_at: datetime
    created_at: datetime


def _job(row: Any) -> Job:
    return Job(
        id=row.id, store_id=row.store_id, supplier_id=row.supplier_id, order_id=row.order_id,
        status=row.status, external_id=row.external_id, supplier_order_id=row.supplier_order_id,
        lines=[(int(a), int(b)) for a, b in orjson.loads(row.lines)], attempts=row.attempts,
        in_doubt=bool(row.in_doubt), last_status=row.last_status, last_error=row.last_error,
        next_attempt_at=row.next_attempt_at, created_at=row.created_at,
    )  # fmt: skip


def external_id(store_id: int, order_id: int) -> str:
    """The hub order's reference at the supplier: the same on every try, so a retry can
    find what an earlier, uncertain try created."""
    return f"hub-{store_id}-{order_id}"


def recent_jobs(
    conn: Connection, store_id: int, supplier_id: int, statuses: tuple[str, ...], limit: int
) -> list[Job]:
    """The supplier's newest jobs in these states (the desk's lists), at most `limit`."""
    rows = conn.execute(
        select(jobs)
        .where(
            jobs.c.store_id == store_id, jobs.c.supplier_id == supplier_id,
            jobs.c.status.in_(statuses),
        )
        .order_by(jobs.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [_job(row) for row in rows]


# Asked for every new or moved order: built once, so each compiles once.
_SUPPLIERS_OF_FOLDER = select(suppliers.c.id).where(
    suppliers.c.store_id == bindparam("p_store_id"),
    suppliers.c.folder_id == bindparam("p_folder_id"),
)
_SUPPLIERS_OF_ORDER_FOLDER = (
    select(suppliers.c.id)
    .where(suppliers.c.store_id == bindparam("p_store_id"))
    .join(orders, orders.c.folder_id == suppliers.c.folder_id)
    .where(orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id"))
)


def queue_arrivals(
    conn: Connection, store_id: int, order_id: int, folder_id: int | None = None
) -> int:
    """An order arrived in `folder_id` (by default the folder it is in): queue it for every
    supplier fed by that folder. A job that failed or was skipped is queued again (moving
    an order back in is a retry); one that is queued or already at the supplier is left
    alone. One indexed query when the folder feeds no supplier."""
    if folder_id is None:
        params = {"p_store_id": store_id, "p_order_id": order_id}
        supplier_ids = list(conn.execute(_SUPPLIERS_OF_ORDER_FOLDER, params).scalars())
    else:
        params = {"p_store_id": store_id, "p_folder_id": folder_id}
        supplier_ids = list(conn.execute(_SUPPLIERS_OF_FOLDER, params).scalars())
    for supplier_id in supplier_ids:
        existing = conn.execute(
            select(jobs.c.id, jobs.c.status).where(
                jobs.c.supplier_id == supplier_id, jobs.c.order_id == order_id
            )
        ).first()
        if existing is None:
            now = utcnow()
            conn.execute(
                insert(jobs).values(
                    store_id=store_id, supplier_id=supplier_id, order_id=order_id,
                    status=PENDING, external_id=external_id(store_id, order_id), lines="[]",
                    attempts=0, next_attempt_at=now, in_doubt=False, last_error="",
                    last_status="", created_at=now, updated_at=now,
                )
            )  # fmt: skip
        elif existing.status in (FAILED, SKIPPED):
            requeue(conn, existing.id)
    return len(supplier_ids)


def requeue(conn: Connection, job_id: int) -> None:
    """Send again from the start. The job stays in doubt if it was: a resend looks the order
    up at the supplier first."""
    now = utcnow()
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(status=PENDING, attempts=0, next_attempt_at=now, last_error="", updated_at=now)
    )


def claim_due(
    conn: Connection,
    *,
    limit: int,
    lease: timedelta,
    poll_every: timedelta,
    busy: Collection[int] = (),
    room: Room | None = None,
    to_send: int | None = None,
) -> list[Job]:
    """Jobs due now: pending ones to send (leased, counted as an attempt, and in doubt from
    now until the try ends with a known outcome) and sent ones to poll for tracking (next
    poll scheduled). The returned jobs carry the values from before the claim. Suppliers in
    `busy` are left out, each supplier takes at most `room(supplier_id)` pending jobs and
    all of them at most `to_send` (storage/claims.py; jobs to poll are polled together, a
    batch at a time)."""
    now = utcnow()
    selected = conn.execute(
        select(jobs)
        .where(
            jobs.c.status.in_((PENDING, SENT)), jobs.c.next_attempt_at <= now,
            *([jobs.c.supplier_id.not_in(busy)] if busy else []),
        )
        .order_by(jobs.c.next_attempt_at, jobs.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()  # fmt: skip
    admitted = admit(
        (r for r in selected if r.status == PENDING),
        lambda row: int(row.supplier_id), room, to_send,
    )  # fmt: skip
    sending = {r.id for r in admitted}
    rows = [r for r in selected if r.status == SENT or r.id in sending]
    pending = [r.id for r in rows if r.status == PENDING]
    sent = [r.id for r in rows if r.status == SENT]
    if pending:
        conn.execute(
            update(jobs)
            .where(jobs.c.id.in_(pending))
            .values(next_attempt_at=now + lease, attempts=jobs.c.attempts + 1, in_doubt=True)
        )
    if sent:
        conn.execute(
            update(jobs).where(jobs.c.id.in_(sent)).values(next_attempt_at=now + poll_every)
        )
    return [_job(row) for row in rows]


def mark_sent(
    conn: Connection,
    job_id: int,
    *,
    supplier_order_id: str,
    lines: list[tuple[int, int]],
    last_status: str,
    next_poll: datetime,
) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            status=SENT, supplier_order_id=supplier_order_id, in_doubt=False,
            lines=orjson.dumps(lines).decode(), last_status=last_status, last_error="",
            next_attempt_at=next_poll, updated_at=utcnow(),
        )
    )  # fmt: skip


def mark_retry(
    conn: Connection, job_id: int, *, error: str, retry_at: datetime, in_doubt: bool
) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            next_attempt_at=retry_at, in_doubt=in_doubt, last_error=error[:2000],
            updated_at=utcnow(),
        )
    )  # fmt: skip


def mark_final(
    conn: Connection, job_id: int, status: str, *, error: str = "", in_doubt: bool = False
) -> None:
    """failed, skipped, shipped or canceled: the worker leaves the job alone from now on."""
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(status=status, in_doubt=in_doubt, last_error=error[:2000], updated_at=utcnow())
    )


def set_last_status(conn: Connection, job_id: int, last_status: str) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(last_status=last_status[:40], updated_at=utcnow())
    )


def jobs_for_order(conn: Connection, store_id: int, order_id: int) -> list[Job]:
    rows = conn.execute(
        select(jobs).where(jobs.c.store_id == store_id, jobs.c.order_id == order_id)
        .order_by(jobs.c.id)
    )  # fmt: skip
    return [_job(row) for row in rows]


def jobs_of_supplier(conn: Connection, supplier_id: int) -> list[Job]:
    rows = conn.execute(select(jobs).where(jobs.c.supplier_id == supplier_id).order_by(jobs.c.id))
    return [_job(row) for row in rows]


def get_job(conn: Connection, job_id: int) -> Job | None:
    row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return _job(row) if row else None


def lock_job(conn: Connection, job_id: int) -> Job | None:
    """The job, its row locked until the transaction ends (serialises poll and notification)."""
    row = conn.execute(select(jobs).where(jobs.c.id == job_id).with_for_update()).first()
    return _job(row) if row else None


def find_job_at_supplier(
    conn: Connection, supplier_id: int, supplier_order_id: str, external: str | None
) -> Job | None:
    """The job a supplier's order belongs to: by its id there, else by our external_id."""
    row = conn.execute(
        select(jobs).where(
            jobs.c.supplier_id == supplier_id, jobs.c.supplier_order_id == supplier_order_id
        )
    ).first()
    if row is None and external:
        row = conn.execute(
            select(jobs).where(jobs.c.supplier_id == supplier_id, jobs.c.external_id == external)
        ).first()
    return _job(row) if row else None
