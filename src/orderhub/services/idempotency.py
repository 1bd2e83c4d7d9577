"""Idempotency keys: what a key may be, what makes two requests the same, and what a
second request with a key gets. `storage/idempotency.py` keeps the rows.

The key row is inserted at the start of the request's own write transaction. A concurrent
request with the same key blocks on the row (PostgreSQL) or on the write lock (SQLite)
until the first commits, then finds the stored response and replays it. If the first request
fails, its transaction — key row included — rolls back, and a retry runs afresh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, InvalidInput
from orderhub.storage import idempotency as key_storage

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: bytes


@dataclass(frozen=True)
class IdempotentRequest:
    """An `Idempotency-Key`: the rendered response is stored with the key in the same
    transaction, so a replay is byte for byte what the first request answered."""

    scope: str
    key: str
    fingerprint: bytes
    ttl: timedelta

    @classmethod
    def of(
        cls, scope: str, key: str, *, method: str, path: str, body: bytes, ttl: timedelta
    ) -> IdempotentRequest:
        """The same key with another method, path or body is another request (a 409)."""
        digest = hashlib.sha256(b"\0".join((method.encode(), path.encode(), body))).digest()
        return cls(scope, key, digest, ttl)


def claim(conn: Connection, store_id: int, request: IdempotentRequest) -> Replay | None:
    """None when this request owns the key and must run; a Replay when it already ran."""
    key = request.key
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters")
    if key_storage.insert_key(
        conn, store_id, request.scope, key, request.fingerprint, now=utcnow(), ttl=request.ttl
    ):
        return None
    stored = key_storage.stored(conn, store_id, request.scope, key)
    if stored.request_hash != request.fingerprint:
        raise Conflict(
            f"Idempotency-Key {key!r} was already used with a different request; "
            "use a new key for a new request"
        )
    if stored.response_status is None:
        raise Conflict(f"Idempotency-Key {key!r}: the first request with this key is still running")
    return Replay(stored.response_status, stored.response_body)


def record(
    conn: Connection, store_id: int, request: IdempotentRequest, status_code: int, body: bytes
) -> None:
    """Keep the answer with the key, in the transaction that made it."""
    key_storage.record(conn, store_id, request.scope, request.key, status_code, body)
