"""The order's stored fields are listed once (storage/orders/rows.py); every other copy —
the table, the domain dataclass, the Order Desk wire format, the sortable fields — is checked
against that list here, so a field added in one place and forgotten in another fails."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from orderhub.domain.orders import ADDRESS_FIELDS, SHIPPING_ADDRESS_FIELDS, Item, Order
from orderhub.domain.queries import SORTABLE_FIELDS
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage.orders.rows import (
    ITEM_FIELDS,
    JSON_FIELDS,
    SIMPLE_FIELDS,
    TOTAL_FIELDS,
    item_row_values,
    order_row_values,
)
from orderhub.storage.tables import order_items, orders

# Columns that are not one of the order's own fields.
BOOKKEEPING = {
    "id", "store_id", "folder_id", "source_id", "date_added", "date_updated", "revision",
}  # fmt: skip


def test_every_order_column_is_written_from_the_field_list() -> None:
    order = Order(items=[Item(name="x")], date_added=None)
    written = set(order_row_values(order)) | BOOKKEEPING
    assert written == {c.name for c in orders.columns}


def test_every_item_column_is_written_from_the_field_list() -> None:
    written = set(item_row_values(Item())) | {"id", "order_id", "store_id", "position"}
    assert written == {c.name for c in order_items.columns}


def test_the_field_lists_name_fields_of_the_domain_dataclasses() -> None:
    order_fields = {f.name for f in dataclasses.fields(Order)}
    assert set(SIMPLE_FIELDS + TOTAL_FIELDS + JSON_FIELDS) <= order_fields
    assert set(ITEM_FIELDS) <= {f.name for f in dataclasses.fields(Item)}


def test_the_wire_format_shows_every_stored_field() -> None:
    from datetime import datetime

    now = datetime(2026, 1, 1)
    order = Order(id=1, items=[], date_added=now, date_updated=now, order_total=Decimal(1))
    wire = order_dict(order)
    assert set(SIMPLE_FIELDS + TOTAL_FIELDS + JSON_FIELDS) <= set(wire)
    assert set(wire["shipping"]) == set(SHIPPING_ADDRESS_FIELDS)
    assert set(wire["customer"]) == set(ADDRESS_FIELDS)


def test_every_sortable_field_is_a_column() -> None:
    assert set(SORTABLE_FIELDS) <= {c.name for c in orders.columns}
