"""The print-on-demand notifications outbox (Inkthreadable protocol). Imported by
`tables.py`, so the metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

# Outbound notifications, written in the transaction of the change they announce (an
# outbox) and delivered after commit by a worker that retries with backoff.
notifications = sa.Table(
    "notifications",
    metadata,
    id_column(),
    store_column(),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("event", sa.String(width("notifications", "event")), nullable=False),
    sa.Column("url", sa.String(width("notifications", "url")), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("delivered_at", sa.DateTime, nullable=True),
    sa.Column("failed_at", sa.DateTime, nullable=True),
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_notifications_pending", "delivered_at", "failed_at", "next_attempt_at"),
    sa.Index("ix_notifications_store_order", "store_id", "order_id"),
    sa.Index("ix_notifications_store", "store_id", "id"),
    sqlite_autoincrement=True,
)
