"""The print-on-demand notification outbox as a log (storage/notifications.py writes and
sends it): a store's newest notifications, and sending one again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound
from orderhub.storage.notification_tables import notifications as outbox


@dataclass(frozen=True)
class Notification:
    id: int
    order_id: int
    event: str
    url: str
    attempts: int
    created_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None
    last_status: int | None
    last_error: str  # the receiver's status line or the start of its answer

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        return "failed" if self.failed_at else "pending"


def recent(conn: Connection, store_id: int, *, limit: int) -> list[Notification]:
    rows = conn.execute(
        select(
            outbox.c.id, outbox.c.order_id, outbox.c.event, outbox.c.url, outbox.c.attempts,
            outbox.c.created_at, outbox.c.delivered_at, outbox.c.failed_at,
            outbox.c.last_status, outbox.c.last_error,
        )
        .where(outbox.c.store_id == store_id)
        .order_by(outbox.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [Notification(**row._mapping) for row in rows]


def resend(conn: Connection, store_id: int, notification_id: int) -> None:
    """Send a notification that gave up (or was delivered) again, from the first try."""
    done = conn.execute(
        update(outbox)
        .where(outbox.c.store_id == store_id, outbox.c.id == notification_id)
        .values(failed_at=None, delivered_at=None, attempts=0, next_attempt_at=utcnow())
    )
    if not done.rowcount:
        raise NotFound("Notification not found")
