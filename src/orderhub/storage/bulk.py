"""Bulk import: many prepared orders in one transaction, with a few statements per batch
instead of several per order.

Duplicates — an order whose (source_name, source_id) the store already has, or that appears
twice in the batch — are skipped and reported, never inserted, so re-running an import is
safe. The unique index stays the final word: if a concurrent writer wins a race, the caller
retries the batch and the pre-check then sees the winner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Connection, Dialect, Table, text

from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.folders import unknown_folder
from orderhub.domain.orders import Item, Order, apply_totals
from orderhub.storage import count_cache
from orderhub.storage.database import Database
from orderhub.storage.orders import item_row_values, order_row_values
from orderhub.storage.stores import default_folder, list_folders
from orderhub.storage.tables import order_history, order_items, orders

# The columns of a prepared order's values, in order: the row builders' own keys (a fixed
# set), then what only the writer decides.
ORDER_COLUMNS: tuple[str, ...] = (*order_row_values(Order()),)
ITEM_COLUMNS: tuple[str, ...] = (*item_row_values(Item()), "position")
WRITER_ORDER_COLUMNS = ("id", "store_id", "folder_id", "source_id", "date_added", "date_updated")
WRITER_ITEM_COLUMNS = ("order_id", "store_id")
HISTORY_COLUMNS = ("store_id", "source_name", "note", "event", "surface", "date_added")


@dataclass(slots=True)
class PreparedOrder:
    """One validated order as row values already converted for the database, without what
    only the writer decides (id, store, default folder, dates). Tuples in the column order
    above, so that it is cheap to send from a worker process and the writer only appends
    its own values."""

    source_name: str
    source_id: str
    folder_id: int | None
    date_added: Any  # converted; None means "now"
    order_values: tuple[Any, ...]  # ORDER_COLUMNS
    item_values: list[tuple[Any, ...]]  # ITEM_COLUMNS, one per item


@dataclass
class BatchResult:
    imported: list[int] = field(default_factory=list)
    # (position in the batch, id of the order that already has its source key)
    duplicates: list[tuple[int, int | None]] = field(default_factory=list)
    # (position in the batch, reason)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def prepare(order: Order, dialect: Dialect) -> PreparedOrder:
    """Totals and converted rows for one order; needs no connection (runs in workers)."""
    apply_totals(order)
    to_order_row, to_item_row = converter(dialect, orders), converter(dialect, order_items)
    return PreparedOrder(
        source_name=order.source_name,
        source_id=order.source_id or "",
        folder_id=order.folder_id,
        date_added=(
            None
            if order.date_added is None
            else to_order_row({"date_added": order.date_added})["date_added"]
        ),
        order_values=order_tuple(to_order_row(order_row_values(order))),
        item_values=[
            item_tuple(to_item_row({**item_row_values(item), "position": i}))
            for i, item in enumerate(order.items)
        ],
    )


# A row dict's values as a tuple in the column order above.
order_tuple = itemgetter(*ORDER_COLUMNS)
item_tuple = itemgetter(*ITEM_COLUMNS)


def import_batch(
    conn: Connection, store_id: int, batch: Sequence[PreparedOrder], *, channel: Channel
) -> BatchResult:
    result = BatchResult()
    if conn.dialect.name == "postgresql":
        # A batch lost to a crash right after commit is simply imported again by the re-run
        # (imports skip what is already there), so this transaction need not wait for fsync.
        conn.execute(text("SET LOCAL synchronous_commit = off"))
    folder_ids = {f.id for f in list_folders(conn, store_id)}
    fallback_folder = default_folder(conn, store_id).id
    existing = _existing_keys(conn, store_id, batch)
    accepted: list[PreparedOrder] = []
    seen: set[tuple[str, str]] = set()
    for position, order in enumerate(batch):
        if order.source_id:
            key = (order.source_name, order.source_id)
            if key in existing or key in seen:
                result.duplicates.append((position, existing.get(key)))
                continue
            seen.add(key)
        if order.folder_id is not None and order.folder_id not in folder_ids:
            result.rejected.append((position, unknown_folder(order.folder_id).message))
            continue
        accepted.append(order)
    if not accepted:
        return result

    # Ids are plain integers on both databases; only the dates need converting.
    new_ids = _allocate_ids(conn, len(accepted))
    now = converter(conn.dialect, orders)({"date_updated": utcnow()})["date_updated"]
    order_rows = [
        order.order_values
        + (
            oid,
            store_id,
            order.folder_id or fallback_folder,
            order.source_id or str(oid),
            now if order.date_added is None else order.date_added,
            now,
        )
        for oid, order in zip(new_ids, accepted, strict=True)
    ]
    _write_rows(conn, orders, (*ORDER_COLUMNS, *WRITER_ORDER_COLUMNS), order_rows)
    count_cache.bump(store_id)
    item_rows = [
        values + (oid, store_id)
        for oid, order in zip(new_ids, accepted, strict=True)
        for values in order.item_values
    ]
    _write_rows(conn, order_items, (*ITEM_COLUMNS, *WRITER_ITEM_COLUMNS), item_rows)
    history = converter(conn.dialect, order_history)({
        "store_id": store_id, "source_name": channel.source_name, "note": "Order imported",
        "event": "created", "surface": channel.surface, "date_added": utcnow(),
    })  # fmt: skip
    history_values = itemgetter(*HISTORY_COLUMNS)(history)
    _write_rows(
        conn,
        order_history,
        (*HISTORY_COLUMNS, "order_id"),
        [history_values + (oid,) for oid in new_ids],
    )
    result.imported = new_ids
    return result


def refresh_statistics(conn: Connection) -> None:
    """After a large load PostgreSQL's planner still believes the tables are small and picks
    poor plans (even for the duplicate check of the next batch); ANALYZE tells it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE orders"))
        conn.execute(text("ANALYZE order_items"))


