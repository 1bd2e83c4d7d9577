"""Telling "the database cannot be reached" from a bug, and noticing when it is back.

Unreachable (answered 503 with Retry-After; the client should retry): the server refused or
dropped the connection, was restarted or terminated our backend, a lock or statement timed
out, SQLite's file is locked or cannot be opened, or the pool had no connection to give in
time. Everything else (a syntax error, a missing table, a constraint) is a bug and stays a
500. Each outage is logged once per process: at its first failed request, and again when a
new connection succeeds.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa

from orderhub.storage.database import Database

log = logging.getLogger("orderhub.database")

RETRY_AFTER_SECONDS = 5
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk i/o error")


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, sa.TimeoutError):  # no pooled connection in time
        return True
    if not isinstance(error, sa.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        return str(original).lower().startswith(_SQLITE_UNAVAILABLE)
    if isinstance(original, sqlite3.Error):
        return False
    # psycopg: OperationalError covers connection failures, admin shutdown and
    # pg_terminate_backend, query cancellation and lock timeouts; InterfaceError a closed
    # connection. Programming errors are other classes, so they stay bugs.
    return isinstance(error, sa.OperationalError | sa.InterfaceError)


class OutageLog:
    """One warning when the database becomes unreachable, one line when it is back.
    One per Database (`of`): the apps of one process that share it share its outages."""

    @classmethod
    def of(cls, db: Database) -> OutageLog:
        found: OutageLog | None = getattr(db, "_orderhub_outage_log", None)
        if found is None:
            found = cls(db)
            db._orderhub_outage_log = found  # type: ignore[attr-defined]
        return found

    def __init__(self, db: Database) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None
        event.listen(db.engine, "connect", self._connected)

    @property
    def in_outage(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        log.warning(
            "the database cannot be reached (%s); answering 503 until it can",
            type(getattr(error, "orig", None) or error).__name__,
        )

    def _connected(self, *_: Any) -> None:
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.warning("the database is reachable again after %.1f s", time.monotonic() - since)
