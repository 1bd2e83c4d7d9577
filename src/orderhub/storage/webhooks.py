"""Webhook endpoints and the outbox of their deliveries.

A delivery row is written in the transaction of the change it announces, so a committed
change always has its deliveries and a rolled-back one never does. Workers (outbound/worker.py)
claim due rows with a lease (and `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's write lock
serialises claims), so several processes never send one row at the same time, and a row whose
sender died is claimed again when its lease runs out. A row is not due while an earlier row
of the same (endpoint, order) is pending: one order's events reach an endpoint in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    select,
    true,
    update,
)

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, NotFound
from orderhub.storage import outbox
from orderhub.storage.claims import Room, admit
from orderhub.storage.webhook_tables import webhook_attempts as attempts_table
from orderhub.storage.webhook_tables import webhook_deliveries as deliveries
from orderhub.storage.webhook_tables import webhook_endpoints as endpoints

PENDING, DELIVERED, FAILED = outbox.PENDING, "delivered", "failed"
ALL_EVENTS = "*"


@dataclass(frozen=True)
class Endpoint:
    id: int
    store_id: int
    url: str
    events: tuple[str, ...]
    format: str
    active: bool
    created_at: datetime
    name: str = ""


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker now holds, with what it needs to send it."""

    id: int
    delivery_id: str
    store_id: int
    endpoint_id: int
    event: str
    order_id: int
    data: dict[str, Any]
    attempts: int  # including this one
    url: str
    format: str
    secret: str


@dataclass(frozen=True)
class Delivery:
    id: int
    delivery_id: str
    endpoint_id: int
    url: str
    event: str
    order_id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status: int | None
    duration_ms: int
    response_excerpt: str
    error: str


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(
        row.id, row.store_id, row.url, tuple(row.events.split(",")), row.format, row.active,
        row.created_at, row.name,
    )  # fmt: skip


def add_endpoint(
    conn: Connection,
    store_id: int,
    url: str,
    events: Iterable[str],
    fmt: str,
    secret: str,
    name: str = "",
) -> Endpoint:
    now = utcnow()
    values = {
        "store_id": store_id, "url": url, "events": ",".join(events), "format": fmt,
        "secret": secret, "active": True, "created_at": now, "name": name,
    }  # fmt: skip
    new_id = conn.execute(insert(endpoints).values(**values).returning(endpoints.c.id)).scalar_one()
    return _endpoint(conn.execute(select(endpoints).where(endpoints.c.id == new_id)).one())


def list_endpoints(conn: Connection, store_id: int) -> list[Endpoint]:
    rows = conn.execute(
        select(endpoints).where(endpoints.c.store_id == store_id).order_by(endpoints.c.id)
    )
    return [_endpoint(row) for row in rows]


def remove_endpoint(conn: Connection, store_id: int, endpoint_id: int) -> None:
    """Delete an endpoint with its deliveries and their log."""
    done = conn.execute(
        delete(endpoints).where(endpoints.c.store_id == store_id, endpoints.c.id == endpoint_id)
    )
    if done.rowcount == 0:
        raise NotFound(f"Webhook {endpoint_id} not found in store {store_id}")


def set_active(conn: Connection, store_id: int, endpoint_id: int, active: bool) -> None:
    """A disabled endpoint gets no new deliveries; its pending ones wait until it is enabled."""
    done = conn.execute(
        update(endpoints)
        .where(endpoints.c.store_id == store_id, endpoints.c.id == endpoint_id)
        .values(active=active)
    )
    if done.rowcount == 0:
        raise NotFound(f"Webhook {endpoint_id} not found in store {store_id}")


# The subscriber's one query per event, prebuilt (building it costs more than running it):
# an index range on (store_id, active), empty for a store without webhooks (~60 us on
# SQLite, one round trip on PostgreSQL).
_SUBSCRIBED = select(endpoints.c.id, endpoints.c.events).where(
    endpoints.c.store_id == bindparam("p_store_id"), endpoints.c.active == true()
)


def subscribed_endpoint_ids(conn: Connection, store_id: int, event: str) -> list[int]:
    rows = conn.execute(_SUBSCRIBED, {"p_store_id": store_id})
    return [
        row.id for row in rows if ALL_EVENTS in (names := row.events.split(",")) or event in names
    ]


def enqueue(
    conn: Connection,
    store_id: int,
    endpoint_ids: Iterable[int],
    event: str,
    order_id: int,
    data: Mapping[str, Any],
) -> None:
    now = utcnow()
    body = orjson.dumps(dict(data)).decode()
    rows = [
        {
            "store_id": store_id, "endpoint_id": endpoint_id, "event": event,
            "order_id": order_id, "data": body, "delivery_id": str(uuid.uuid4()),
            "status": PENDING, "attempts": 0, "next_attempt_at": now, "last_error": "",
            "created_at": now,
        }
        for endpoint_id in endpoint_ids
    ]  # fmt: skip
    if rows:
        conn.execute(insert(deliveries), rows)


