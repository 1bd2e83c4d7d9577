"""The stores (with their hashed API key and print-on-demand credentials) and the replay
records of their API calls (Idempotency-Key). Imported by `tables.py`, so the metadata is
complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

stores = sa.Table(
    "stores",
    metadata,
    id_column(),
    sa.Column("name", sa.String(width("stores", "name")), nullable=False),
    sa.Column("api_key_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("api_key_hint", sa.String(width("stores", "api_key_hint")), nullable=False),
    sa.Column("pod_app_id", sa.String(width("stores", "pod_app_id")), nullable=False, unique=True),
    sa.Column("pod_secret", sa.String(width("stores", "pod_secret")), nullable=False),
    sa.Column("timezone", sa.String(width("stores", "timezone")), nullable=False, default="UTC"),
    sa.Column("settings", sa.Text, nullable=False, default="{}"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sqlite_autoincrement=True,
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    store_column(primary_key=True),
    sa.Column("scope", sa.String(width("idempotency_keys", "scope")), primary_key=True),
    sa.Column("key", sa.String(width("idempotency_keys", "key")), primary_key=True),
    sa.Column("request_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("response_status", sa.Integer, nullable=True),
    sa.Column("response_body", sa.LargeBinary, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_idempotency_keys_created_at", "created_at"),
)
