"""The write transaction of a use case that obeys the store's settings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import Connection

from orderhub.storage import group_commit, stores
from orderhub.storage.database import Database
from orderhub.storage.stores import Store

T = TypeVar("T")


@contextmanager
def write(db: Database, store: Store) -> Iterator[tuple[Connection, Store]]:
    """A write transaction and the store as committed now: the settings a change obeys
    (stock rules, notification URL) are the current ones, not the copy cached for a few
    seconds with the credentials that authenticated the request — and whether it has
    webhooks or suppliers, so an event's subscribers skip their lookups when it has none."""
    with db.write() as conn:
        yield conn, stores.get_store_for_write(conn, store.id)


def write_unit(db: Database, store: Store, unit: Callable[[Connection, Store], T]) -> T:
    """`write_unit_async` for a caller in a thread of its own (it waits for the commit)."""
    if db.is_sqlite:
        return _queued(db, store, unit).result()
    with write(db, store) as (conn, current):
        return unit(conn, current)


async def write_unit_async(db: Database, store: Store, unit: Callable[[Connection, Store], T]) -> T:
    """Run `unit` in a write transaction, with the store as committed then (see `write`).

    On SQLite, writes are serialized anyway: the unit goes to the process's group-commit
    writer (`storage/group_commit.py`), which commits it with the units queued beside it,
    and the event loop awaits it with no thread of its own. On PostgreSQL, transactions run
    side by side and a batch's savepoints cost the round trips its shared COMMIT saves
    (docs/performance.md, "Write path"): the unit runs in its own transaction in the thread
    pool, as a plain `write` would."""
    if db.is_sqlite:
        return await asyncio.wrap_future(_queued(db, store, unit))
    return await anyio.to_thread.run_sync(write_unit, db, store, unit)


def _queued(db: Database, store: Store, unit: Callable[[Connection, Store], T]) -> Future[T]:
    return group_commit.writer(db).submit(
        lambda conn: unit(conn, stores.get_store_for_write(conn, store.id))
    )
