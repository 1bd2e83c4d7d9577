"""The tables of store-edited templates and of the email outbox (docs/templates.md).

Imported at the end of `storage/tables.py`, so the schema's metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

# A store's edited copy of a built-in template, or a template of its own. A built-in with no
# row here renders from its default (templating/defaults/); resetting deletes the row.
templates = sa.Table(
    "templates",
    metadata,
    id_column(),
    store_column(),
    sa.Column("name", sa.String(width("templates", "name")), nullable=False),
    sa.Column("kind", sa.String(width("templates", "kind")), nullable=False),
    sa.Column("subject", sa.Text, nullable=False, default=""),
    sa.Column("body", sa.Text, nullable=False),
    # The plain-text part of an email; "" means derived from the HTML body.
    sa.Column("text_body", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("store_id", "name", name="uq_templates_store_name"),
    sqlite_autoincrement=True,
)

# One email to send: written in the transaction of the change it follows (or of the staff
# member's request), rendered and sent after commit by outbound/email_worker.py, claimed with
# a lease. `message_id` is fixed when the row is written, so a repeat is recognisable.
email_outbox = sa.Table(
    "email_outbox",
    metadata,
    id_column(),
    store_column(),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("shipment_id", sa.BigInteger, nullable=True),
    sa.Column("template", sa.String(width("templates", "name")), nullable=False),
    sa.Column("recipient", sa.String(width("email_outbox", "recipient")), nullable=False),
    sa.Column(
        "message_id", sa.String(width("email_outbox", "message_id")), nullable=False, unique=True
    ),
    sa.Column("status", sa.String(12), nullable=False, default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("leased_until", sa.DateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime, nullable=True),
    sa.Index("ix_email_outbox_due", "status", "next_attempt_at"),
    sa.Index("ix_email_outbox_order", "store_id", "order_id", "id"),
    sqlite_autoincrement=True,
)

# Every attempt to send an email, with its outcome.
email_attempts = sa.Table(
    "email_attempts",
    metadata,
    id_column(),
    store_column(),
    sa.Column("email_id", sa.ForeignKey("email_outbox.id", ondelete="CASCADE"), nullable=False),
    sa.Column("attempted_at", sa.DateTime, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Column("error", sa.Text, nullable=False, default=""),
    sa.Index("ix_email_attempts_email", "email_id", "id"),
    sqlite_autoincrement=True,
)
