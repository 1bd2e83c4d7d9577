"""Exporting orders: every order a query matches, a page at a time, and the CSV rows of
one order. Shared by `orderhub orders export` and the desk's CSV download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orderhub.api.orderdesk.wire import order_dict
from orderhub.domain.orders import Order
from orderhub.importer import CSV_COLUMNS, CSV_ORDER_COLUMNS
from orderhub.storage import orders as repo
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.orders import OrderQuery

EXPORT_PAGE = 1000

__all__ = ["CSV_COLUMNS", "csv_rows", "iter_orders"]


def iter_orders(db: Database, store: stores.Store, query: OrderQuery) -> Iterator[Order]:
    """Every matching order, oldest id first, a page at a time (keyset on id), each page in
    its own short read so a long export never holds a snapshot open."""
    query.sort, query.descending, query.after = "id", False, None
    last_id = 0
    while True:
        query.since_id = last_id
        with db.read() as conn:
            ids = repo.search_order_ids(conn, store.id, query, limit=EXPORT_PAGE, offset=0)
            page = repo.load_orders(conn, store.id, ids, with_history=False)
        yield from page
        if len(ids) < EXPORT_PAGE:
            return
        last_id = ids[-1]


def csv_rows(order: Order, folder_names: dict[int, str]) -> Iterator[list[Any]]:
    """One row per item, the order's columns repeated (the import format)."""
    wire = order_dict(order)
    wire["folder_name"] = folder_names.get(order.folder_id or 0, "")
    base = [wire["id"]]
    for col in CSV_ORDER_COLUMNS:
        prefix, _, rest = col.partition("_")
        if prefix in ("shipping", "customer") and rest in wire[prefix]:
            base.append(wire[prefix][rest])
        else:
            base.append(wire.get(col, ""))
    for item in wire["order_items"]:
        yield [
            *base,
            item["name"],
            item["code"],
            item["price"],
            item["quantity"],
            item["weight"],
            wire["order_total"],
        ]
