"""Orders, items and history in SQL.

Every function takes the caller's connection, so one request's writes are one transaction.
Every query is scoped by `store_id`. Writers that change an existing order lock its row first
(`FOR UPDATE` on PostgreSQL; SQLite's write lock is already exclusive), so concurrent item
edits can never compute totals from a stale item list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql import ColumnElement

from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.inventory import StockPolicy, demand, difference
from orderhub.domain.money import money_string
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    SHIPPING_ADDRESS_FIELDS,
    Discount,
    HistoryEntry,
    Item,
    Order,
    apply_totals,
)
from orderhub.storage import count_cache, notifications
from orderhub.storage.inventory import apply_stock, stock_policy
from orderhub.storage.order_search import text_condition
from orderhub.storage.shipment_rows import load_for_orders as load_shipments
from orderhub.storage.stores import default_folder, find_folder, utcnow
from orderhub.storage.tables import folders, order_history, order_items, orders

_SIMPLE_FIELDS = (
    "source_name",
    "email",
    "shipping_method",
    "shipping_total",
    "handling_total",
    "tax_total",
    "refund_total",
    "cc_number_masked",
    "cc_exp",
    "processor_response",
    "payment_type",
    "payment_status",
    "customer_id",
    "ip_address",
    "tag_color",
    "tag_name",
    "fulfillment_name",
    "fulfillment_id",
)
_TOTAL_FIELDS = ("quantity_total", "weight_total", "product_total", "discount_total", "order_total")
_JSON_FIELDS = ("return_address", "checkout_data", "order_metadata", "order_notes")
_ITEM_FIELDS = (
    "name",
    "price",
    "quantity",
    "weight",
    "code",
    "delivery_type",
    "category_code",
    "fulfillment_method",
)

# Columns a list may be sorted by: every scalar column of the order.
SORTABLE_COLUMNS: dict[str, ColumnElement[Any]] = {
    name: orders.c[name]
    for name in (
        "id",
        "folder_id",
        "date_added",
        "date_updated",
        "source_id",
        *_SIMPLE_FIELDS,
        *_TOTAL_FIELDS,
        "processor_balance",
        *(f"shipping_{f}" for f in SHIPPING_ADDRESS_FIELDS),
        *(f"customer_{f}" for f in ADDRESS_FIELDS),
    )
}
SEARCHABLE_ADDRESS_COLUMNS = tuple(
    f"{prefix}_{f}"
    for prefix in ("customer", "shipping")
    for f in ("first_name", "last_name", "company", "address1", "phone")
)


# Hot statements are built once with bind parameters: SQLAlchemy then compiles each a single
# time, and a request pays only for its parameters (building a statement per call costs more
# than running it on SQLite).
_INSERT_ORDER = insert(orders).returning(orders.c.id)
_INSERT_ORDER_IN_FIRST_FOLDER = (
    insert(orders)
    .values(
        folder_id=select(folders.c.id)
        .where(folders.c.store_id == bindparam("p_folder_store_id"))
        .order_by(folders.c.position, folders.c.id)
        .limit(1)
        .scalar_subquery()
    )
    .returning(orders.c.id)
)
_INSERT_HISTORY = insert(order_history)
_FIND_BY_SOURCE = select(orders.c.id).where(
    orders.c.store_id == bindparam("p_store_id"),
    orders.c.source_name == bindparam("p_source_name"),
    orders.c.source_id == bindparam("p_source_id"),
)
_UPDATE_ORDER = update(orders).where(orders.c.id == bindparam("p_order_id"))
_same_email = orders.alias("same_email")
_EMAIL_COUNT = (
    select(func.count())
    .where(
        _same_email.c.store_id == orders.c.store_id,
        _same_email.c.email == orders.c.email,
        orders.c.email != "",
    )
    .scalar_subquery()
    .label("email_count")
)
# `store_id + 0`: the store check must not be answered from a (store_id, ...) index. Without
# statistics SQLite would otherwise walk the whole store through one of those indexes instead
# of fetching the listed ids by primary key — 100+ ms per page on a store of 1M orders.
_ORDERS_BY_IDS = select(orders, _EMAIL_COUNT).where(
    orders.c.id.in_(bindparam("p_ids", expanding=True)),
    (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
)
_ITEMS_BY_ORDER_IDS = (
    select(order_items)
    .where(order_items.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(order_items.c.order_id, order_items.c.position, order_items.c.id)
)
_HISTORY_BY_ORDER_IDS = (
    select(order_history)
    .where(order_history.c.order_id.in_(bindparam("p_ids", expanding=True)))
    .order_by(order_history.c.order_id, order_history.c.id)
)


def _dumps(value: Any) -> str:
    """PHP-style: an empty map or list is stored (and shown) as []."""
    return "[]" if not value else orjson.dumps(value).decode()


def _loads_map(text: str) -> dict[str, Any]:
    value = orjson.loads(text)
    return value if isinstance(value, dict) else {}


def order_row_values(order: Order) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(order, name) for name in _SIMPLE_FIELDS}
    values.update({name: getattr(order, name) for name in _TOTAL_FIELDS})
    values["processor_balance"] = (
        order.order_total if order.processor_balance is None else order.processor_balance
    )
    for name in SHIPPING_ADDRESS_FIELDS:
        values[f"shipping_{name}"] = order.shipping.get(name, "")
    for name in ADDRESS_FIELDS:
        values[f"customer_{name}"] = order.customer.get(name, "")
    for name in _JSON_FIELDS:
        values[name] = _dumps(getattr(order, name))
    values["pod_data"] = orjson.dumps(order.pod_data).decode()
    values["deleted"] = order.deleted
    values["discount_list"] = _dumps(
        [
            {"name": d.name, "code": d.code, "amount": money_string(d.amount)}
            for d in order.discount_list
        ]
    )
    return values


def item_row_values(item: Item) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    values["variation_list"] = _dumps(item.variation_list)
    values["metadata"] = _dumps(item.metadata)
    values["pod_data"] = orjson.dumps(item.pod_data).decode()
    return values


def _resolve_folder(conn: Connection, store_id: int, folder_id: int | None) -> int:
    if folder_id is None:
        return default_folder(conn, store_id).id
    if find_folder(conn, store_id, folder_id=folder_id) is None:
        raise InvalidInput(f"folder_id: folder {folder_id} does not exist in this store")
    return folder_id


# How automatic history entries name the surface a change came through.
SURFACE_SOURCE_NAMES = {"orderdesk": "API", "pod": "Print-on-demand API", "cli": "CLI"}


def record_history(
    conn: Connection,
    store_id: int,
    order_id: int,
    note: str,
    *,
    event: str,
    surface: str,
    source_name: str = "",
    now: datetime,
) -> None:
    count_cache.bump(store_id)
    conn.execute(
        _INSERT_HISTORY,
        {
            "order_id": order_id,
            "store_id": store_id,
            "source_name": source_name or SURFACE_SOURCE_NAMES.get(surface, surface),
            "note": note,
            "event": event,
            "surface": surface,
            "date_added": now,
        },
    )


# --- writes ---------------------------------------------------------------------------


def _policy(conn: Connection, store_id: int, policy: StockPolicy | None) -> StockPolicy:
    return policy if policy is not None else stock_policy(conn, store_id)


def _demand_of(conn: Connection, order_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(order_items.c.code, order_items.c.quantity).where(order_items.c.order_id == order_id)
    )
    return demand((row.code, row.quantity) for row in rows)


@contextmanager
def _stock_follows(
    conn: Connection, store_id: int, order_id: int, policy: StockPolicy | None
) -> Iterator[None]:
    """Whatever the block does to the order's items, inventory stock follows (when the
    store has it switched on): units taken for what was added, given back for what went."""
    resolved = _policy(conn, store_id, policy)
    before = _demand_of(conn, order_id) if resolved.enabled else {}
    yield
    if resolved.enabled:
        apply_stock(conn, store_id, difference(before, _demand_of(conn, order_id)), resolved)


def find_by_source(conn: Connection, store_id: int, source_name: str, source_id: str) -> int | None:
    return conn.execute(
        _FIND_BY_SOURCE,
        {"p_store_id": store_id, "p_source_name": source_name, "p_source_id": source_id},
    ).scalar_one_or_none()


def create_order(
    conn: Connection,
    store_id: int,
    order: Order,
    *,
    surface: str,
    default_source_id: bool = True,
    stock: StockPolicy | None = None,
) -> int:
    """Insert a validated order. A blank `source_id` becomes the new internal id (the Order
    Desk rule) unless `default_source_id` is off."""
    now = utcnow()
    apply_totals(order)
    values = order_row_values(order)
    values.update(
        store_id=store_id,
        source_id=order.source_id or None,
        date_added=order.date_added or now,
        date_updated=now,
    )
    if order.folder_id is None:
        statement = _INSERT_ORDER_IN_FIRST_FOLDER
        values["p_folder_store_id"] = store_id
    else:
        statement = _INSERT_ORDER
        values["folder_id"] = _resolve_folder(conn, store_id, order.folder_id)
    order_id = int(conn.execute(statement, values).scalar_one())
    if not order.source_id and default_source_id:
        conn.execute(_UPDATE_ORDER, {"p_order_id": order_id, "source_id": str(order_id)})
    _insert_items(conn, store_id, order_id, order.items, start=0)
    resolved = _policy(conn, store_id, stock)
    if resolved.enabled:
        taken = demand((item.code, item.quantity) for item in order.items)
        apply_stock(conn, store_id, taken, resolved)
    record_history(
        conn, store_id, order_id, "Order created", event="created", surface=surface, now=now
    )
    return order_id


def _insert_items(
    conn: Connection, store_id: int, order_id: int, items: Iterable[Item], *, start: int
) -> None:
    rows = [
        {**item_row_values(item), "order_id": order_id, "store_id": store_id, "position": start + i}
        for i, item in enumerate(items)
    ]
    if rows:
        conn.execute(insert(order_items), rows)


_LOCK_ORDER = (
    select(
        orders.c.id,
        orders.c.folder_id,
        orders.c.source_name,
        orders.c.source_id,
        orders.c.date_added,
    )
    .where(orders.c.id == bindparam("p_order_id"), orders.c.store_id == bindparam("p_store_id"))
    .with_for_update()
)


def lock_order(conn: Connection, store_id: int, order_id: int) -> Any:
    row = conn.execute(_LOCK_ORDER, {"p_order_id": order_id, "p_store_id": store_id}).first()
    if row is None:
        raise NotFound(f"Order {order_id} not found")
    return row


def replace_order(
    conn: Connection,
    store_id: int,
    order_id: int,
    order: Order,
    *,
    surface: str,
    stock: StockPolicy | None = None,
) -> None:
    """Full replacement (Order Desk PUT). Identity fields a client may leave out — folder,
    source name and id, date added — keep their stored values; everything else omitted is
    blanked. Items with an `id` are updated, items without are added, the rest removed."""
    current = lock_order(conn, store_id, order_id)
    with _stock_follows(conn, store_id, order_id, stock):
        _replace_locked(conn, store_id, order_id, order, current, surface)


def _replace_locked(
    conn: Connection, store_id: int, order_id: int, order: Order, current: Any, surface: str
) -> None:
    existing_ids = set(
        conn.execute(select(order_items.c.id).where(order_items.c.order_id == order_id)).scalars()
    )
    for item in order.items:
        if item.id is not None and item.id not in existing_ids:
            raise InvalidInput(f"order_items: item {item.id} does not belong to order {order_id}")
    now = utcnow()
    apply_totals(order)
    values = order_row_values(order)
    values.update(
        folder_id=_resolve_folder(conn, store_id, order.folder_id)
        if order.folder_id is not None
        else current.folder_id,
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
            _insert_items(conn, store_id, order_id, [item], start=position)
    notifications.enqueue(conn, store_id, order_id, "updated")
    note = "Order updated"
    if values["folder_id"] != current.folder_id:
        note = f"Order updated and moved from folder {current.folder_id} to {values['folder_id']}"
    record_history(conn, store_id, order_id, note, event="updated", surface=surface, now=now)


def delete_order(
    conn: Connection, store_id: int, order_id: int, *, stock: StockPolicy | None = None
) -> None:
    lock_order(conn, store_id, order_id)
    with _stock_follows(conn, store_id, order_id, stock):
        conn.execute(delete(order_history).where(order_history.c.order_id == order_id))
        conn.execute(delete(order_items).where(order_items.c.order_id == order_id))
    conn.execute(delete(orders).where(orders.c.id == order_id))
    count_cache.bump(store_id)


def cancel_order(
    conn: Connection, store_id: int, order_id: int, status: str, *, surface: str
) -> None:
    """A print-on-demand cancellation: the order stays, flagged deleted, in the Canceled
    folder, remembering the status it had."""
    lock_order(conn, store_id, order_id)
    pod_data = _loads_map(
        conn.execute(select(orders.c.pod_data).where(orders.c.id == order_id)).scalar_one()
    )
    pod_data["status_before_cancel"] = status
    values: dict[str, Any] = {"deleted": True, "pod_data": orjson.dumps(pod_data).decode()}
    canceled = find_folder(conn, store_id, name="Canceled")
    if canceled is not None and canceled.pod_status is None:
        values["folder_id"] = canceled.id
    now = utcnow()
    conn.execute(_UPDATE_ORDER, {"p_order_id": order_id, **values, "date_updated": now})
    record_history(
        conn, store_id, order_id, "Order cancelled", event="cancel", surface=surface, now=now
    )


def add_history_note(
    conn: Connection, store_id: int, order_id: int, note: str, source_name: str, *, surface: str
) -> None:
    lock_order(conn, store_id, order_id)
    now = utcnow()
    record_history(
        conn,
        store_id,
        order_id,
        note,
        event="note",
        surface=surface,
        source_name=source_name,
        now=now,
    )
    conn.execute(update(orders).where(orders.c.id == order_id).values(date_updated=now))


def add_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item: Item,
    *,
    surface: str,
    stock: StockPolicy | None = None,
) -> int:
    lock_order(conn, store_id, order_id)
    with _stock_follows(conn, store_id, order_id, stock):
        item_id = _insert_one_item(conn, store_id, order_id, item)
    _after_item_change(conn, store_id, order_id, f"Item {item_id} added", surface)
    return item_id


def _insert_one_item(conn: Connection, store_id: int, order_id: int, item: Item) -> int:
    position = conn.execute(
        select(func.coalesce(func.max(order_items.c.position) + 1, 0)).where(
            order_items.c.order_id == order_id
        )
    ).scalar_one()
    item_id = int(
        conn.execute(
            insert(order_items)
            .values(
                **item_row_values(item), order_id=order_id, store_id=store_id, position=position
            )
            .returning(order_items.c.id)
        ).scalar_one()
    )
    return item_id


def update_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item: Item,
    *,
    surface: str,
    stock: StockPolicy | None = None,
) -> None:
    assert item.id is not None
    lock_order(conn, store_id, order_id)
    with _stock_follows(conn, store_id, order_id, stock):
        changed = conn.execute(
            update(order_items)
            .where(order_items.c.id == item.id, order_items.c.order_id == order_id)
            .values(**item_row_values(item))
        ).rowcount
    if not changed:
        raise NotFound(f"Order Item {item.id} not found")
    _after_item_change(conn, store_id, order_id, f"Item {item.id} updated", surface)


def delete_item(
    conn: Connection,
    store_id: int,
    order_id: int,
    item_id: int,
    *,
    surface: str,
    stock: StockPolicy | None = None,
) -> None:
    lock_order(conn, store_id, order_id)
    with _stock_follows(conn, store_id, order_id, stock):
        removed = conn.execute(
            delete(order_items).where(
                order_items.c.id == item_id, order_items.c.order_id == order_id
            )
        ).rowcount
    if not removed:
        raise NotFound(f"Order Item {item_id} not found")
    _after_item_change(conn, store_id, order_id, f"Item {item_id} removed", surface)


def _after_item_change(
    conn: Connection, store_id: int, order_id: int, note: str, surface: str
) -> None:
    """Recompute the totals from the items as they now are (the order row is locked)."""
    order = load_orders(conn, store_id, [order_id], with_history=False)[0]
    apply_totals(order)
    now = utcnow()
    conn.execute(
        update(orders)
        .where(orders.c.id == order_id)
        .values(
            **{name: getattr(order, name) for name in _TOTAL_FIELDS},
            date_updated=now,
        )
    )
    record_history(conn, store_id, order_id, note, event="items", surface=surface, now=now)
    notifications.enqueue(conn, store_id, order_id, "updated")


# --- reads ----------------------------------------------------------------------------


def _row_to_item(row: Any) -> Item:
    return Item(
        id=row.id,
        name=row.name,
        price=row.price,
        quantity=row.quantity,
        weight=row.weight,
        code=row.code,
        delivery_type=row.delivery_type,
        category_code=row.category_code,
        fulfillment_method=row.fulfillment_method,
        variation_list=_loads_map(row.variation_list),
        metadata=_loads_map(row.metadata),
        pod_data=_loads_map(row.pod_data),
    )


def _row_to_order(row: Any) -> Order:
    mapping = row._mapping
    order = Order(
        id=row.id,
        store_id=row.store_id,
        folder_id=row.folder_id,
        source_id=row.source_id,
        date_added=row.date_added,
        date_updated=row.date_updated,
        processor_balance=row.processor_balance,
        shipping={f: mapping[f"shipping_{f}"] for f in SHIPPING_ADDRESS_FIELDS},
        customer={f: mapping[f"customer_{f}"] for f in ADDRESS_FIELDS},
        return_address=_loads_map(row.return_address),
        checkout_data=_loads_map(row.checkout_data),
        order_metadata=_loads_map(row.order_metadata),
        order_notes=orjson.loads(row.order_notes),
        pod_data=_loads_map(row.pod_data),
        deleted=bool(row.deleted),
        discount_list=[
            Discount(name=d.get("name", ""), code=d.get("code", ""), amount=Decimal(d["amount"]))
            for d in orjson.loads(row.discount_list)
        ],
    )
    for name in (*_SIMPLE_FIELDS, *_TOTAL_FIELDS):
        setattr(order, name, mapping[name])
    order.email_count = int(mapping.get("email_count") or 0)
    return order


def load_orders(
    conn: Connection, store_id: int, ids: Sequence[int], *, with_history: bool
) -> list[Order]:
    """Hydrate whole orders (items, history, email counts) for the given ids, in that order,
    with one query per table whatever the number of orders."""
    if not ids:
        return []
    rows = conn.execute(_ORDERS_BY_IDS, {"p_store_id": store_id, "p_ids": list(ids)}).all()
    by_id = {row.id: _row_to_order(row) for row in rows}
    for row in conn.execute(_ITEMS_BY_ORDER_IDS, {"p_ids": list(by_id)}):
        by_id[row.order_id].items.append(_row_to_item(row))
    for order_id, found in load_shipments(conn, list(by_id)).items():
        by_id[order_id].shipments = found
    if with_history:
        for order in by_id.values():
            order.history = []
        for row in conn.execute(_HISTORY_BY_ORDER_IDS, {"p_ids": list(by_id)}):
            by_id[row.order_id].history.append(  # type: ignore[union-attr]
                HistoryEntry(row.source_name, row.note, row.date_added, row.event, row.surface)
            )
    return [by_id[i] for i in ids if i in by_id]


def get_order(
    conn: Connection, store_id: int, order_id: int, *, with_history: bool = True
) -> Order:
    found = load_orders(conn, store_id, [order_id], with_history=with_history)
    if not found:
        raise NotFound(f"Order {order_id} not found")
    return found[0]


def order_exists(conn: Connection, store_id: int, order_id: int) -> bool:
    found = conn.execute(
        select(orders.c.id).where(orders.c.id == order_id, orders.c.store_id == store_id)
    ).first()
    return found is not None


def get_items(conn: Connection, store_id: int, order_id: int) -> list[Item]:
    exists = conn.execute(
        select(orders.c.id).where(orders.c.id == order_id, orders.c.store_id == store_id)
    ).first()
    if exists is None:
        raise NotFound(f"Order {order_id} not found")
    rows = conn.execute(
        select(order_items)
        .where(order_items.c.order_id == order_id)
        .order_by(order_items.c.position, order_items.c.id)
    )
    return [_row_to_item(row) for row in rows]


def get_item(conn: Connection, store_id: int, order_id: int, item_id: int) -> Item:
    for item in get_items(conn, store_id, order_id):
        if item.id == item_id:
            return item
    raise NotFound(f"Order Item {item_id} not found")


@dataclass
class OrderQuery:
    """A protocol-neutral order search; every condition present is ANDed."""

    ids: list[int] | None = None
    folder_ids: list[int] | None = None
    source_id: str | None = None
    source_name: str | None = None
    email: str | None = None
    customer_id: str | None = None
    added_from: datetime | None = None
    added_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    since_id: int | None = None
    address_contains: dict[str, str] = field(default_factory=dict)
    # Free text (the desk's search box): order id, source id, email or name.
    text: str | None = None
    sort: str = "date_added"
    descending: bool = True
    # Keyset paging: only orders after (sort value, id) in the sort order.
    after: tuple[Any, int] | None = None

    def cache_key(self) -> tuple[object, ...]:
        """What decides which orders match (not their order): for caching counts."""
        return (
            tuple(self.ids or ()), tuple(self.folder_ids or ()) if self.folder_ids is not None
            else None, self.source_id, self.source_name, self.email, self.customer_id,
            self.added_from, self.added_to, self.updated_from, self.updated_to, self.since_id,
            tuple(sorted(self.address_contains.items())), self.text,
        )  # fmt: skip


def _conditions(store_id: int, query: OrderQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [orders.c.store_id == store_id]
    if query.ids is not None:
        conds.append(orders.c.id.in_(query.ids))
    if query.folder_ids is not None:
        conds.append(orders.c.folder_id.in_(query.folder_ids))
    if query.source_id is not None:
        conds.append(orders.c.source_id == query.source_id)
    if query.source_name is not None:
        conds.append(orders.c.source_name == query.source_name)
    if query.email is not None:
        conds.append(func.lower(orders.c.email) == query.email.lower())
    if query.customer_id is not None:
        conds.append(orders.c.customer_id == query.customer_id)
    if query.added_from is not None:
        conds.append(orders.c.date_added >= query.added_from)
    if query.added_to is not None:
        conds.append(orders.c.date_added <= query.added_to)
    if query.updated_from is not None:
        conds.append(orders.c.date_updated >= query.updated_from)
    if query.updated_to is not None:
        conds.append(orders.c.date_updated <= query.updated_to)
    if query.since_id is not None:
        conds.append(orders.c.id > query.since_id)
    if query.after is not None:
        key = tuple_(SORTABLE_COLUMNS[query.sort], orders.c.id)
        bound = tuple_(
            literal(query.after[0], SORTABLE_COLUMNS[query.sort].type), literal(query.after[1])
        )
        conds.append(key < bound if query.descending else key > bound)
    for column, needle in query.address_contains.items():
        escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(func.lower(orders.c[column]).like(f"%{escaped}%", escape="\\"))
    if query.text:
        conds.append(text_condition(query.text))
    return conds


def search_order_ids(
    conn: Connection, store_id: int, query: OrderQuery, *, limit: int, offset: int
) -> list[int]:
    """Ids of one page. Selecting ids first keeps a deep page on the index; the rows are
    hydrated afterwards by `load_orders` for just this page."""
    column = SORTABLE_COLUMNS[query.sort]
    order_by = (column.desc(), orders.c.id.desc()) if query.descending else (column, orders.c.id)
    stmt = (
        select(orders.c.id)
        .where(and_(*_conditions(store_id, query)))
        .order_by(*order_by)
        .limit(limit)
        .offset(offset)
    )
    return [int(i) for i in conn.execute(stmt).scalars()]


def count_orders(conn: Connection, store_id: int, query: OrderQuery) -> int:
    stmt = select(func.count()).select_from(orders).where(and_(*_conditions(store_id, query)))
    return int(conn.execute(stmt).scalar_one())