def settle_after_import(db: Database) -> None:
    """PostgreSQL, once an import is done: VACUUM (ANALYZE) the loaded tables. Without it a
    fresh load has no visibility map, so a deep page reads the heap for every row it skips
    (an index-only scan becomes 500,000 heap fetches at offset 500,000), and autovacuum does
    the work later, in the middle of traffic. SQLite needs nothing."""
    if db.is_sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (orders, order_items, order_history):
            conn.execute(text(f"VACUUM (ANALYZE) {table.name}"))


def _existing_keys(
    conn: Connection, store_id: int, batch: Sequence[PreparedOrder]
) -> dict[tuple[str, str], int]:
    """Which of the batch's (source_name, source_id) the store already has. One query per
    source name on the DB-API cursor, the source ids as one parameter (an array on
    PostgreSQL, a JSON array on SQLite), which the unique index answers directly: as an
    SQLAlchemy `IN` list, 2,000 placeholders cost the writer more than the lookup."""
    keyed = [order for order in batch if order.source_id]
    if not keyed:
        return {}  # nothing that could collide: no query
    names = {order.source_name for order in keyed}
    by_name: dict[str, list[str]] = {}
    if len(names) == 1:  # the usual file: one source name
        by_name[names.pop()] = [order.source_id for order in keyed]
    else:
        for order in keyed:
            by_name.setdefault(order.source_name, []).append(order.source_id)
    if conn.dialect.name == "postgresql":
        sql = (
            "SELECT source_id, id FROM orders WHERE store_id = %s AND source_name = %s "
            "AND source_id = ANY(%s::varchar[])"
        )
    else:
        sql = (
            "SELECT source_id, id FROM orders WHERE store_id = ? AND source_name = ? "
            "AND source_id IN (SELECT value FROM json_each(?))"
        )
    found: dict[tuple[str, str], int] = {}
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for name, source_ids in by_name.items():
            ids: Any = source_ids
            if conn.dialect.name != "postgresql":
                ids = orjson.dumps(source_ids).decode()
            cursor.execute(sql, (store_id, name, ids))
            found.update(((name, source_id), oid) for source_id, oid in cursor.fetchall())
    finally:
        cursor.close()
    return found


def _allocate_ids(conn: Connection, count: int) -> list[int]:
    """Order ids for a whole batch up front, so the rows can be written without RETURNING.
    PostgreSQL draws them from the table's sequence; SQLite continues after the highest id
    ever used — safe, because the batch holds SQLite's write lock."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return [int(row[0]) for row in rows]
    highest = conn.execute(
        text("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'orders'), 0), "
             "coalesce((SELECT max(id) FROM orders), 0))")
    ).scalar_one()  # fmt: skip
    return list(range(int(highest) + 1, int(highest) + 1 + count))


def _write_rows(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Converted rows (tuples in the order of `columns`) through the driver's fastest path:
    COPY on PostgreSQL, one executemany of a prepared INSERT on SQLite."""
    if not rows:
        return
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for values in rows:
                copy.write_row(values)
        return
    placeholders = ", ".join("?" for _ in columns)
    # Table and column names come from our own schema, never from input.
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    cursor = raw.cursor()
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()


_converters: dict[tuple[str, str, str], Callable[[dict[str, Any]], dict[str, Any]]] = {}


def converter(dialect: Dialect, table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function converting a row's values in place, as SQLAlchemy itself would for this
    dialect (the dialect's implementation of each column type: Fixed4 money to integers,
    SQLite dates to the same text as ordinary statements write). Columns without a
    conversion are left as they are."""
    key = (dialect.name, str(dialect.driver), table.name)
    found = _converters.get(key)
    if found is None:
        processors = [
            (column.name, processor)
            for column in table.columns
            if (processor := column.type.dialect_impl(dialect).bind_processor(dialect))
        ]

        def convert(row: dict[str, Any]) -> dict[str, Any]:
            for name, processor in processors:
                if name in row:
                    row[name] = processor(row[name])
            return row

        found = _converters[key] = convert
    return found
