"""Inventory items, and stock changes applied atomically inside an order's transaction.

Each code's stock moves by one conditional UPDATE (no read-modify-write, so concurrent
orders can never lose an update), and codes are always updated in sorted order so that two
orders touching the same codes lock them in the same order and cannot deadlock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    bindparam,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from orderhub.domain.dates import utcnow
from orderhub.domain.errors import Conflict, InvalidInput, NotFound
from orderhub.domain.inventory import InventoryItem, StockPolicy, stock_out_of_range
from orderhub.domain.limits import MAX_STOCK
from orderhub.domain.values import dumps_php, like_contains, loads_map
from orderhub.storage.inventory_tables import inventory_items as inv
from orderhub.storage.stores import get_store

# The new stock must stay within ±MAX_STOCK (computed as BIGINT: INTEGER would overflow).
_NEW_STOCK = cast(inv.c.stock, BigInteger) - bindparam("p_units", type_=BigInteger)
_TAKE = (
    update(inv)
    .where(inv.c.store_id == bindparam("p_store_id"), inv.c.code == bindparam("p_code"))
    .where(_NEW_STOCK.between(-MAX_STOCK, MAX_STOCK))
    .values(stock=inv.c.stock - bindparam("p_units"), date_updated=bindparam("p_now"))
)
_TAKE_IF_AVAILABLE = _TAKE.where(inv.c.stock >= bindparam("p_units"))
_STOCK_OF = select(inv.c.stock).where(
    inv.c.store_id == bindparam("p_store_id"), inv.c.code == bindparam("p_code")
)


def stock_policy(conn: Connection, store_id: int) -> StockPolicy:
    return StockPolicy.from_settings(get_store(conn, store_id).settings)


def apply_stock(
    conn: Connection, store_id: int, units_by_code: dict[str, int], policy: StockPolicy
) -> None:
    """Take (positive) or give back (negative) units per code. With negative stock refused,
    a take that would go below zero raises Conflict and the caller's transaction rolls back."""
    if not policy.enabled:
        return
    now = utcnow()
    for code in sorted(units_by_code):
        units = units_by_code[code]
        params = {"p_store_id": store_id, "p_code": code, "p_units": units, "p_now": now}
        guarded = policy.reject_negative and units > 0
        changed = conn.execute(_TAKE_IF_AVAILABLE if guarded else _TAKE, params).rowcount
        if not changed:
            have = conn.execute(_STOCK_OF, params).scalar_one_or_none()
            if have is not None and guarded and have < units:
                raise Conflict(f"insufficient stock for code {code} (have {have}, need {units})")
            if have is not None:
                raise InvalidInput(stock_out_of_range(code, have, units))


def _row_to_item(row: Any) -> InventoryItem:
    return InventoryItem(
        id=row.id,
        name=row.name,
        code=row.code,
        price=row.price,
        cost=row.cost,
        weight=row.weight,
        stock=row.stock,
        location=row.location,
        update_source=row.update_source,
        manufacturer_sku=row.manufacturer_sku,
        metadata=loads_map(row.metadata),
        variation_list=loads_map(row.variation_list),
        date_added=row.date_added,
        date_updated=row.date_updated,
    )


def _values(item: InventoryItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "code": item.code,
        "price": item.price,
        "cost": item.cost,
        "weight": item.weight,
        "stock": item.stock,
        "location": item.location,
        "update_source": item.update_source,
        "manufacturer_sku": item.manufacturer_sku,
        "metadata": dumps_php(item.metadata),
        "variation_list": dumps_php(item.variation_list),
    }


def _code_taken(code: str) -> Conflict:
    return Conflict(f"code: an inventory item with code {code!r} already exists")


def create_item(conn: Connection, store_id: int, item: InventoryItem) -> int:
    if conn.execute(
        select(inv.c.id).where(inv.c.store_id == store_id, inv.c.code == item.code)
    ).first():
        raise _code_taken(item.code)
    now = utcnow()
    try:
        return int(
            conn.execute(
                insert(inv)
                .values(**_values(item), store_id=store_id, date_added=now, date_updated=now)
                .returning(inv.c.id)
            ).scalar_one()
        )
    except IntegrityError:  # a concurrent create of the same code won; this tx rolls back
        raise _code_taken(item.code) from None


def replace_item(conn: Connection, store_id: int, item_id: int, item: InventoryItem) -> None:
    clash = conn.execute(
        select(inv.c.id).where(
            inv.c.store_id == store_id, inv.c.code == item.code, inv.c.id != item_id
        )
    ).first()
    if clash:
        raise _code_taken(item.code)
    changed = conn.execute(
        update(inv)
        .where(inv.c.id == item_id, inv.c.store_id == store_id)
        .values(**_values(item), date_updated=utcnow())
    ).rowcount
    if not changed:
        raise NotFound(f"Inventory Item {item_id} not found")


def delete_item(conn: Connection, store_id: int, item_id: int) -> None:
    if not conn.execute(
        delete(inv).where(inv.c.id == item_id, inv.c.store_id == store_id)
    ).rowcount:
        raise NotFound(f"Inventory Item {item_id} not found")


def get_item(conn: Connection, store_id: int, item_id: int) -> InventoryItem:
    row = conn.execute(select(inv).where(inv.c.id == item_id, inv.c.store_id == store_id)).first()
    if row is None:
        raise NotFound(f"Inventory Item {item_id} not found")
    return _row_to_item(row)


def find_by_code(conn: Connection, store_id: int, code: str) -> InventoryItem | None:
    row = conn.execute(select(inv).where(inv.c.store_id == store_id, inv.c.code == code)).first()
    return _row_to_item(row) if row else None


def list_items(
    conn: Connection,
    store_id: int,
    *,
    codes: list[str] | None,
    search: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[InventoryItem]]:
    conds = [inv.c.store_id == store_id]
    if codes:
        conds.append(inv.c.code.in_(codes))
    if search:
        needle = like_contains(search)
        conds.append(
            or_(
                func.lower(inv.c.name).like(needle, escape="\\"),
                func.lower(inv.c.code).like(needle, escape="\\"),
            )
        )
    total = int(conn.execute(select(func.count()).select_from(inv).where(*conds)).scalar_one())
    rows = conn.execute(select(inv).where(*conds).order_by(inv.c.id).limit(limit).offset(offset))
    return total, [_row_to_item(row) for row in rows]


def update_if_unchanged(
    conn: Connection,
    store_id: int,
    item_id: int,
    values: dict[str, Any],
    *,
    expected: dict[str, Any],
) -> bool:
    """Set `values` only if the item's columns still hold `expected` (what the caller saw:
    the fields it overwrites and `date_updated`): one conditional UPDATE, so a save never
    overwrites a change it did not see, stock moved by an order included. False when the
    item changed."""
    changed = conn.execute(
        update(inv)
        .where(
            inv.c.id == item_id,
            inv.c.store_id == store_id,
            *(inv.c[name] == value for name, value in expected.items()),
        )
        .values(**values, date_updated=utcnow())
    ).rowcount
    return bool(changed)
