"""Exporting orders: every order a query matches, streamed a page at a time (the CLI's
`orders export` and the desk's CSV export write them with protocol/orderdesk/order_file.py)."""

from __future__ import annotations

from collections.abc import Iterator

from orderhub.domain.orders import Order
from orderhub.domain.queries import OrderQuery
from orderhub.storage import orders as order_storage
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
            ids = order_storage.search_order_ids(conn, store_id, query, limit=PAGE, offset=0)
            page = order_storage.load_orders(conn, store_id, ids, with_history=False)
        yield from page
        if len(ids) < PAGE:
            return
        last_id = ids[-1]
