"""Bulk import: many validated orders in one transaction, with a few statements per batch
instead of several per order.

Duplicates — an order whose (source_name, source_id) the store already has, or that appears
twice in the batch — are skipped and reported, never inserted, so re-running an import is
safe. The unique index stays the final word: if a concurrent writer wins a race, the caller
retries the batch and the pre-check then sees the winner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, String, Table, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY

from orderhub.domain.orders import Order, apply_totals
from orderhub.storage import count_cache
from orderhub.storage.orders import SURFACE_SOURCE_NAMES, item_row_values, order_row_values
from orderhub.storage.stores import default_folder, list_folders, utcnow
from orderhub.storage.tables import order_history, order_items, orders


@dataclass
class BatchResult:
    imported: list[int] = field(default_factory=list)
    # (position in the batch, id of the order that already has its source key)
    duplicates: list[tuple[int, int | None]] = field(default_factory=list)
    # (position in the batch, reason)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_batch(
    conn: Connection, store_id: int, batch: Sequence[Order], *, surface: str = "cli"
) -> BatchResult:
    result = BatchResult()
    if conn.dialect.name == "postgresql":
        # A batch lost to a crash right after commit is simply imported again by the re-run
        # (imports skip what is already there), so this transaction need not wait for fsync.
        conn.execute(text("SET LOCAL synchronous_commit = off"))
    folder_ids = {f.id for f in list_folders(conn, store_id)}
    fallback_folder = default_folder(conn, store_id).id
    existing = _existing_keys(conn, store_id, batch)
    now = utcnow()
    accepted: list[tuple[int, Order]] = []
    seen: set[tuple[str, str]] = set()
    for position, order in enumerate(batch):
        if order.source_id:
            key = (order.source_name, order.source_id)
            if key in existing or key in seen:
                result.duplicates.append((position, existing.get(key)))
                continue
            seen.add(key)
        if order.folder_id is not None and order.folder_id not in folder_ids:
            result.rejected.append(
                (position, f"folder_id: folder {order.folder_id} does not exist in this store")
            )
            continue
        accepted.append((position, order))
    if not accepted:
        return result

    new_ids = _allocate_ids(conn, len(accepted))
    order_rows = []
    for oid, (_, order) in zip(new_ids, accepted, strict=True):
        apply_totals(order)
        values = order_row_values(order)
        values.update(
            id=oid,
            store_id=store_id,
            folder_id=order.folder_id or fallback_folder,
            source_id=order.source_id or str(oid),
            date_added=order.date_added or now,
            date_updated=now,
        )
        order_rows.append(values)
    _write_rows(conn, orders, order_rows)
    count_cache.bump(store_id)
    item_rows = [
        {**item_row_values(item), "order_id": oid, "store_id": store_id, "position": i}
        for oid, (_, order) in zip(new_ids, accepted, strict=True)
        for i, item in enumerate(order.items)
    ]
    _write_rows(conn, order_items, item_rows)
    source_name = SURFACE_SOURCE_NAMES.get(surface, surface)
    history = {
        "store_id": store_id, "source_name": source_name, "note": "Order imported",
        "event": "created", "surface": surface, "date_added": now,
    }  # fmt: skip
    _write_rows(conn, order_history, [{**history, "order_id": oid} for oid in new_ids])
    result.imported = new_ids
    return result


def refresh_statistics(conn: Connection) -> None:
    """After a large load PostgreSQL's planner still believes the tables are small and picks
    poor plans (even for the duplicate check of the next batch); ANALYZE tells it."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("ANALYZE orders"))
        conn.execute(text("ANALYZE order_items"))


def _existing_keys(
    conn: Connection, store_id: int, batch: Sequence[Order]
) -> dict[tuple[str, str], int]:
    """Which of the batch's (source_name, source_id) the store already has. One query per
    source name, each a plain `IN` list that the unique index answers directly."""
    by_name: dict[str, list[str]] = {}
    for order in batch:
        if order.source_id:
            by_name.setdefault(order.source_name, []).append(order.source_id)
    found: dict[tuple[str, str], int] = {}
    for name, source_ids in by_name.items():
        if conn.dialect.name == "postgresql":
            # One array parameter, not thousands of placeholders to parse and plan.
            matches = orders.c.source_id == any_(bindparam("ids", source_ids, type_=ARRAY(String)))
        else:
            matches = orders.c.source_id.in_(source_ids)
        rows = conn.execute(
            select(orders.c.source_id, orders.c.id).where(
                orders.c.store_id == store_id, orders.c.source_name == name, matches
            )
        )
        found.update({(name, row.source_id): row.id for row in rows})
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


def _write_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Plain rows through the driver's fastest path: COPY on PostgreSQL, one executemany of
    a prepared INSERT on SQLite. Values go through each column's own type conversion, applied
    only to the columns that have one (most are passed as they are)."""
    if not rows:
        return
    columns = tuple(rows[0])
    data = _row_tuples(conn, table, columns, rows)
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for values in data:
                copy.write_row(values)
        return
    placeholders = ", ".join("?" for _ in columns)
    # Table and column names come from our own schema, never from input.
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    cursor = raw.cursor()
    try:
        cursor.executemany(statement, data)
    finally:
        cursor.close()


def _row_tuples(
    conn: Connection, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> list[list[Any]]:
    take = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    converted = [
        (i, processor)
        for i, name in enumerate(columns)
        if (processor := _bind_processor(conn, table, name)) is not None
    ]
    data: list[list[Any]] = []
    for row in rows:
        values = list(take(row))
        for i, processor in converted:
            values[i] = processor(values[i])
        data.append(values)
    return data


def _bind_processor(conn: Connection, table: Table, column: str) -> Any:
    """The conversion SQLAlchemy itself applies to the column on this dialect — the
    dialect's implementation of the type, so that (for one) SQLite dates are written in the
    same text format as rows written through ordinary statements."""
    type_ = table.c[column].type
    return type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)
