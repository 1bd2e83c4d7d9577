"""The desk's look-up that the API has no filter for: the orders holding items of an
inventory code (the orders that took its stock)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from orderhub.storage.tables import order_items, orders


def order_ids_with_code(conn: Connection, store_id: int, code: str, *, limit: int) -> list[int]:
    """The newest orders with an item of this code."""
    stmt = (
        select(orders.c.id)
        .where(
            orders.c.store_id == store_id,
            orders.c.id.in_(
                select(order_items.c.order_id).where(
                    order_items.c.store_id == store_id, order_items.c.code == code
                )
            ),
        )
        .order_by(orders.c.date_added.desc(), orders.c.id.desc())
        .limit(limit)
    )
    return [int(i) for i in conn.execute(stmt).scalars()]
