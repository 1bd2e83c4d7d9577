"""The webhooks' tables (docs/outbound.md): endpoints, deliveries (an outbox) and attempts.
Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.sql.expression import text

from orderhub.domain.limits import URL_MAX, WEBHOOK_NAME_MAX, WEBHOOK_SECRET_MAX
from orderhub.storage.tables import Id, metadata

# A store's endpoints; `events` is a comma-separated list of event names ("*" for all).
# The secret signs each delivery (X-ORDER-DESK-HASH), so it is kept as given.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(URL_MAX), nullable=False),
    Column("events", String(500), nullable=False),
    # What a rule's `webhook` action names it by (docs/rules.md); "" when none was given.
    Column("name", String(WEBHOOK_NAME_MAX), nullable=False, default="", server_default=text("''")),
    Column("format", String(8), nullable=False, default="form"),
    Column("secret", String(WEBHOOK_SECRET_MAX), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_webhook_endpoints_store", "store_id", "active"),
    sqlite_autoincrement=True,
)

# One row per (event, subscribed endpoint), written in the transaction of the change (an
# outbox); status pending -> delivered | failed. `leased_until` marks a row a worker is
# sending; `next_attempt_at` is when it may be tried again.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint_id", ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("data", Text, nullable=False, default="{}"),
    Column("delivery_id", String(36), nullable=False, unique=True),
    Column("status", String(12), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("leased_until", DateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_sequence", "endpoint_id", "order_id", "id"),
    Index("ix_webhook_deliveries_store", "store_id", "id"),
    sqlite_autoincrement=True,
)

# Every attempt of a delivery, with what came back (an excerpt of at most 500 bytes).
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_id", ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", DateTime, nullable=False),
    Column("status", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("response_excerpt", Text, nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
    sqlite_autoincrement=True,
)
