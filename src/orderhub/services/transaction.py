"""The write transaction of a use case that obeys the store's settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TypeVar

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


def grouped(db: Database, store: Store, unit: Callable[[Connection, Store], T]) -> Future[T]:
    """`write` for a unit of the process's group-commit writer: it runs on the writer's
    transaction with the store as committed then; the future is answered after commit."""
    return group_commit.writer(db).submit(
        lambda conn: unit(conn, stores.get_store_for_write(conn, store.id))
    )
