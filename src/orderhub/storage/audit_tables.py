"""The store's audit log table: who changed the store's set-up (settings, keys, users,
suppliers, webhooks, folders, rules), when, and through which door."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, Text

from orderhub.domain.limits import width
from orderhub.storage.tables import Id, metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    # Who: "Desk (jane@shop.com)", "CLI", ... (a Channel's source name) and its door.
    Column("actor", String(width("audit_log", "actor")), nullable=False),
    Column("door", String(width("audit_log", "door")), nullable=False),
    # What: "supplier.add", "webhook.rotate_secret", "folder.delete", ...
    Column("action", String(width("audit_log", "action")), nullable=False),
    Column("subject", String(width("audit_log", "subject")), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_log_store", "store_id", "id"),
    sqlite_autoincrement=True,
)
