"""Order searches as SQL: one page of ids, and counts; and the desk's look-up that the API
has no filter for, the orders holding items of an inventory code (the orders that took its
stock).

Selecting ids first keeps a deep page on the composite indexes; the rows are hydrated
afterwards (`load.load_orders`) for just that page.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, and_, func, literal, or_, select, tuple_
from sqlalchemy.sql import ColumnElement

from orderhub.domain.queries import SORTABLE_FIELDS, OrderQuery
from orderhub.domain.values import like_contains, parse_id
from orderhub.storage.shipment_tables import shipments
from orderhub.storage.tables import folders, order_items, orders

SORT_COLUMNS: dict[str, ColumnElement[Any]] = {name: orders.c[name] for name in SORTABLE_FIELDS}


def _contains(column: ColumnElement[Any], needle: str) -> ColumnElement[bool]:
    return func.lower(column).like(like_contains(needle), escape="\\")


def conditions(store_id: int, query: OrderQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [orders.c.store_id == store_id]
    if query.ids is not None:
        conds.append(orders.c.id.in_(query.ids))
    if query.folder_ids is not None:
        conds.append(orders.c.folder_id.in_(query.folder_ids))
    if query.folder_name is not None:
        conds.append(orders.c.folder_id.in_(
            select(folders.c.id).where(
                folders.c.store_id == store_id, folders.c.name == query.folder_name
            )
        ))  # fmt: skip
    if query.pod_status is not None:
        conds.append(orders.c.folder_id.in_(
            select(folders.c.id).where(
                folders.c.store_id == store_id, folders.c.pod_status == query.pod_status
            )
        ))  # fmt: skip
    for name in ("source_id", "source_name", "customer_id"):
        value = getattr(query, name)
        if value is not None:
            conds.append(orders.c[name] == value)
    if query.email is not None:
        conds.append(func.lower(orders.c.email) == query.email.lower())
    bounds = (
        (query.added_from, orders.c.date_added, True),
        (query.added_to, orders.c.date_added, False),
        (query.updated_from, orders.c.date_updated, True),
        (query.updated_to, orders.c.date_updated, False),
    )
    for value, column, lower in bounds:
        if value is not None:
            conds.append(column >= value if lower else column <= value)
    if query.since_id is not None:
        conds.append(orders.c.id > query.since_id)
    if query.after is not None:
        key = tuple_(SORT_COLUMNS[query.sort], orders.c.id)
        bound = tuple_(
            literal(query.after[0], SORT_COLUMNS[query.sort].type), literal(query.after[1])
        )
        conds.append(key < bound if query.descending else key > bound)
    for name, needle in query.address_contains.items():
        conds.append(_contains(orders.c[name], needle))
    if query.text:
        conds.append(_text_condition(store_id, query.text.strip()))
    return conds


def _text_condition(store_id: int, text: str) -> ColumnElement[bool]:
    """The desk's search box: an order id, a source id, an email, a name, a phone, a
    country, a metadata value, a tracking number, or an item's code or name. Tracking
    numbers and item codes are matched exactly, on their (store, ...) indexes."""
    either: list[ColumnElement[bool]] = [
        orders.c.source_id == text,
        func.lower(orders.c.email) == text.lower(),
        _contains(orders.c.shipping_last_name, text),
        _contains(orders.c.shipping_first_name, text),
        _contains(orders.c.customer_last_name, text),
        _contains(orders.c.shipping_phone, text),
        _contains(orders.c.customer_phone, text),
        func.lower(orders.c.shipping_country) == text.lower(),
        # A metadata value is stored as JSON text: the value with its quotes.
        _contains(orders.c.order_metadata, orjson.dumps(text).decode()),
        orders.c.id.in_(
            select(shipments.c.order_id).where(
                shipments.c.store_id == store_id, shipments.c.tracking_number == text
            )
        ),
        orders.c.id.in_(
            select(order_items.c.order_id).where(
                order_items.c.store_id == store_id,
                or_(order_items.c.code == text, _contains(order_items.c.name, text)),
            )
        ),
    ]
    order_id = parse_id(text.lstrip("#"))
    if order_id is not None:
        either.append(orders.c.id == order_id)
    return or_(*either)


def search_order_ids(
    conn: Connection, store_id: int, query: OrderQuery, *, limit: int, offset: int
) -> list[int]:
    column = SORT_COLUMNS[query.sort]
    order_by = (column.desc(), orders.c.id.desc()) if query.descending else (column, orders.c.id)
    stmt = (
        select(orders.c.id)
        .where(and_(*conditions(store_id, query)))
        .order_by(*order_by)
        .limit(limit)
        .offset(offset)
    )
    return [int(i) for i in conn.execute(stmt).scalars()]


def count_orders(conn: Connection, store_id: int, query: OrderQuery) -> int:
    stmt = select(func.count()).select_from(orders).where(and_(*conditions(store_id, query)))
    return int(conn.execute(stmt).scalar_one())


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
