"""Writing orders: insert, replace, delete, the cancelled flag, history entries.

Every function takes the caller's connection, so one use case's writes are one transaction.
A writer that changes an existing order locks its row first (`FOR UPDATE` on PostgreSQL;
SQLite's write lock is already exclusive), so concurrent edits never compute totals from a
stale item list.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import NotFound
from orderhub.domain.folders import unknown_folder
from orderhub.domain.inventory import StockPolicy, demand, difference
from orderhub.domain.orders import Item, Order
from orderhub.domain.values import loads_map
from orderhub.storage import count_cache
from orderhub.storage.driver import DriverInsert
from orderhub.storage.inventory import apply_stock
from orderhub.storage.orders import revisions
from orderhub.storage.orders.rows import (
    item_row_values,
    order_row_values,
    row_to_item,
    row_to_order,
)
from orderhub.storage.stores import find_folder
from orderhub.storage.tables import folders, order_history, order_items, orders


def _store_folder(*conditions: Any) -> Any:
    """The store's first folder (by position) that meets `conditions`, as a subquery."""
    return (
        select(folders.c.id)
        .where(folders.c.store_id == bindparam("p_folder_store_id"), *conditions)
        .order_by(folders.c.position, folders.c.id)
        .limit(1)
        .scalar_subquery()
    )


