"""Orders read for testing rules: only the columns the rules' fields need, in one query for
the orders and one for their items (when a rule reads items), whatever the number of
orders. The importer tests every imported order; a whole-order read (items, shipments, the
email count) would cost as much as the import itself.

The orders come back as domain `Order`s with only the needed attributes set (and `id`,
`folder_id`, `items`, `shipping`, `customer`); tests/rules/test_rules_service.py checks
every field against a whole read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column, select

from orderhub.domain.orders import ADDRESS_FIELDS, SHIPPING_ADDRESS_FIELDS, Item, Order
from orderhub.domain.rule_fields import ITEM_FIELDS, ORDER_FIELDS, ORDER_MAP_PREFIXES
from orderhub.domain.values import loads_map
from orderhub.storage.orders.load import load_orders
from orderhub.storage.tables import order_items, orders

_ADDRESS = {
    **{f"shipping.{n}": ("shipping", n, f"shipping_{n}") for n in SHIPPING_ADDRESS_FIELDS},
    **{f"customer.{n}": ("customer", n, f"customer_{n}") for n in ADDRESS_FIELDS},
}
_ADDRESS_COLUMNS = {column: (head, name) for head, name, column in _ADDRESS.values()}
# Fields read from no column of their own (or from several tables: a whole read then).
_NO_COLUMN = {"folder", "from_folder"}
_WHOLE = {"fulfillment_status"}
_ITEM_COLUMN = {path: path.removeprefix("order_items.") for path in ITEM_FIELDS}


def _order_column(field: str) -> str | None:
    if field in _ADDRESS:
        return _ADDRESS[field][2]
    if field in _NO_COLUMN or field == "id":
        return None
    if field in ORDER_FIELDS:
        return field
    for prefix in ORDER_MAP_PREFIXES:
        if field.startswith(prefix):
            return prefix.rstrip(".")
    return None


def _item_column(field: str) -> str | None:
    if field in _ITEM_COLUMN:
        return _ITEM_COLUMN[field]
    if field.startswith("order_items."):
        return field.removeprefix("order_items.").split(".", 1)[0]
    return None


def load_for_rules(
    conn: Connection, store_id: int, ids: Sequence[int], fields: Collection[str]
) -> list[Order]:
    """The orders (of this store, in the order of `ids`) with what `fields` read."""
    if not ids:
        return []
    if _WHOLE.intersection(fields):
        return load_orders(conn, store_id, ids, with_history=False)
    columns = sorted({c for f in fields if (c := _order_column(f)) is not None})
    query = select(orders.c.id, orders.c.folder_id, *(orders.c[c] for c in columns)).where(
        orders.c.id.in_(bindparam("p_ids", expanding=True)),
        (orders.c.store_id + literal_column("0")) == bindparam("p_store_id"),
    )
    by_id: dict[int, Order] = {}
    for row in conn.execute(query, {"p_ids": list(ids), "p_store_id": store_id}):
        by_id[row.id] = _order(row._mapping, columns)
    item_columns = sorted({c for f in fields if (c := _item_column(f)) is not None})
    if item_columns and by_id:
        rows = conn.execute(
            select(order_items.c.order_id, *(order_items.c[c] for c in item_columns))
            .where(order_items.c.order_id.in_(bindparam("p_ids", expanding=True)))
            .order_by(order_items.c.order_id, order_items.c.position, order_items.c.id),
            {"p_ids": list(by_id)},
        )
        for row in rows:
            by_id[row.order_id].items.append(_item(row._mapping, item_columns))
    return [by_id[i] for i in ids if i in by_id]


def _order(mapping: Any, columns: Sequence[str]) -> Order:
    # Only what rules read is set: building a whole Order (some 45 fields, ten of them
    # containers) would cost more than the query. Rules read nothing else (see the module).
    order = Order.__new__(Order)
    order.id, order.folder_id = mapping["id"], mapping["folder_id"]
    order.items, order.shipping, order.customer = [], {}, {}
    for column in columns:
        value = mapping[column]
        if column in _ADDRESS_COLUMNS:
            head, name = _ADDRESS_COLUMNS[column]
            getattr(order, head)[name] = value
        elif column in ("checkout_data", "order_metadata"):
            setattr(order, column, loads_map(value))
        else:
            setattr(order, column, value)
    return order


def _item(mapping: Any, columns: Sequence[str]) -> Item:
    item = Item.__new__(Item)
    for column in columns:
        value = mapping[column]
        is_map = column in ("variation_list", "metadata")
        setattr(item, column, loads_map(value) if is_map else value)
    return item
