"""Order revisions: the counter every write to an order bumps in its own transaction, and
the cheap read that tells a server whether an order it rendered earlier is still current.

The revision lives in the database, so the check is exact across server processes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column, select, update

from orderhub.storage.async_reads import LoopReads
from orderhub.storage.driver import DriverQuery
from orderhub.storage.orders.load import EMAIL_COUNT
from orderhub.storage.tables import orders

_BUMP = (
    update(orders)
    .where(orders.c.id == bindparam("p_order_id"))
    .values(revision=orders.c.revision + 1)
)
# What a rendered order cannot know by itself: its revision, the number of the store's
# orders with its email (that changes with other orders), and its folder and sort keys.
_STAMP_COLUMNS = (
    orders.c.id,
    orders.c.revision,
    orders.c.folder_id,
    orders.c.date_added,
    orders.c.date_updated,
)
_OF_STORE = (
    orders.c.id.in_(bindparam("p_ids", expanding=True)),
    (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
)
# Run on the driver (storage/driver.py): this is the one query of a cached read.
_STAMPS = DriverQuery(select(*_STAMP_COLUMNS).where(*_OF_STORE))
_STAMPS_WITH_EMAIL_COUNT = DriverQuery(select(*_STAMP_COLUMNS, EMAIL_COUNT).where(*_OF_STORE))


def bump(conn: Connection, order_ids: int | Collection[int]) -> None:
    ids = [order_ids] if isinstance(order_ids, int) else sorted(order_ids)
    if ids:
        params = [{"p_order_id": i} for i in ids]
        conn.execute(_BUMP, params)


def stamps(
    conn: Connection, store_id: int, ids: Sequence[int], *, email_count: bool
) -> dict[int, Any]:
    """{order id: row of (id, revision, folder_id, date_added, date_updated[, email_count])}
    for the store's orders among `ids`."""
    if not ids:
        return {}
    query = _STAMPS_WITH_EMAIL_COUNT if email_count else _STAMPS
    return {row.id: row for row in query.rows(conn, {"p_store_id": store_id, "p_ids": list(ids)})}


async def stamps_on_loop(
    reads: LoopReads, store_id: int, ids: Sequence[int], *, email_count: bool
) -> dict[int, Any] | None:
    """`stamps`, read on the event loop (PostgreSQL, storage/async_reads.py) with the very
    same query; None when it could not be read there (read `stamps` in the thread pool)."""
    if not ids:
        return {}
    query = _STAMPS_WITH_EMAIL_COUNT if email_count else _STAMPS
    found = await reads.rows(query, {"p_store_id": store_id, "p_ids": list(ids)})
    return None if found is None else {row.id: row for row in found}
