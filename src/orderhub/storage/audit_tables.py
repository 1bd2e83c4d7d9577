"""The store's audit log table: who changed the store's set-up (settings, keys, users,
suppliers, webhooks, folders, rules), when, and through which door."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

audit_log = sa.Table(
    "audit_log",
    metadata,
    id_column(),
    store_column(),
    sa.Column("at", sa.DateTime, nullable=False),
    # Who: "Desk (jane@shop.com)", "CLI", ... (a Channel's source name) and its door.
    sa.Column("actor", sa.String(width("audit_log", "actor")), nullable=False),
    sa.Column("door", sa.String(width("audit_log", "door")), nullable=False),
    # What: "supplier.add", "webhook.rotate_secret", "folder.delete", ...
    sa.Column("action", sa.String(width("audit_log", "action")), nullable=False),
    sa.Column("subject", sa.String(width("audit_log", "subject")), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Index("ix_audit_log_store", "store_id", "id"),
    sqlite_autoincrement=True,
)
