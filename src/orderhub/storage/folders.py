"""Folder management and moving orders between folders.

A folder may stand for one print-on-demand status (`pod_status`, unique per store); an
order's print-on-demand status is the status of the folder it is in, so a move is a status
change. A folder that still holds orders cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from orderhub.domain.errors import Conflict, InvalidInput, NotFound
from orderhub.domain.folders import POD_STATUSES
from orderhub.domain.stores import Folder
from orderhub.storage.stores import find_folder, list_folders
from orderhub.storage.supplier_tables import suppliers
from orderhub.storage.tables import folders, orders


def folders_with_counts(conn: Connection, store_id: int) -> list[tuple[Folder, int]]:
    counts: dict[int, int] = dict(
        conn.execute(
            select(orders.c.folder_id, func.count())
            .where(orders.c.store_id == store_id)
            .group_by(orders.c.folder_id)
        ).all()
    )
    return [(f, int(counts.get(f.id, 0))) for f in list_folders(conn, store_id)]


def _check_pod_status(pod_status: str | None) -> None:
    if pod_status is not None and pod_status not in POD_STATUSES:
        raise InvalidInput(f"pod_status: must be one of {', '.join(POD_STATUSES)}")


def create_folder(conn: Connection, store_id: int, name: str, pod_status: str | None) -> Folder:
    _check_pod_status(pod_status)
    _ensure_free(conn, store_id, name=name, pod_status=pod_status)
    position = conn.execute(
        select(func.coalesce(func.max(folders.c.position) + 1, 0)).where(
            folders.c.store_id == store_id
        )
    ).scalar_one()
    try:
        folder_id = conn.execute(
            insert(folders)
            .values(store_id=store_id, name=name, position=position, pod_status=pod_status)
            .returning(folders.c.id)
        ).scalar_one()
    except IntegrityError:
        raise Conflict(f"name: a folder named {name!r} already exists") from None
    return Folder(int(folder_id), name, position, pod_status)


def _ensure_free(
    conn: Connection,
    store_id: int,
    *,
    name: str,
    pod_status: str | None,
    other_than: int | None = None,
) -> None:
    same_name = find_folder(conn, store_id, name=name)
    if same_name is not None and same_name.id != other_than:
        raise Conflict(f"name: a folder named {name!r} already exists")
    if pod_status is not None:
        for folder in list_folders(conn, store_id):
            if folder.pod_status == pod_status and folder.id != other_than:
                raise Conflict(
                    f"pod_status: folder {folder.name!r} already stands for {pod_status!r}"
                )


def rename_folder(conn: Connection, store_id: int, folder_id: int, name: str) -> Folder:
    folder = find_folder(conn, store_id, folder_id=folder_id)
    if folder is None:
        raise NotFound(f"Folder {folder_id} not found")
    _ensure_free(conn, store_id, name=name, pod_status=None, other_than=folder_id)
    conn.execute(update(folders).where(folders.c.id == folder_id).values(name=name))
    return Folder(folder.id, name, folder.position, folder.pod_status)


def delete_folder(conn: Connection, store_id: int, folder_id: int) -> None:
    folder = find_folder(conn, store_id, folder_id=folder_id)
    if folder is None:
        raise NotFound(f"Folder {folder_id} not found")
    held = conn.execute(
        select(func.count()).where(orders.c.store_id == store_id, orders.c.folder_id == folder_id)
    ).scalar_one()
    if held:
        raise Conflict(f"Folder {folder_id} still holds {held} orders; move them first")
    if len(list_folders(conn, store_id)) == 1:
        raise Conflict("a store keeps at least one folder")
    conn.execute(delete(folders).where(folders.c.id == folder_id))


def suppliers_using(conn: Connection, store_id: int, folder_id: int) -> list[str]:
    """Names of the store's suppliers that forward from, or move orders to, the folder."""
    rows = conn.execute(
        select(suppliers.c.name).where(
            suppliers.c.store_id == store_id,
            or_(
                suppliers.c.folder_id == folder_id,
                suppliers.c.at_supplier_folder_id == folder_id,
                suppliers.c.failed_folder_id == folder_id,
            ),
        )
    )
    return [row.name for row in rows]


def order_ids_in(conn: Connection, store_id: int, folder_id: int, limit: int) -> list[int]:
    """Up to `limit` ids of the folder's orders (the (store, folder, date) index)."""
    rows = conn.execute(
        select(orders.c.id)
        .where(orders.c.store_id == store_id, orders.c.folder_id == folder_id)
        .order_by(orders.c.id)
        .limit(limit)
    )
    return [int(row.id) for row in rows]


def swap_with_neighbour(
    conn: Connection, store_id: int, folder_id: int, *, up: bool
) -> Folder | None:
    """Swap the folder's place with the one before (`up`) or after it; None at an end.
    Positions are renumbered 0.. first, so equal positions never make a swap a no-op."""
    listed = list_folders(conn, store_id)
    index = next((i for i, f in enumerate(listed) if f.id == folder_id), None)
    if index is None:
        raise NotFound(f"Folder {folder_id} not found")
    other = index - 1 if up else index + 1
    if not 0 <= other < len(listed):
        return None
    listed[index], listed[other] = listed[other], listed[index]
    for position, folder in enumerate(listed):
        if folder.position != position:
            conn.execute(update(folders).where(folders.c.id == folder.id).values(position=position))
    return listed[other]


# `store_id + 0`: fetched by primary key, never by walking a (store_id, ...) index over the
# whole store (see storage/orders/load.py).
_LOCK_ORDERS = (
    select(orders.c.id, orders.c.folder_id)
    .where(
        orders.c.id.in_(bindparam("p_ids", expanding=True)),
        (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
    )
    .order_by(orders.c.id)
    .with_for_update()
)


def lock_orders(conn: Connection, store_id: int, order_ids: Sequence[int]) -> dict[int, int]:
    """{order id: folder id} of the store's orders among `order_ids`, rows locked in id
    order — the same order every mover uses, so concurrent moves cannot deadlock."""
    if not order_ids:
        return {}
    rows = conn.execute(_LOCK_ORDERS, {"p_ids": list(order_ids), "p_store_id": store_id})
    return {row.id: row.folder_id for row in rows}
