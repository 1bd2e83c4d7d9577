"""Exporting orders: every order a query matches, streamed a page at a time, as Order Desk
JSON (one object per line) or CSV (one row per item, the columns the importer reads)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from orderhub.domain.orders import Order
from orderhub.domain.queries import OrderQuery
from orderhub.orderfiles.pipeline import CSV_ORDER_COLUMNS
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage import orders as storage
from orderhub.storage.database import Database

PAGE = 1000


def iter_orders(db: Database, store_id: int, query: OrderQuery) -> Iterator[Order]:
    """Every matching order, oldest id first, a page at a time (keyset on id), each page in
    its own short read so a long export never holds a snapshot open."""
    query.sort, query.descending = "id", False
    last_id = 0
    while True:
        query.since_id = last_id
        with db.read() as conn:
            ids = storage.search_order_ids(conn, store_id, query, limit=PAGE, offset=0)
            page = storage.load_orders(conn, store_id, ids, with_history=False)
        yield from page
        if len(ids) < PAGE:
            return
        last_id = ids[-1]


def json_line(order: Order) -> bytes:
    return orjson.dumps(order_dict(order)) + b"\n"


def csv_rows(order: Order, folder_names: dict[int, str]) -> Iterator[list[Any]]:
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
