"""The tables of store-edited templates and of the email outbox (docs/templates.md).

Imported at the end of `storage/tables.py`, so the schema's metadata is complete."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from orderhub.domain.limits import width
from orderhub.storage.tables import Id, metadata

# A store's edited copy of a built-in template, or a template of its own. A built-in with no
# row here renders from its default (templating/defaults/); resetting deletes the row.
templates = Table(
    "templates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(width("templates", "name")), nullable=False),
    Column("kind", String(width("templates", "kind")), nullable=False),
    Column("subject", Text, nullable=False, default=""),
    Column("body", Text, nullable=False),
    # The plain-text part of an email; "" means derived from the HTML body.
    Column("text_body", Text, nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("store_id", "name", name="uq_templates_store_name"),
    sqlite_autoincrement=True,
)

# One email to send: written in the transaction of the change it follows (or of the staff
# member's request), rendered and sent after commit by outbound/email_worker.py, claimed with
# a lease. `message_id` is fixed when the row is written, so a repeat is recognisable.
email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("shipment_id", BigInteger, nullable=True),
    Column("template", String(width("templates", "name")), nullable=False),
    Column("recipient", String(width("email_outbox", "recipient")), nullable=False),
    Column("message_id", String(width("email_outbox", "message_id")), nullable=False, unique=True),
    Column("status", String(12), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("leased_until", DateTime, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime, nullable=True),
    Index("ix_email_outbox_due", "status", "next_attempt_at"),
    Index("ix_email_outbox_order", "store_id", "order_id", "id"),
    sqlite_autoincrement=True,
)

# Every attempt to send an email, with its outcome.
email_attempts = Table(
    "email_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("email_id", ForeignKey("email_outbox.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", DateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text, nullable=False, default=""),
    Index("ix_email_attempts_email", "email_id", "id"),
    sqlite_autoincrement=True,
)