# Hot statements are built once with bind parameters: SQLAlchemy then compiles each a single
# time, and a request pays only for its parameters.
#
# A create gets the rows back as stored (RETURNING every column, through the same types a
# SELECT uses), so the new order is built without reading it again. Where a new order lands
# is decided by the INSERT itself: the folder given, else the folder that stands for the
# door's print-on-demand status, else the store's first folder.
# A create's inserts run on the DB-API cursor (`storage/driver.py`): SQLAlchemy's execution
# around a statement costs several times what the database does, inside the write lock.
_INSERT_ORDER = DriverInsert(insert(orders).returning(*orders.c))
_INSERT_ORDER_IN_FIRST_FOLDER = DriverInsert(
    insert(orders).values(folder_id=_store_folder()).returning(*orders.c)
)
_INSERT_ORDER_IN_STATUS_FOLDER = DriverInsert(
    insert(orders)
    .values(
        folder_id=func.coalesce(
            _store_folder(folders.c.pod_status == bindparam("p_folder_status")), _store_folder()
        )
    )
    .returning(*orders.c)
)
_SET_SOURCE_ID = (
    update(orders).where(orders.c.id == bindparam("p_order_id")).returning(orders.c.source_id)
)
_INSERT_ITEMS = DriverInsert(insert(order_items).returning(*order_items.c))
_INSERT_HISTORY = insert(order_history)
_INSERT_ONE_HISTORY = DriverInsert(_INSERT_HISTORY)
_UPDATE_ORDER = update(orders).where(orders.c.id == bindparam("p_order_id"))
_LOCK_ORDER = (
    select(
        orders.c.id,
        orders.c.folder_id,
        orders.c.source_name,
        orders.c.source_id,
        orders.c.date_added,
        orders.c.deleted,
        orders.c.pod_data,
    )
    .where(orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id"))
    .with_for_update()
)
_DEMAND = select(order_items.c.code, order_items.c.quantity).where(
    order_items.c.order_id == bindparam("p_order_id")
)


@dataclass(frozen=True)
class HistoryNote:
    """A history entry to record on an order; `event` names the kind of change."""

    order_id: int
    note: str
    event: str
    source_name: str = ""  # default: the channel's


def record_history(
    conn: Connection,
    store_id: int,
    order_id: int,
    note: str,
    *,
    event: str,
    channel: Channel,
    now: datetime,
    source_name: str = "",
) -> None:
    record_notes(
        conn, store_id, [HistoryNote(order_id, note, event, source_name)], channel=channel, now=now
    )


def record_notes(
    conn: Connection,
    store_id: int,
    notes: Sequence[HistoryNote],
    *,
    channel: Channel,
    now: datetime,
) -> None:
    """Every write to an existing order records an entry, so this is also where the order's
    revision is bumped (in the same transaction); a new order starts at revision 0. Many
    entries take one statement, and each order's revision is bumped once."""
    if not notes:
        return
    count_cache.bump(store_id)
    revisions.bump(conn, {n.order_id for n in notes if n.event != "created"})
    rows = [
        {
            "order_id": n.order_id,
            "store_id": store_id,
            "source_name": n.source_name or channel.source_name,
            "note": n.note,
            "event": n.event,
            "surface": channel.surface,
            "date_added": now,
        }
        for n in notes
    ]
    if len(rows) == 1:
        _INSERT_ONE_HISTORY.execute(conn, rows)
    else:
        conn.execute(_INSERT_HISTORY, rows)


def touch(conn: Connection, order_ids: int | Collection[int], now: datetime) -> None:
    """The orders' `date_updated`."""
    ids = [order_ids] if isinstance(order_ids, int) else sorted(order_ids)
    if ids:
        params = [{"p_order_id": i, "date_updated": now} for i in ids]
        conn.execute(_UPDATE_ORDER, params)


def lock_order(conn: Connection, store_id: int, order_id: int) -> Any:
    """The order's identity row, locked for the rest of the transaction; NotFound when the
    store has no such order."""
    row = conn.execute(_LOCK_ORDER, {"p_order_id": order_id, "p_store_id": store_id}).first()
    if row is None:
        raise NotFound(f"Order {order_id} not found")
    return row


def demand_of(conn: Connection, order_id: int) -> dict[str, int]:
    return demand(
        (row.code, row.quantity) for row in conn.execute(_DEMAND, {"p_order_id": order_id})
    )


@contextmanager
def stock_follows(
    conn: Connection, store_id: int, order_id: int, policy: StockPolicy
) -> Iterator[None]:
    """Whatever the block does to the order's items, inventory stock follows (when the
    store has it switched on): units taken for what was added, given back for what went."""
    before = demand_of(conn, order_id) if policy.enabled else {}
    yield
    if policy.enabled:
        apply_stock(conn, store_id, difference(before, demand_of(conn, order_id)), policy)


def folder_in_store(conn: Connection, store_id: int, folder_id: int) -> int:
    if find_folder(conn, store_id, folder_id=folder_id) is None:
        raise unknown_folder(folder_id)
    return folder_id


def insert_order(
    conn: Connection,
    store_id: int,
    order: Order,
    *,
    channel: Channel,
    default_source_id: bool,
    stock: StockPolicy,
    note: str,
    folder_status: str | None = None,
) -> Order:
    """Insert a validated order (its totals computed) with its items, stock and first
    history entry (`note`), and return it
    as stored, built from the inserted rows: what `get_order` would load without history,
    but for `email_count` (it counts other orders too, so the caller reads it when it
    answers; see `load.email_count`). A blank `source_id` becomes the new id (the Order
    Desk rule) when `default_source_id`. Without a folder, the order lands in the folder
    that stands for `folder_status` when given and the store has one, else in the first."""
    now = utcnow()
    values = order_row_values(order)
    values.update(
        store_id=store_id,
        source_id=order.source_id or None,
        date_added=order.date_added or now,
        date_updated=now,
    )
    if order.folder_id is None and folder_status is not None:
        statement = _INSERT_ORDER_IN_STATUS_FOLDER
        values.update(p_folder_store_id=store_id, p_folder_status=folder_status)
    elif order.folder_id is None:
        statement = _INSERT_ORDER_IN_FIRST_FOLDER
        values["p_folder_store_id"] = store_id
    else:
        statement = _INSERT_ORDER
        values["folder_id"] = folder_in_store(conn, store_id, order.folder_id)
    (row,) = statement.execute(conn, [values])
    created = row_to_order(row)
    order_id = int(created.id or 0)
    if not order.source_id and default_source_id:
        params = {"p_order_id": order_id, "source_id": str(order_id)}
        created.source_id = conn.execute(_SET_SOURCE_ID, params).scalar_one()
    # One multi-row INSERT; RETURNING need not keep the rows' order, position does.
    rows = [
        {**item_row_values(item), "order_id": order_id, "store_id": store_id, "position": i}
        for i, item in enumerate(order.items)
    ]
    stored = sorted(_INSERT_ITEMS.execute(conn, rows), key=lambda row: int(row.position))
    created.items = [row_to_item(row) for row in stored]
    if stock.enabled:
        apply_stock(conn, store_id, demand((i.code, i.quantity) for i in order.items), stock)
    record_history(conn, store_id, order_id, note, event="created", channel=channel, now=now)
    return created


def insert_items(
    conn: Connection, store_id: int, order_id: int, items: Iterable[Item], *, start: int
) -> None:
    rows = [
        {**item_row_values(item), "order_id": order_id, "store_id": store_id, "position": start + i}
        for i, item in enumerate(items)
    ]
    if rows:
        conn.execute(insert(order_items), rows)


class ForeignItem(Exception):
    """An item id given for an order that holds no such item."""

    def __init__(self, item_id: int) -> None:
        super().__init__(item_id)
        self.item_id = item_id


def replace_order(
    conn: Connection,
    store_id: int,
    order_id: int,
    order: Order,
    current: Any,
    *,
    stock: StockPolicy,
    now: datetime,
) -> int:
    """Full replacement of a locked order (`current` is its `lock_order` row; the order's
    totals computed). Identity fields a client may leave out — folder, source name and id,
    date added — keep their stored values; everything else omitted is blanked. Items with an
    `id` are updated, items without are added, the rest removed (an `id` the order does not
    hold raises ForeignItem). Returns the folder the order is now in; the caller words the
    history entry."""
    with stock_follows(conn, store_id, order_id, stock):
        existing_ids = set(
            conn.execute(
                select(order_items.c.id).where(order_items.c.order_id == order_id)
            ).scalars()
        )
        for item in order.items:
            if item.id is not None and item.id not in existing_ids:
                raise ForeignItem(item.id)
        values = order_row_values(order)
        folder_id = (
            current.folder_id
            if order.folder_id is None
            else folder_in_store(conn, store_id, order.folder_id)
        )
        values.update(
            folder_id=folder_id,
            source_id=order.source_id or current.source_id,
            date_added=order.date_added or current.date_added,
            date_updated=now,
        )
        if order.source_name == "":
            values["source_name"] = current.source_name
        conn.execute(_UPDATE_ORDER, {"p_order_id": order_id, **values})
        kept = {item.id for item in order.items if item.id is not None}
        removed = existing_ids - kept
        if removed:
            conn.execute(delete(order_items).where(order_items.c.id.in_(removed)))
        for position, item in enumerate(order.items):
            if item.id is not None:
                conn.execute(
                    update(order_items)
                    .where(order_items.c.id == item.id)
                    .values(**item_row_values(item), position=position)
                )
            else:
                insert_items(conn, store_id, order_id, [item], start=position)
    return int(folder_id)


def delete_order(conn: Connection, store_id: int, order_id: int, *, stock: StockPolicy) -> None:
    lock_order(conn, store_id, order_id)
    with stock_follows(conn, store_id, order_id, stock):
        conn.execute(delete(order_history).where(order_history.c.order_id == order_id))
        conn.execute(delete(order_items).where(order_items.c.order_id == order_id))
    conn.execute(delete(orders).where(orders.c.id == order_id))


def mark_cancelled(
    conn: Connection,
    store_id: int,
    current: Any,
    *,
    status_before: str,
    folder_id: int | None,
    channel: Channel,
) -> None:
    """Flag a locked order cancelled, remembering its status, and move it to `folder_id`
    when given."""
    pod_data = loads_map(current.pod_data)
    pod_data["status_before_cancel"] = status_before
    values: dict[str, Any] = {"deleted": True, "pod_data": orjson.dumps(pod_data).decode()}
    if folder_id is not None:
        values["folder_id"] = folder_id
    now = utcnow()
    conn.execute(_UPDATE_ORDER, {"p_order_id": current.id, **values, "date_updated": now})
    record_history(
        conn, store_id, current.id, "Order cancelled", event="cancel", channel=channel, now=now
    )


def set_folder(conn: Connection, order_id: int, folder_id: int, now: datetime) -> None:
    conn.execute(
        _UPDATE_ORDER, {"p_order_id": order_id, "folder_id": folder_id, "date_updated": now}
    )


def update_fields(conn: Connection, order_id: int, values: dict[str, Any], now: datetime) -> None:
    """Set some of a locked order's own columns (already converted: JSON maps as text)."""
    conn.execute(_UPDATE_ORDER, {"p_order_id": order_id, **values, "date_updated": now})
