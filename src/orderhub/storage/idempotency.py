"""Idempotency keys, kept in the database so that every process behind a load balancer
agrees on them.

The key row is inserted at the start of the request's own write transaction. A concurrent
request with the same key blocks on the row (PostgreSQL) or on the write lock (SQLite)
until the first commits, then finds the stored response and replays it. If the first request
fails, its transaction — key row included — rolls back, and a retry runs afresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, InvalidInput
from orderhub.storage.store_tables import idempotency_keys as keys

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: bytes


def request_fingerprint(method: str, path: str, body: bytes) -> bytes:
    return hashlib.sha256(b"\0".join((method.encode(), path.encode(), body))).digest()


def claim(
    conn: Connection,
    store_id: int,
    scope: str,
    key: str,
    fingerprint: bytes,
    *,
    ttl: timedelta,
) -> Replay | None:
    """None when this request owns the key and must run; a Replay when it already ran."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters")
    now = utcnow()
    where = (keys.c.store_id == store_id, keys.c.scope == scope, keys.c.key == key)
    conn.execute(delete(keys).where(*where, keys.c.created_at < now - ttl))
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted = conn.execute(
        dialect_insert(keys)
        .values(store_id=store_id, scope=scope, key=key, request_hash=fingerprint, created_at=now)
        .on_conflict_do_nothing()
        .returning(keys.c.key)
    ).first()
    if inserted is not None:
        return None
    row = conn.execute(
        select(keys.c.request_hash, keys.c.response_status, keys.c.response_body).where(*where)
    ).one()
    if row.request_hash != fingerprint:
        raise Conflict(
            f"Idempotency-Key {key!r} was already used with a different request; "
            "use a new key for a new request"
        )
    if row.response_status is None:
        raise Conflict(f"Idempotency-Key {key!r}: the first request with this key is still running")
    return Replay(row.response_status, row.response_body)


def record(
    conn: Connection, store_id: int, scope: str, key: str, status_code: int, body: bytes
) -> None:
    conn.execute(
        update(keys)
        .where(keys.c.store_id == store_id, keys.c.scope == scope, keys.c.key == key)
        .values(response_status=status_code, response_body=body)
    )
