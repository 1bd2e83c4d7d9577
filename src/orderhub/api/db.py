"""Running database reads from async handlers — the one read helper of every door.

Reads on SQLite run right on the event loop: in WAL mode they never wait for a writer and
take a fraction of a millisecond, less than the hop to a worker thread would. Reads on
PostgreSQL (network round trips) run in the thread pool so the loop never stalls; the one
exception is the revision query of a cached order GET, which awaits an async connection on
the loop (storage/async_reads.py, api/orderdesk/rendered.py `fetch_cached`). Writes go
through the services, from plain (threaded) handlers, or, for the creates, by awaiting
services/orders.py `take_order_async`, whose transaction runs on the loop when SQLite's write
lock is free and in the thread pool otherwise (`Database.write_async`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from orderhub.storage.database import Database

T = TypeVar("T")


def _read(db: Database, work: Callable[[Connection], T]) -> T:
    with db.read() as conn:
        return work(conn)


async def read(db: Database, work: Callable[[Connection], T]) -> T:
    if db.is_sqlite:
        return _read(db, work)
    return await run_in_threadpool(_read, db, work)
