"""Running database work from async handlers.

Reads on SQLite run right on the event loop: in WAL mode they never wait for a writer and
take a fraction of a millisecond, less than the hop to a worker thread would. Everything
else — reads on PostgreSQL (network round trips) and all writes (which may wait for the
write lock) — runs in the thread pool so the loop never stalls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

T = TypeVar("T")


def _read(db: Any, work: Callable[[Connection], T]) -> T:
    with db.read() as conn:
        return work(conn)


def _write(db: Any, work: Callable[[Connection], T]) -> T:
    with db.write() as conn:
        return work(conn)


async def read(request: Request, work: Callable[[Connection], T]) -> T:
    db = request.app.state.db
    if db.is_sqlite:
        return _read(db, work)
    return await run_in_threadpool(_read, db, work)


async def write(request: Request, work: Callable[[Connection], T]) -> T:
    return await run_in_threadpool(_write, request.app.state.db, work)
