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

from sqlalchemy import Connection, insert, select, tuple_, update

from orderhub.domain.orders import Order, apply_totals
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
    folder_ids = {f.id for f in list_folders(conn, store_id)}
    fallback_folder = default_folder(conn, store_id).id
    keys = [(o.source_name, o.source_id) for o in batch if o.source_id]
    existing: dict[tuple[str, str], int] = {}
    for chunk_start in range(0, len(keys), 500):
        chunk = keys[chunk_start : chunk_start + 500]
        rows = conn.execute(
            select(orders.c.source_name, orders.c.source_id, orders.c.id).where(
                orders.c.store_id == store_id,
                tuple_(orders.c.source_name, orders.c.source_id).in_(chunk),
            )
        )
        existing.update({(r.source_name, r.source_id): r.id for r in rows})

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

    rows_in = []
    for _, order in accepted:
        apply_totals(order)
        values = order_row_values(order)
        values.update(
            store_id=store_id,
            folder_id=order.folder_id or fallback_folder,
            source_id=order.source_id or None,
            date_added=order.date_added or now,
            date_updated=now,
        )
        rows_in.append(values)
    new_ids = [
        int(row.id)
        for row in conn.execute(
            insert(orders).returning(orders.c.id, sort_by_parameter_order=True), rows_in
        )
    ]
    without_source = [oid for oid, (_, o) in zip(new_ids, accepted, strict=True) if not o.source_id]
    if without_source:
        conn.execute(
            update(orders)
            .where(orders.c.id.in_(without_source))
            .values(source_id=orders.c.id.cast(orders.c.source_id.type))
        )
    item_rows = [
        {**item_row_values(item), "order_id": oid, "store_id": store_id, "position": i}
        for oid, (_, order) in zip(new_ids, accepted, strict=True)
        for i, item in enumerate(order.items)
    ]
    if item_rows:
        conn.execute(insert(order_items), item_rows)
    source_name = SURFACE_SOURCE_NAMES.get(surface, surface)
    conn.execute(
        insert(order_history),
        [
            {
                "order_id": oid,
                "store_id": store_id,
                "source_name": source_name,
                "note": "Order imported",
                "event": "created",
                "surface": surface,
                "date_added": now,
            }
            for oid in new_ids
        ],
    )
    result.imported = new_ids
    return result
