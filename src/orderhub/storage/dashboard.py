"""The dashboard's figures in SQL, each one query on an index of the store: orders in per
day by the door they came through, shipments per day with their orders' arrival, jobs at
suppliers by state, and the deliveries that gave up. Days are UTC dates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from orderhub.storage.notification_tables import notifications
from orderhub.storage.shipment_tables import shipments
from orderhub.storage.supplier_tables import forwarding_jobs
from orderhub.storage.tables import order_history, orders
from orderhub.storage.webhook_tables import webhook_deliveries


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def arrivals(
    conn: Connection, store_id: int, since: datetime, until: datetime
) -> Counter[tuple[date, str]]:
    """{(day, door): orders} for the orders added in [since, until): the door is the
    surface of the order's "created" history entry (orderdesk, pod, desk, cli)."""
    rows = conn.execute(
        select(func.date(orders.c.date_added), order_history.c.surface, func.count())
        .join(order_history, order_history.c.order_id == orders.c.id)
        .where(
            orders.c.store_id == store_id,
            orders.c.date_added >= since,
            orders.c.date_added < until,
            order_history.c.event == "created",
        )
        .group_by(func.date(orders.c.date_added), order_history.c.surface)
    )
    return Counter({(_day(day), str(door)): int(n) for day, door, n in rows})


@dataclass(frozen=True)
class Shipped:
    per_day: Counter[date]
    # Hours from an order's arrival to its first shipment of the period, per order.
    hours_to_ship: list[float]


def shipped(conn: Connection, store_id: int, since: datetime, until: datetime) -> Shipped:
    """Shipments made in [since, until), per day, and each order's hours from arrival to
    its first shipment in that time."""
    rows = conn.execute(
        select(shipments.c.order_id, shipments.c.date_added, orders.c.date_added)
        .join(orders, orders.c.id == shipments.c.order_id)
        .where(
            shipments.c.store_id == store_id,
            shipments.c.date_added >= since,
            shipments.c.date_added < until,
        )
        .order_by(shipments.c.date_added)
    )
    per_day: Counter[date] = Counter()
    first: dict[int, float] = {}
    for order_id, at, arrived in rows:
        per_day[at.date()] += 1
        if order_id not in first:
            first[order_id] = max((at - arrived).total_seconds() / 3600, 0.0)
    return Shipped(per_day, list(first.values()))


def jobs_by_state(conn: Connection, store_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(forwarding_jobs.c.status, func.count())
        .where(forwarding_jobs.c.store_id == store_id)
        .group_by(forwarding_jobs.c.status)
    )
    return {str(status): int(n) for status, n in rows}


def gave_up(conn: Connection, store_id: int) -> dict[str, int]:
    """Deliveries that gave up: webhook deliveries and print-on-demand notifications."""
    webhooks_failed = conn.execute(
        select(func.count()).where(
            webhook_deliveries.c.store_id == store_id, webhook_deliveries.c.status == "failed"
        )
    ).scalar_one()
    notifications_failed = conn.execute(
        select(func.count()).where(
            notifications.c.store_id == store_id, notifications.c.failed_at.is_not(None)
        )
    ).scalar_one()
    return {"webhooks": int(webhooks_failed), "notifications": int(notifications_failed)}
