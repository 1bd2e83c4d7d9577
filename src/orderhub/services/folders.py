"""Folder management: one transaction per change."""

from __future__ import annotations

from orderhub.storage import folders as storage
from orderhub.storage.database import Database
from orderhub.storage.stores import Folder, Store


def with_counts(db: Database, store: Store) -> list[tuple[Folder, int]]:
    with db.read() as conn:
        return storage.folders_with_counts(conn, store.id)


def create_folder(db: Database, store: Store, name: str, pod_status: str | None) -> Folder:
    with db.write() as conn:
        return storage.create_folder(conn, store.id, name, pod_status)


def rename_folder(db: Database, store: Store, folder_id: int, name: str) -> Folder:
    with db.write() as conn:
        return storage.rename_folder(conn, store.id, folder_id, name)


def delete_folder(db: Database, store: Store, folder_id: int) -> None:
    with db.write() as conn:
        storage.delete_folder(conn, store.id, folder_id)
