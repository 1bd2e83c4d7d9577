"""Managing a store's webhook endpoints beyond adding them (storage/webhooks.py): one
endpoint, its events and secret, its delivery log with each delivery's last answer, and
resending. Every query is scoped by the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound
from orderhub.storage.tables import orders
from orderhub.storage.webhook_tables import webhook_attempts as attempts
from orderhub.storage.webhook_tables import webhook_deliveries as deliveries
from orderhub.storage.webhook_tables import webhook_endpoints as endpoints
from orderhub.storage.webhooks import (
    _DELIVERY_COLUMNS,
    FAILED,
    PENDING,
    Delivery,
    Endpoint,
    _delivery,
    _endpoint,
)


@dataclass(frozen=True)
class LoggedDelivery:
    """A delivery with what the receiver answered last (the start of its body)."""

    delivery: Delivery
    response_excerpt: str


def get_endpoint(conn: Connection, store_id: int, endpoint_id: int) -> Endpoint:
    row = conn.execute(
        select(endpoints).where(endpoints.c.store_id == store_id, endpoints.c.id == endpoint_id)
    ).first()
    if row is None:
        raise NotFound("Webhook not found")
    return _endpoint(row)


def set_events(conn: Connection, store_id: int, endpoint_id: int, events: Iterable[str]) -> None:
    get_endpoint(conn, store_id, endpoint_id)
    conn.execute(
        update(endpoints)
        .where(endpoints.c.store_id == store_id, endpoints.c.id == endpoint_id)
        .values(events=",".join(events))
    )


def set_secret(conn: Connection, store_id: int, endpoint_id: int, secret: str) -> None:
    get_endpoint(conn, store_id, endpoint_id)
    conn.execute(
        update(endpoints)
        .where(endpoints.c.store_id == store_id, endpoints.c.id == endpoint_id)
        .values(secret=secret)
    )


def delivery_log(
    conn: Connection, store_id: int, endpoint_id: int, *, limit: int
) -> list[LoggedDelivery]:
    """The endpoint's newest deliveries, each with its last attempt's response excerpt."""
    rows = conn.execute(
        select(*_DELIVERY_COLUMNS)
        .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
        .where(deliveries.c.store_id == store_id, deliveries.c.endpoint_id == endpoint_id)
        .order_by(deliveries.c.id.desc())
        .limit(limit)
    ).all()
    found = [_delivery(row) for row in rows]
    excerpts: dict[int, str] = {}
    if found:
        last = (
            select(func.max(attempts.c.id))
            .where(attempts.c.delivery_id.in_([d.id for d in found]))
            .group_by(attempts.c.delivery_id)
        )
        for row in conn.execute(
            select(attempts.c.delivery_id, attempts.c.response_excerpt).where(
                attempts.c.id.in_(last)
            )
        ):
            excerpts[row.delivery_id] = row.response_excerpt
    return [LoggedDelivery(d, excerpts.get(d.id, "")) for d in found]


def store_of_delivery(conn: Connection, delivery_id: str) -> int:
    found = conn.execute(
        select(deliveries.c.store_id).where(deliveries.c.delivery_id == delivery_id)
    ).scalar()
    if found is None:
        raise NotFound(f"Webhook delivery {delivery_id} not found")
    return int(found)


def delivery_in_store(conn: Connection, store_id: int, delivery_id: str) -> Delivery:
    row = conn.execute(
        select(*_DELIVERY_COLUMNS)
        .join(endpoints, endpoints.c.id == deliveries.c.endpoint_id)
        .where(deliveries.c.store_id == store_id, deliveries.c.delivery_id == delivery_id)
    ).first()
    if row is None:
        raise NotFound("Webhook delivery not found")
    return _delivery(row)


def resend_failed(conn: Connection, store_id: int, endpoint_id: int) -> int:
    """Queue every failed delivery of the endpoint again; how many."""
    done = conn.execute(
        update(deliveries)
        .where(
            deliveries.c.store_id == store_id,
            deliveries.c.endpoint_id == endpoint_id,
            deliveries.c.status == FAILED,
        )
        .values(
            status=PENDING, attempts=0, next_attempt_at=utcnow(), leased_until=None,
            delivered_at=None,
        )
    )  # fmt: skip
    return int(done.rowcount)


def newest_order_id(conn: Connection, store_id: int) -> int | None:
    """The order a test event carries: the store's newest (an index range)."""
    return conn.execute(
        select(orders.c.id)
        .where(orders.c.store_id == store_id)
        .order_by(orders.c.date_added.desc(), orders.c.id.desc())
        .limit(1)
    ).scalar()
