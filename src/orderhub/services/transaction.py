"""The write transaction of a use case that obeys the store's settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.stores import Store


@contextmanager
def write(db: Database, store: Store) -> Iterator[tuple[Connection, Store]]:
    """A write transaction and the store as committed now: the settings a change obeys
    (stock rules, notification URL) are the current ones, not the copy cached for a few
    seconds with the credentials that authenticated the request — and whether it has
    webhooks or suppliers, so an event's subscribers skip their lookups when it has none."""
    with db.write() as conn:
        yield conn, stores.get_store_for_write(conn, store.id)
