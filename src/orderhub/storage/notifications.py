"""The outbox of print-on-demand notifications.

A row is written in the same transaction as the change it announces, so a committed change
always has its notification, and a rolled-back one never does. Delivery happens afterwards
(outbound/notifier.py): rows are claimed with a lease, so a delivery interrupted by a crash is
retried when the lease runs out, and `FOR UPDATE SKIP LOCKED` keeps several processes from
sending the same row.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select, update

from orderhub.domain.dates import utcnow
from orderhub.storage.claims import Room, admit
from orderhub.storage.notification_tables import notifications as outbox
from orderhub.storage.stores import get_store


@dataclass(frozen=True)
class Pending:
    id: int
    store_id: int
    order_id: int
    event: str
    url: str
    attempts: int


def enqueue(
    conn: Connection, store_id: int, order_id: int, event: str, url: str | None = None
) -> None:
    """Queue a notification to `url` (by default the store's notification URL, if any)."""
    if url is None:
        url = get_store(conn, store_id).settings.get("pod_notification_url")
    if not url:
        return
    now = utcnow()
    conn.execute(
        insert(outbox).values(
            store_id=store_id, order_id=order_id, event=event, url=str(url), body=b"",
            attempts=0, next_attempt_at=now, last_error="", created_at=now,
        )
    )  # fmt: skip


def claim_due(
    conn: Connection,
    *,
    limit: int,
    lease: timedelta,
    busy: Collection[int] = (),
    room: Room | None = None,
) -> list[Pending]:
    """Take due rows for `lease`, oldest first; stores in `busy` are left out and each store
    takes at most `room(store_id)` rows (storage/claims.py)."""
    now = utcnow()
    query = (
        select(outbox.c.id, outbox.c.store_id, outbox.c.order_id, outbox.c.event, outbox.c.url,
               outbox.c.attempts)
        .where(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None),
               outbox.c.next_attempt_at <= now,
               *([outbox.c.store_id.not_in(busy)] if busy else []))
        .order_by(outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    rows = admit(conn.execute(query).all(), lambda row: int(row.store_id), room)
    if rows:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_([r.id for r in rows]))
            .values(next_attempt_at=now + lease, attempts=outbox.c.attempts + 1)
        )
    return [Pending(r.id, r.store_id, r.order_id, r.event, r.url, r.attempts + 1) for r in rows]


def delivered(conn: Connection, row_id: int, status: int, body: bytes) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id)
        .values(delivered_at=utcnow(), last_status=status, body=body, last_error="")
    )


def failed_attempt(
    conn: Connection, row_id: int, *, status: int | None, error: str, retry_at: datetime | None
) -> None:
    """Schedule another try at `retry_at`, or give up when it is None."""
    values: dict[str, object] = {"last_status": status, "last_error": error[:2000]}
    if retry_at is None:
        values["failed_at"] = utcnow()
    else:
        values["next_attempt_at"] = retry_at
    conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))


def history(conn: Connection, store_id: int, order_id: int) -> list[dict[str, object]]:
    rows = conn.execute(
        select(outbox).where(outbox.c.store_id == store_id, outbox.c.order_id == order_id)
        .order_by(outbox.c.id)
    )  # fmt: skip
    return [dict(row._mapping) for row in rows]


def backlog(conn: Connection) -> tuple[int, datetime | None]:
    """How many notifications wait for delivery (all stores) and when the oldest was
    written: one query on the pending index, for the metrics."""
    row = conn.execute(
        select(func.count(), func.min(outbox.c.created_at))
        .where(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))
    ).one()  # fmt: skip
    return int(row[0]), row[1]
