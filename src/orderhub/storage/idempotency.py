"""The rows of idempotency keys, in the database so that every process behind a load
balancer agrees on them. What a key means is `services/idempotency.py`'s."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from orderhub.storage.store_tables import idempotency_keys as keys


def insert_key(
    conn: Connection,
    store_id: int,
    scope: str,
    key: str,
    fingerprint: bytes,
    *,
    now: datetime,
    ttl: timedelta,
) -> bool:
    """Insert the key's row (after removing an expired one); False when it already exists."""
    where = (keys.c.store_id == store_id, keys.c.scope == scope, keys.c.key == key)
    conn.execute(delete(keys).where(*where, keys.c.created_at < now - ttl))
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted = conn.execute(
        dialect_insert(keys)
        .values(store_id=store_id, scope=scope, key=key, request_hash=fingerprint, created_at=now)
        .on_conflict_do_nothing()
        .returning(keys.c.key)
    ).first()
    return inserted is not None


def stored(conn: Connection, store_id: int, scope: str, key: str) -> Any:
    """The key's row: `request_hash`, and `response_status`/`response_body` once answered."""
    return conn.execute(
        select(keys.c.request_hash, keys.c.response_status, keys.c.response_body).where(
            keys.c.store_id == store_id, keys.c.scope == scope, keys.c.key == key
        )
    ).one()


def record(
    conn: Connection, store_id: int, scope: str, key: str, status_code: int, body: bytes
) -> None:
    conn.execute(
        update(keys)
        .where(keys.c.store_id == store_id, keys.c.scope == scope, keys.c.key == key)
        .values(response_status=status_code, response_body=body)
    )
