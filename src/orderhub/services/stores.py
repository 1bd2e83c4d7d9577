"""Stores come and go (`orderhub store create/delete`, `orderhub quickstart`). Deleting is
two steps, each its own transaction, because running servers trust a verified credential
for a few seconds: first the credentials are revoked, then (after that grace) the rows go."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.stores import NewStore


def create_store(
    db: Database, name: str, *, timezone: str = "UTC", settings: dict[str, Any] | None = None
) -> NewStore:
    """A new store with fresh credentials (returned once). `settings` already parsed and
    checked (`domain.settings.parse_setting`)."""
    with db.write() as conn:
        return stores.create_store(conn, name, timezone=timezone, settings=settings)


def create_first_store_in(conn: Connection, name: str) -> NewStore | None:
    """The inner form of `create_first_store`."""
    return None if stores.count_stores(conn) else stores.create_store(conn, name)


def create_first_store(db: Database, name: str) -> NewStore | None:
    """A store named `name` if the database has none yet (the quickstart's demo store)."""
    with db.write() as conn:
        return create_first_store_in(conn, name)


def revoke_credentials(db: Database, store_id: int) -> None:
    """The first step of deleting a store: its API key and secret stop working."""
    with db.write() as conn:
        stores.revoke_credentials(conn, store_id)


def delete_store(db: Database, store_id: int, *, with_orders: bool) -> dict[str, int]:
    """The store and everything it owns; rows removed per table. One that holds orders is
    refused (Conflict) unless `with_orders`."""
    with db.write() as conn:
        return stores.delete_store(conn, store_id, with_orders=with_orders)
