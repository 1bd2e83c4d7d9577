"""The stores (with their hashed API key and print-on-demand credentials) and the replay
records of their API calls (Idempotency-Key). Imported by `tables.py`, so the metadata is
complete."""

from __future__ import annotations

from sqlalchemy import (
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

stores = Table(
    "stores",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(width("stores", "name")), nullable=False),
    Column("api_key_hash", LargeBinary(32), nullable=False),
    Column("api_key_hint", String(width("stores", "api_key_hint")), nullable=False),
    Column("pod_app_id", String(width("stores", "pod_app_id")), nullable=False, unique=True),
    Column("pod_secret", String(width("stores", "pod_secret")), nullable=False),
    Column("timezone", String(width("stores", "timezone")), nullable=False, default="UTC"),
    Column("settings", Text, nullable=False, default="{}"),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", String(width("idempotency_keys", "scope")), primary_key=True),
    Column("key", String(width("idempotency_keys", "key")), primary_key=True),
    Column("request_hash", LargeBinary(32), nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
