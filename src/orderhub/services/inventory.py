"""Inventory items: one at a time, or a batch in one transaction with a savepoint per entry."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orderhub.domain.errors import OrderhubError, StaleEdit
from orderhub.domain.inventory import InventoryItem
from orderhub.domain.stores import Store
from orderhub.storage import inventory as inventory_storage
from orderhub.storage.database import Database

log = logging.getLogger("orderhub.inventory")


@dataclass(frozen=True)
class BatchEntry:
    position: int
    code: str
    item: InventoryItem | None = None
    # Replace this item (else the one with the same code, else create).
    item_id: int | None = None
    error: str = ""


@dataclass(frozen=True)
class BatchResult:
    position: int
    code: str
    item_id: int | None = None
    created: bool = False
    error: str = ""


def create_item(db: Database, store: Store, item: InventoryItem) -> InventoryItem:
    with db.write() as conn:
        item_id = inventory_storage.create_item(conn, store.id, item)
        return inventory_storage.get_item(conn, store.id, item_id)


def replace_item(db: Database, store: Store, item_id: int, item: InventoryItem) -> InventoryItem:
    with db.write() as conn:
        inventory_storage.replace_item(conn, store.id, item_id, item)
        return inventory_storage.get_item(conn, store.id, item_id)


@dataclass(frozen=True)
class ItemVersion:
    """What a form showed of an item: a save is refused unless the item still holds it."""

    date_updated: datetime
    stock: int
    price: Decimal

    def token(self) -> str:
        return f"{self.date_updated.isoformat()}|{self.stock}|{self.price}"

    @classmethod
    def of(cls, item: InventoryItem) -> ItemVersion:
        assert item.date_updated is not None
        return cls(item.date_updated, item.stock, item.price)


def set_stock_and_price(
    db: Database,
    store: Store,
    item_id: int,
    *,
    stock: int,
    price: Decimal,
    source: str,
    seen: ItemVersion,
) -> InventoryItem:
    """Only stock and price, and only if the item is as the caller saw it; else StaleEdit
    naming the last change, and nothing is written."""
    with db.write() as conn:
        values = {"stock": stock, "price": price, "update_source": source}
        expected = {"date_updated": seen.date_updated, "stock": seen.stock, "price": seen.price}
        if not inventory_storage.update_if_unchanged(
            conn, store.id, item_id, values, expected=expected
        ):
            now = inventory_storage.get_item(conn, store.id, item_id)  # NotFound when it is gone
            raise StaleEdit(
                f"Item {now.code}", now.update_source or "an order", now.date_updated,
                ItemVersion.of(now).token(),
            )  # fmt: skip
        return inventory_storage.get_item(conn, store.id, item_id)


def delete_item(db: Database, store: Store, item_id: int) -> None:
    with db.write() as conn:
        inventory_storage.delete_item(conn, store.id, item_id)


def save_items(db: Database, store: Store, entries: Sequence[BatchEntry]) -> list[BatchResult]:
    """Create or replace each entry; a bad entry is reported and rolled back alone."""
    results = []
    with db.write() as conn:
        for entry in entries:
            if entry.error or entry.item is None:
                results.append(BatchResult(entry.position, entry.code, error=entry.error))
                continue
            savepoint = conn.begin_nested()
            try:
                target = entry.item_id
                if target is None:
                    existing = inventory_storage.find_by_code(conn, store.id, entry.item.code)
                    target = existing.id if existing else None
                if target is None:
                    target = inventory_storage.create_item(conn, store.id, entry.item)
                    created = True
                else:
                    inventory_storage.replace_item(conn, store.id, target, entry.item)
                    created = False
            except OrderhubError as exc:
                savepoint.rollback()
                results.append(BatchResult(entry.position, entry.code, error=exc.message))
                continue
            except Exception:
                savepoint.rollback()
                log.exception("batch inventory entry %d failed", entry.position)
                results.append(
                    BatchResult(entry.position, entry.code, error="internal error; not saved")
                )
                continue
            savepoint.commit()
            results.append(BatchResult(entry.position, entry.code, target, created))
    return results
