"""Suppliers: the print providers a store forwards orders to (their forwarding jobs are in
`storage/forwarding_jobs.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, NotFound
from orderhub.storage.supplier_tables import forwarding_jobs as jobs
from orderhub.storage.supplier_tables import suppliers as table


@dataclass(frozen=True)
class Supplier:
    id: int
    store_id: int
    name: str
    base_url: str
    app_id: str
    secret: str
    folder_id: int
    code_patterns: tuple[str, ...]
    shipping_map: dict[str, str]
    at_supplier_folder_id: int | None
    failed_folder_id: int | None
    created_at: datetime

    def __repr__(self) -> str:  # never the secret, in a log or a traceback
        return f"Supplier(id={self.id}, store_id={self.store_id}, name={self.name!r})"


def _supplier(row: Any) -> Supplier:
    return Supplier(
        id=row.id, store_id=row.store_id, name=row.name, base_url=row.base_url,
        app_id=row.app_id, secret=row.secret, folder_id=row.folder_id,
        code_patterns=tuple(orjson.loads(row.code_patterns)),
        shipping_map=dict(orjson.loads(row.shipping_map)),
        at_supplier_folder_id=row.at_supplier_folder_id, failed_folder_id=row.failed_folder_id,
        created_at=row.created_at,
    )  # fmt: skip


def add_supplier(
    conn: Connection,
    store_id: int,
    *,
    name: str,
    base_url: str,
    app_id: str,
    secret: str,
    folder_id: int,
    code_patterns: list[str],
    shipping_map: dict[str, str],
    at_supplier_folder_id: int | None,
    failed_folder_id: int | None,
) -> Supplier:
    if find_supplier(conn, store_id, name) is not None:
        raise Conflict(f"store {store_id} already has a supplier named {name!r}")
    try:
        supplier_id = conn.execute(
            insert(table).values(
                store_id=store_id, name=name, base_url=base_url, app_id=app_id, secret=secret,
                folder_id=folder_id, code_patterns=orjson.dumps(code_patterns).decode(),
                shipping_map=orjson.dumps(shipping_map).decode(),
                at_supplier_folder_id=at_supplier_folder_id, failed_folder_id=failed_folder_id,
                created_at=utcnow(),
            ).returning(table.c.id)
        ).scalar_one()  # fmt: skip
    except IntegrityError:
        raise Conflict(f"store {store_id} already has a supplier named {name!r}") from None
    return get_supplier(conn, store_id, int(supplier_id))


def update_supplier(
    conn: Connection,
    store_id: int,
    supplier_id: int,
    *,
    name: str,
    base_url: str,
    app_id: str,
    secret: str,
    folder_id: int,
    code_patterns: list[str],
    shipping_map: dict[str, str],
    at_supplier_folder_id: int | None,
    failed_folder_id: int | None,
) -> Supplier:
    get_supplier(conn, store_id, supplier_id)
    clash = find_supplier(conn, store_id, name)
    if clash is not None and clash.id != supplier_id:
        raise Conflict(f"name: store {store_id} already has a supplier named {name!r}")
    conn.execute(
        update(table)
        .where(table.c.id == supplier_id, table.c.store_id == store_id)
        .values(
            name=name, base_url=base_url, app_id=app_id, secret=secret, folder_id=folder_id,
            code_patterns=orjson.dumps(code_patterns).decode(),
            shipping_map=orjson.dumps(shipping_map).decode(),
            at_supplier_folder_id=at_supplier_folder_id, failed_folder_id=failed_folder_id,
        )
    )  # fmt: skip
    return get_supplier(conn, store_id, supplier_id)


def list_suppliers(conn: Connection, store_id: int) -> list[Supplier]:
    rows = conn.execute(select(table).where(table.c.store_id == store_id).order_by(table.c.id))
    return [_supplier(row) for row in rows]


def find_supplier(conn: Connection, store_id: int, name: str) -> Supplier | None:
    row = conn.execute(
        select(table).where(table.c.store_id == store_id, table.c.name == name)
    ).first()
    return _supplier(row) if row else None


def get_supplier(conn: Connection, store_id: int, supplier_id: int) -> Supplier:
    row = conn.execute(
        select(table).where(table.c.store_id == store_id, table.c.id == supplier_id)
    ).first()
    if row is None:
        raise NotFound(f"supplier {supplier_id} not found in store {store_id}")
    return _supplier(row)


def supplier_by_id(conn: Connection, supplier_id: int) -> Supplier | None:
    """Any store's supplier: for the notification endpoint, which the signature authenticates."""
    row = conn.execute(select(table).where(table.c.id == supplier_id)).first()
    return _supplier(row) if row else None


def remove_supplier(conn: Connection, store_id: int, supplier_id: int) -> None:
    get_supplier(conn, store_id, supplier_id)
    conn.execute(delete(jobs).where(jobs.c.supplier_id == supplier_id))
    conn.execute(delete(table).where(table.c.id == supplier_id))
