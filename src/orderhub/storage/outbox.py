"""What every leased outbox shares (webhook deliveries, emails): claiming due rows for a
while, and when a failed row is due again.

A claim selects due rows `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite's write lock
serialises claims), then sets their lease and counts the attempt in the same transaction:
two processes never hold one row, and a row whose sender died is due again when its lease
runs out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, or_, select, update

from orderhub.domain.dates import utcnow

PENDING = "pending"
MAX_DELAY_SECONDS = 24 * 3600


def claim(
    conn: Connection,
    table: Table,
    conditions: Sequence[Any],
    *,
    limit: int,
    lease: timedelta,
    now: datetime,
    admit: Callable[[list[Any]], list[Any]] | None = None,
) -> list[Any]:
    """Up to `limit` pending rows of `table` due at `now` (and meeting `conditions`), oldest
    first, leased for `lease`; `admit` may keep fewer of the rows selected (a receiver's room,
    storage/claims.py) and those it drops stay due, unleased. The rows are returned as they
    were before the claim."""
    query = (
        select(table)
        .where(
            table.c.status == PENDING,
            table.c.next_attempt_at <= now,
            or_(table.c.leased_until.is_(None), table.c.leased_until <= now),
            *conditions,
        )
        .order_by(table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=table)
    )
    rows = list(conn.execute(query).all())
    if admit is not None:
        rows = admit(rows)
    if rows:
        conn.execute(
            update(table)
            .where(table.c.id.in_([r.id for r in rows]))
            .values(leased_until=now + lease, attempts=table.c.attempts + 1)
        )
    return rows


def retry_at(attempts: int, max_attempts: int, backoff_seconds: float) -> datetime | None:
    """When a row that failed its `attempts`-th try is due again (the delay doubling each
    time, at most a day), or None when it has had all its tries."""
    if attempts >= max_attempts:
        return None
    delay = min(backoff_seconds * 2 ** (attempts - 1), MAX_DELAY_SECONDS)
    return utcnow() + timedelta(seconds=delay)