def claim_due(
    conn: Connection,
    *,
    limit: int,
    lease: timedelta,
    busy: Collection[int] = (),
    room: Room | None = None,
) -> list[Claimed]:
    """Take up to `limit` due deliveries for `lease`; the first pending row of each
    (endpoint, order) only; endpoints in `busy` are left out and each endpoint takes at most
    `room(endpoint_id)` rows (storage/claims.py)."""
    earlier = deliveries.alias("earlier")
    waiting_behind = exists().where(
        earlier.c.endpoint_id == deliveries.c.endpoint_id,
        earlier.c.order_id == deliveries.c.order_id,
        earlier.c.status == PENDING,
        earlier.c.id < deliveries.c.id,
    )
    active = deliveries.c.endpoint_id.in_(
        select(endpoints.c.id).where(endpoints.c.active == true())
    )
    conditions = [~waiting_behind, active]
    if busy:
        conditions.append(deliveries.c.endpoint_id.not_in(busy))
    rows = outbox.claim(
        conn, deliveries, conditions, limit=limit, lease=lease, now=utcnow(),
        admit=lambda selected: admit(selected, lambda row: int(row.endpoint_id), room),
    )  # fmt: skip
    if not rows:
        return []
    targets = {
        e.id: e
        for e in conn.execute(
            select(endpoints.c.id, endpoints.c.url, endpoints.c.format, endpoints.c.secret).where(
                endpoints.c.id.in_({r.endpoint_id for r in rows})
            )
        )
    }
    return [
        Claimed(
            r.id, r.delivery_id, r.store_id, r.endpoint_id, r.event, r.order_id,
            orjson.loads(r.data), r.attempts + 1, targets[r.endpoint_id].url,
            targets[r.endpoint_id].format, targets[r.endpoint_id].secret,
        )
        for r in rows
        if r.endpoint_id in targets
    ]  # fmt: skip


def record_attempt(
    conn: Connection,
    row_id: int,
    attempt: Attempt,
    *,
    delivered: bool,
    retry_at: datetime | None,
) -> None:
    """Log one attempt and settle the row: delivered, due again at `retry_at`, or failed
    (neither)."""
    conn.execute(
        insert(attempts_table).values(
            delivery_id=row_id, attempted_at=attempt.attempted_at, status=attempt.status,
            duration_ms=attempt.duration_ms, response_excerpt=attempt.response_excerpt,
            error=attempt.error[:2000],
        )
    )  # fmt: skip
    values: dict[str, Any] = {
        "leased_until": None,
        "last_status": attempt.status,
        "last_error": attempt.error[:2000],
    }
    if delivered:
        values.update(status=DELIVERED, delivered_at=utcnow())
    elif retry_at is not None:
        values["next_attempt_at"] = retry_at
    else:
        values["status"] = FAILED
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == row_id, deliveries.c.status == PENDING)
        .values(**values)
    )


_DELIVERY_COLUMNS = (
    deliveries.c.id, deliveries.c.delivery_id, deliveries.c.endpoint_id, endpoints.c.url,
    deliveries.c.event, deliveries.c.order_id, deliveries.c.status, deliveries.c.attempts,
    deliveries.c.next_attempt_at, deliveries.c.last_status, deliveries.c.last_error,
    deliveries.c.created_at, deliveries.c.delivered_at,
)  # fmt: skip


def _delivery(row: Any) -> Delivery:
    return Delivery(*row)


def list_deliveries(
    conn: Connection, store_id: int, *, failed_only: bool = False, limit: int = 50
) -> list[Delivery]:
    """The store's latest deliveries, newest first."""
    query = (
        select(*_DELIVERY_COLUMNS)
        .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
        .where(deliveries.c.store_id == store_id)
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    )
    if failed_only:
        query = query.where(deliveries.c.status == FAILED)
    return [_delivery(row) for row in conn.execute(query)]


def get_delivery(conn: Connection, delivery_id: str) -> Delivery:
    row = conn.execute(
        select(*_DELIVERY_COLUMNS)
        .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
        .where(deliveries.c.delivery_id == delivery_id)
    ).first()
    if row is None:
        raise NotFound(f"Webhook delivery {delivery_id} not found")
    return _delivery(row)


def resend(conn: Connection, delivery_id: str) -> Delivery:
    """Queue a delivered or failed delivery again, with a fresh count of attempts (the same
    delivery id, so a receiver can tell it is a repeat)."""
    found = get_delivery(conn, delivery_id)
    if found.status == PENDING:
        raise Conflict(f"Webhook delivery {delivery_id} is still pending")
    conn.execute(
        update(deliveries)
        .where(and_(deliveries.c.id == found.id, deliveries.c.status != PENDING))
        .values(
            status=PENDING, attempts=0, next_attempt_at=utcnow(), leased_until=None,
            delivered_at=None,
        )
    )  # fmt: skip
    return get_delivery(conn, delivery_id)


def attempts_of(conn: Connection, delivery_id: str) -> list[Attempt]:
    found = get_delivery(conn, delivery_id)
    rows = conn.execute(
        select(
            attempts_table.c.attempted_at, attempts_table.c.status, attempts_table.c.duration_ms,
            attempts_table.c.response_excerpt, attempts_table.c.error,
        )
        .where(attempts_table.c.delivery_id == found.id)
        .order_by(attempts_table.c.id)
    )  # fmt: skip
    return [Attempt(*row) for row in rows]
