"""Folder management: one transaction per change, each written to the audit log when the
caller names its door (`channel`). A change of the folders changes the store's folder list
and its counts, so each bumps the store's count generation (storage/count_cache.py).

The desk's folder page also reorders, and deletes a folder that holds orders by moving them
to another folder first, in the same transaction. It refuses to delete the folders the
print-on-demand protocol needs (`domain.folders.protected_reason`) and those a supplier
uses.
"""

from __future__ import annotations

from sqlalchemy import Connection

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, InvalidInput, NotFound
from orderhub.domain.folders import protected_reason
from orderhub.domain.limits import MAX_ORDERS_MOVED_WITH_FOLDER, width
from orderhub.domain.stores import Folder, Store
from orderhub.services import audit, moves
from orderhub.services.transaction import write
from orderhub.storage import count_cache, stores
from orderhub.storage import folders as folder_storage
from orderhub.storage.database import Database

NAME_MAX = width("folders", "name")


def with_counts(db: Database, store: Store) -> list[tuple[Folder, int]]:
    with db.read() as conn:
        return folder_storage.folders_with_counts(conn, store.id)


def _name(name: str) -> str:
    if not name.strip() or len(name) > NAME_MAX:
        raise InvalidInput(f"name: a folder name is 1 to {NAME_MAX} characters")
    return name


def create_folder(
    db: Database, store: Store, name: str, pod_status: str | None, channel: Channel | None = None
) -> Folder:
    with db.write() as conn:
        folder = folder_storage.create_folder(conn, store.id, _name(name), pod_status)
        count_cache.bump(store.id)
        if channel is not None:
            audit.record(conn, store.id, channel, "folder.create", folder.name)
        return folder


def rename_folder(
    db: Database,
    store: Store,
    folder_id: int,
    name: str,
    channel: Channel | None = None,
    *,
    guard: bool = False,
) -> Folder:
    """`guard` (the desk): refuse to rename the folder cancelled orders go to."""
    with db.write() as conn:
        before = stores.find_folder(conn, store.id, folder_id=folder_id)
        if guard and before is not None:
            reason = protected_reason(before, renaming=True)
            if reason:
                raise InvalidInput(f"name: {reason}")
        folder = folder_storage.rename_folder(conn, store.id, folder_id, _name(name))
        count_cache.bump(store.id)
        if channel is not None and before is not None:
            audit.record(conn, store.id, channel, "folder.rename", f"{before.name} → {name}")
        return folder


def delete_folder(
    db: Database, store: Store, folder_id: int, channel: Channel | None = None
) -> None:
    with db.write() as conn:
        folder = stores.find_folder(conn, store.id, folder_id=folder_id)
        folder_storage.delete_folder(conn, store.id, folder_id)
        count_cache.bump(store.id)
        if channel is not None and folder is not None:
            audit.record(conn, store.id, channel, "folder.delete", folder.name)


def check_deletable(db: Database, store: Store, folder_id: int) -> Folder:
    """The folder, unless the desk must refuse to delete it (the reason says why)."""
    with db.read() as conn:
        return _deletable(conn, store.id, folder_id)


def _deletable(conn: Connection, store_id: int, folder_id: int) -> Folder:
    folder = stores.find_folder(conn, store_id, folder_id=folder_id)
    if folder is None:
        raise NotFound("Folder not found")
    reason = protected_reason(folder)
    if reason:
        raise InvalidInput(reason)
    users = folder_storage.suppliers_using(conn, store_id, folder_id)
    if users:
        raise InvalidInput(f"Supplier {users[0]} uses this folder: change the supplier first")
    return folder


def delete_folder_moving_orders(
    db: Database, store: Store, folder_id: int, *, to_folder_id: int | None, channel: Channel
) -> int:
    """Delete a folder; the orders it holds move to `to_folder_id` first, in the same
    transaction (each move with its history entry and event, as any move). Returns how
    many orders moved."""
    with write(db, store) as (conn, store):
        folder = _deletable(conn, store.id, folder_id)
        order_ids = folder_storage.order_ids_in(
            conn, store.id, folder_id, MAX_ORDERS_MOVED_WITH_FOLDER + 1
        )
        if order_ids and to_folder_id is None:
            raise InvalidInput(f"to_folder_id: choose where its {len(order_ids)} orders go")
        if len(order_ids) > MAX_ORDERS_MOVED_WITH_FOLDER:
            raise Conflict(
                f"It holds more than {MAX_ORDERS_MOVED_WITH_FOLDER} orders: move them first"
            )
        if order_ids:
            assert to_folder_id is not None
            if to_folder_id == folder_id:
                raise InvalidInput("to_folder_id: choose another folder")
            destination = moves.resolve_folder(
                conn, store.id, folder_id=to_folder_id, folder_name=None
            )
            folder_storage.lock_orders(conn, store.id, order_ids)
            now = utcnow()
            for order_id in order_ids:
                moves.move_locked(
                    conn, store, order_id, folder, destination, channel=channel, now=now,
                    reason=f"folder {folder.name} deleted",
                )  # fmt: skip
        folder_storage.delete_folder(conn, store.id, folder_id)
        count_cache.bump(store.id)
        detail = f"{len(order_ids)} orders moved" if order_ids else ""
        audit.record(conn, store.id, channel, "folder.delete", folder.name, detail)
        return len(order_ids)


def move_folder(db: Database, store: Store, folder_id: int, *, up: bool, channel: Channel) -> None:
    """One place up or down in the side bar (swapped with its neighbour)."""
    with db.write() as conn:
        folder = folder_storage.swap_with_neighbour(conn, store.id, folder_id, up=up)
        if folder is not None:
            count_cache.bump(store.id)
            audit.record(
                conn, store.id, channel, "folder.reorder", folder.name, "up" if up else "down"
            )
