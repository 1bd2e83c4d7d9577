"""The write transaction of a use case that obeys the store's settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Connection

from orderhub.domain.stores import Store
from orderhub.storage import stores
from orderhub.storage.database import Database

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
    """Run `unit` in a write transaction, with the store as committed then (see `write`)."""
    with write(db, store) as (conn, current):
        return unit(conn, current)


async def write_unit_async(db: Database, store: Store, unit: Callable[[Connection, Store], T]) -> T:
    """`write_unit` from the event loop (`Database.write_async`: on the loop itself when
    SQLite's write lock is free, else in a thread). (A group-commit writer thread per
    process, committing the units queued together, measured slower on SQLite and on
    PostgreSQL: docs/performance.md, "Write path".)"""
    return await db.write_async(lambda conn: unit(conn, stores.get_store_for_write(conn, store.id)))
