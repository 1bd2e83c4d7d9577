"""Who is using a database: a running server holds a shared lock on it for its lifetime, and
a restore takes the same lock exclusively, so a restore can never replace a database under a
server (nor a server start on a database being replaced).

SQLite: `flock` on `<db file>.serving` beside the database. PostgreSQL: a session-level
advisory lock (`pg_try_advisory_lock[_shared]`) on a connection of its own, outside the pool.
Both are released by the operating system or the server when the holder dies, so a crashed
server never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import URL, make_url

from orderhub.storage.database import sqlite_file

# One advisory lock key per database (PostgreSQL scopes advisory locks to the database).
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"orderhub.serving").digest()[:8], "big", signed=True)


class DatabaseBusy(RuntimeError):
    """The lock is held the other way: a server runs, or a restore is under way."""


def libpq_url(url: str) -> tuple[str, str | None]:
    """A PostgreSQL SQLAlchemy URL as a libpq URL without the password, and the password
    (for PGPASSWORD), so that neither process lists nor output ever show it."""
    parsed = make_url(url)
    password = parsed.password
    bare = URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query
    )
    return bare.render_as_string(hide_password=False), (str(password) if password else None)


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseBusy(str(path)) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def _advisory(url: str, shared: bool) -> Iterator[None]:
    conninfo, password = libpq_url(url)
    kwargs: dict[str, Any] = {"autocommit": True}
    if password:
        kwargs["password"] = password
    with psycopg.connect(conninfo, **kwargs) as conn:
        function = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
        row = conn.execute(f"SELECT {function}(%s)", (ADVISORY_KEY,)).fetchone()
        if not (row and row[0]):
            raise DatabaseBusy(conninfo)
        yield  # the session ends with the connection, and the lock with it


def _hold(url: str, shared: bool) -> Any:
    path = sqlite_file(url)
    if path is not None:
        return _flock(Path(f"{path}.serving"), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
    if make_url(url).get_backend_name() == "postgresql":
        return _advisory(url, shared)
    return _noop()


@contextmanager
def _noop() -> Iterator[None]:
    yield


def serving(url: str) -> Any:
    """Held by `orderhub serve` while it runs; any number of servers share it.
    Raises DatabaseBusy while a restore holds it."""
    return _hold(url, shared=True)


def exclusive(url: str) -> Any:
    """Held by a restore; raises DatabaseBusy while any server is running on the database."""
    return _hold(url, shared=False)
