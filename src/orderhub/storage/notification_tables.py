"""The print-on-demand notifications outbox (Inkthreadable protocol). Imported by
`tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from orderhub.domain.limits import width
from orderhub.storage.tables import Id, metadata

# Outbound notifications, written in the transaction of the change they announce (an
# outbox) and delivered after commit by a worker that retries with backoff.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("event", String(width("notifications", "event")), nullable=False),
    Column("url", String(width("notifications", "url")), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Column("failed_at", DateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Index("ix_notifications_pending", "delivered_at", "failed_at", "next_attempt_at"),
    Index("ix_notifications_store_order", "store_id", "order_id"),
    Index("ix_notifications_store", "store_id", "id"),
    sqlite_autoincrement=True,
)
