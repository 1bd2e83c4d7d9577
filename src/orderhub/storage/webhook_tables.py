"""The webhooks' tables (docs/outbound.md): endpoints, deliveries (an outbox) and attempts.
Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.expression import text

from orderhub.domain.limits import URL_MAX, WEBHOOK_NAME_MAX, WEBHOOK_SECRET_MAX
from orderhub.storage.tables import id_column, metadata, store_column

# A store's endpoints; `events` is a comma-separated list of event names ("*" for all).
# The secret signs each delivery (X-ORDER-DESK-HASH), so it is kept as given.
webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    id_column(),
    store_column(),
    sa.Column("url", sa.String(URL_MAX), nullable=False),
    sa.Column("events", sa.String(500), nullable=False),
    # What a rule's `webhook` action names it by (docs/rules.md); "" when none was given.
    sa.Column(
        "name", sa.String(WEBHOOK_NAME_MAX), nullable=False, default="", server_default=text("''")
    ),
    sa.Column("format", sa.String(8), nullable=False, default="form"),
    sa.Column("secret", sa.String(WEBHOOK_SECRET_MAX), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_webhook_endpoints_store", "store_id", "active"),
    sqlite_autoincrement=True,
)

# One row per (event, subscribed endpoint), written in the transaction of the change (an
# outbox); status pending -> delivered | failed. `leased_until` marks a row a worker is
# sending; `next_attempt_at` is when it may be tried again.
webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    id_column(),
    store_column(),
    sa.Column(
        "endpoint_id", sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("data", sa.Text, nullable=False, default="{}"),
    sa.Column("delivery_id", sa.String(36), nullable=False, unique=True),
    sa.Column("status", sa.String(12), nullable=False, default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("leased_until", sa.DateTime, nullable=True),
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("delivered_at", sa.DateTime, nullable=True),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_webhook_deliveries_sequence", "endpoint_id", "order_id", "id"),
    sa.Index("ix_webhook_deliveries_store", "store_id", "id"),
    sqlite_autoincrement=True,
)

# Every attempt of a delivery, with what came back (an excerpt of at most 500 bytes).
webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    id_column(),
    sa.Column(
        "delivery_id", sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("attempted_at", sa.DateTime, nullable=False),
    sa.Column("status", sa.Integer, nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("response_excerpt", sa.Text, nullable=False, default=""),
    sa.Column("error", sa.Text, nullable=False, default=""),
    sa.Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
    sqlite_autoincrement=True,
)
