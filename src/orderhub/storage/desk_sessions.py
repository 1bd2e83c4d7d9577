"""Desk sessions, kept in the database so any process can serve any request.

The cookie holds a random id; the table holds only its SHA-256, so a copy of the database
cannot be used to sign in. A session expires after `idle` without a request, and after
`max_age` whatever happens. `last_seen_at` is written at most once a minute per session, so
reading pages does not turn into a stream of writes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, or_, select, update

from orderhub.domain.dates import utcnow
from orderhub.storage.desk_tables import desk_sessions

TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class DeskSession:
    id_hash: bytes
    user_id: int
    store_id: int
    csrf_secret: str
    created_at: datetime
    last_seen_at: datetime


def hash_id(raw_id: str) -> bytes:
    return hashlib.sha256(raw_id.encode("utf-8", "replace")).digest()


def create(conn: Connection, user_id: int, store_id: int) -> tuple[str, DeskSession]:
    """A new session; returns the raw id (for the cookie, never stored) and the row."""
    raw_id = secrets.token_urlsafe(32)
    now = utcnow()
    session = DeskSession(hash_id(raw_id), user_id, store_id, secrets.token_urlsafe(32), now, now)
    conn.execute(
        insert(desk_sessions).values(
            id_hash=session.id_hash,
            user_id=user_id,
            store_id=store_id,
            csrf_secret=session.csrf_secret,
            created_at=now,
            last_seen_at=now,
        )
    )
    return raw_id, session


def find(
    conn: Connection, raw_id: str, *, idle: timedelta, max_age: timedelta, now: datetime
) -> DeskSession | None:
    """The live session with this id, else None (expired ones count as absent)."""
    row = conn.execute(
        select(desk_sessions).where(desk_sessions.c.id_hash == hash_id(raw_id))
    ).first()
    if row is None or row.last_seen_at + idle < now or row.created_at + max_age < now:
        return None
    return DeskSession(
        row.id_hash, row.user_id, row.store_id, row.csrf_secret, row.created_at, row.last_seen_at
    )


def needs_touch(session: DeskSession, now: datetime) -> bool:
    return session.last_seen_at + TOUCH_EVERY <= now


def touch(conn: Connection, id_hash: bytes, now: datetime) -> None:
    conn.execute(
        update(desk_sessions).where(desk_sessions.c.id_hash == id_hash).values(last_seen_at=now)
    )


def switch_store(conn: Connection, id_hash: bytes, store_id: int) -> None:
    conn.execute(
        update(desk_sessions).where(desk_sessions.c.id_hash == id_hash).values(store_id=store_id)
    )


def end(conn: Connection, id_hash: bytes) -> None:
    conn.execute(delete(desk_sessions).where(desk_sessions.c.id_hash == id_hash))


def end_all_for_user(conn: Connection, user_id: int, store_id: int | None = None) -> None:
    """Sign the user out everywhere (or only from sessions working in one store)."""
    stmt = delete(desk_sessions).where(desk_sessions.c.user_id == user_id)
    if store_id is not None:
        stmt = stmt.where(desk_sessions.c.store_id == store_id)
    conn.execute(stmt)


def purge_expired(conn: Connection, *, idle: timedelta, max_age: timedelta) -> int:
    now = utcnow()
    return int(
        conn.execute(
            delete(desk_sessions).where(
                or_(
                    desk_sessions.c.last_seen_at < now - idle,
                    desk_sessions.c.created_at < now - max_age,
                )
            )
        ).rowcount
    )
