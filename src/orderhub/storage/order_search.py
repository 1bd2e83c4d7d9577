"""The desk's order look-ups that the API has no filter for: free-text search (one SQL
condition, used by `OrderQuery.text`) and the orders holding items of an inventory code."""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.sql import ColumnElement

from orderhub.storage.tables import order_items, orders

_NAME_COLUMNS = tuple(
    orders.c[f"{prefix}_{name}"]
    for prefix in ("shipping", "customer")
    for name in ("first_name", "last_name", "company")
)


def text_condition(text: str) -> ColumnElement[bool]:
    """An order whose id or source id is the text, whose email contains it, or whose
    names contain every word of it."""
    text = text.strip()
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    either: list[ColumnElement[bool]] = [
        orders.c.source_id == text,
        func.lower(orders.c.email).like(f"%{escaped}%", escape="\\"),
    ]
    if text.lstrip("#").isdigit() and len(text) <= 18:
        either.append(orders.c.id == int(text.lstrip("#")))
    words = escaped.split()
    if words:
        either.append(
            and_(
                *(
                    or_(*(func.lower(c).like(f"%{word}%", escape="\\") for c in _NAME_COLUMNS))
                    for word in words
                )
            )
        )
    return or_(*either)


def order_ids_with_code(conn: Connection, store_id: int, code: str, *, limit: int) -> list[int]:
    """The newest orders with an item of this code: the orders that took its stock."""
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
