"""Order revisions: the counter every write to an order bumps in its own transaction, and
the cheap read that tells a server whether an order it rendered earlier is still current.

The revision lives in the database, so the check is exact across server processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column, select, update

from orderhub.storage.orders.load import EMAIL_COUNT
from orderhub.storage.tables import orders

_BUMP = (
    update(orders)
    .where(orders.c.id == bindparam("p_order_id"))
    .values(revision=orders.c.revision + 1)
)
# What a rendered order cannot know by itself: its revision, the number of the store's
# orders with its email (that changes with other orders), and its folder and sort keys.
_STAMPS = select(
    orders.c.id,
    orders.c.revision,
    EMAIL_COUNT,
    orders.c.folder_id,
    orders.c.date_added,
    orders.c.date_updated,
).where(
    orders.c.id.in_(bindparam("p_ids", expanding=True)),
    (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
)


def bump(conn: Connection, order_id: int) -> None:
    conn.execute(_BUMP, {"p_order_id": order_id})


def stamps(conn: Connection, store_id: int, ids: Sequence[int]) -> dict[int, Any]:
    """{order id: row of (id, revision, email_count, folder_id, date_added, date_updated)}
    for the store's orders among `ids`."""
    if not ids:
        return {}
    rows = conn.execute(_STAMPS, {"p_store_id": store_id, "p_ids": list(ids)})
    return {row.id: row for row in rows}
