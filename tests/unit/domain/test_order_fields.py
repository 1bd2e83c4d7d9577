"""Every place that lists the order's fields by hand, for speed, is checked here against the
one declaration (domain/order_fields.py): a field added to the declaration and forgotten in
one of them — or added there and not declared — fails with the place to fix."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Collection, Iterable
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import String

from orderhub.api.orderdesk.openapi_examples import ORDER as OPENAPI_EXAMPLE
from orderhub.domain.order_fields import (
    ON_WIRE,
    ORDER_FIELDS,
    WRITTEN,
    OrderField,
    csv_order_columns,
)
from orderhub.domain.orders import Discount, Order
from orderhub.protocol.orderdesk.models import OrderIn
from orderhub.protocol.orderdesk.order_file import CSV_ORDER_COLUMNS
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage.orders.rows import order_row_values, row_to_order
from orderhub.storage.tables import orders

DECLARED = "domain/order_fields.py"
# Columns of `orders` that are bookkeeping, not a field of the order.
BOOKKEEPING_COLUMNS = {"revision"}
# Read from a client's order but not fields of their own: the id (ignored, the path names the
# order) and the full card number (only its last four digits are kept, as cc_number_masked).
ORDER_IN_EXTRAS = {"id", "cc_number"}
# Bulk validators may be added beside the API's (protocol/orderdesk/bulk_schema.py).
BULK_SCHEMA = "orderhub.protocol.orderdesk.bulk_schema"


def same(where: str, found: Iterable[str], declared: Iterable[str]) -> None:
    found, declared = list(found), list(declared)
    missing = [name for name in declared if name not in found]
    extra = [name for name in found if name not in declared]
    assert not missing and not extra, (
        f"{where} and {DECLARED} disagree: missing there {missing}; not declared {extra}"
    )


def domain_value(f: OrderField) -> Any:
    """A value of the field's kind that is not the dataclass default."""
    return {
        "id": 11,
        "ref": 9,
        "text": f"t-{f.name}"[: f.width],
        "money": Decimal("3.5"),
        "count": 4,
        "date": datetime(2026, 1, 2, 3, 4, 5),
        "flag": True,
        "blob": {"b": 1},
        "address": {part: f"p-{part}" for part in f.parts},
        "map": {"k": "v"},
        "notes": [{"content": "n"}],
        "discounts": [Discount(name="d", code="c", amount=Decimal("1.5"))],
    }[f.kind]


def wire_value(f: OrderField) -> Any:
    """What a client may send for a written field, other than what it means by default."""
    special = {"payment_status": "Pending", "date_added": "2026-01-02 03:04:05"}
    if f.name in special:
        return special[f.name]
    return {
        "text": f"t-{f.name}"[: f.width],
        "money": "12.5",
        "ref": "7",
        "address": {"first_name": "Ann"},
        "map": {"k": "v"},
        "discounts": [{"name": "d", "amount": "1"}],
        "notes": [{"content": "n"}],
        "items": [{"name": "i"}],
    }[f.kind]


def test_the_domain_order_has_every_declared_field() -> None:
    attributes = [f.name for f in dataclasses.fields(Order)]
    attributes += [name for name, value in vars(Order).items() if isinstance(value, property)]
    same("domain/orders.py Order", attributes, [f.name for f in ORDER_FIELDS])


def test_the_orders_table_has_a_column_per_stored_field() -> None:
    columns = [c.name for c in orders.columns if c.name not in BOOKKEEPING_COLUMNS]
    same("storage/tables.py orders", columns, [c for f in ORDER_FIELDS for c in f.columns])
    for f in ORDER_FIELDS:
        for column in f.columns if f.kind in ("text", "address") else ():
            kind = orders.c[column].type
            assert isinstance(kind, String) and kind.length == f.width, (
                f"storage/tables.py orders.{column}: {kind!r}, declared {f.width} wide"
            )


def test_the_row_mapping_keeps_every_stored_field() -> None:
    stored = [f for f in ORDER_FIELDS if f.stored]
    order = Order()
    for f in stored:
        value = domain_value(f)
        assert value != getattr(Order(), f.name), f"give {f.name} a sample value in this test"
        setattr(order, f.name, value)
    # Written by the insert itself rather than the mapping.
    insert_columns = {"id", "store_id", "folder_id", "source_id", "date_added", "date_updated"}
    values = order_row_values(order)
    same(
        "storage/orders/rows.py order_row_values",
        [*values, *insert_columns],
        [c for f in stored for c in f.columns],
    )
    mapping = {**values, **{c: getattr(order, c) for c in insert_columns}}
    back = row_to_order(SimpleNamespace(**mapping, _mapping=mapping))
    lost = [f.name for f in stored if getattr(back, f.name) != getattr(order, f.name)]
    assert not lost, f"storage/orders/rows.py row_to_order does not read back {lost}"


def test_order_in_reads_every_written_field() -> None:
    fields = [name for name in OrderIn.model_fields if name not in ORDER_IN_EXTRAS]
    same("protocol/orderdesk/models/orders.py OrderIn", fields, [f.wire or "" for f in WRITTEN])
    default = OrderIn.model_validate({}).to_domain()
    for f in WRITTEN:
        assert f.wire is not None
        order = OrderIn.model_validate({f.wire: wire_value(f)}).to_domain()
        assert getattr(order, f.name) != getattr(default, f.name), (
            f"protocol/orderdesk/models/orders.py OrderIn.to_domain ignores {f.wire}"
        )


def test_the_wire_shows_every_field_in_its_place() -> None:
    now = datetime(2026, 1, 1)
    order = Order(id=1, date_added=now, date_updated=now, history=[])
    declared = [f.wire for f in ON_WIRE if f.wire]
    shown = list(order_dict(order))
    same("protocol/orderdesk/wire.py order_dict", shown, declared)
    assert shown == declared, (
        f"protocol/orderdesk/wire.py order_dict: not in the order of {DECLARED}"
    )
    example = [f.wire for f in ON_WIRE if f.wire and f.name != "history"]
    same("api/orderdesk/openapi_examples.py ORDER", OPENAPI_EXAMPLE, example)


def test_the_csv_columns_are_the_declared_ones() -> None:
    assert CSV_ORDER_COLUMNS == csv_order_columns()
    now = datetime(2026, 1, 1)
    wire = order_dict(Order(id=1, date_added=now, date_updated=now))
    for column in CSV_ORDER_COLUMNS:
        prefix, _, part = column.partition("_")
        shown = column in wire or part in wire.get(prefix, {}) or column == "folder_name"
        assert shown, f"CSV column {column} is not a field the wire shows"


def _name_lists(module: Any) -> Iterable[tuple[str, Collection[str]]]:
    """A module's collections of names that look like an order's field list."""
    for attribute, value in vars(module).items():
        if isinstance(value, (tuple, list, set, frozenset, dict)) and {
            "email",
            "source_id",
            "shipping_method",
        } <= set(value):
            yield attribute, value


@pytest.mark.skipif(importlib.util.find_spec(BULK_SCHEMA) is None, reason="no bulk schema")
def test_the_bulk_schema_validates_every_written_field() -> None:
    module = importlib.import_module(BULK_SCHEMA)
    lists = list(_name_lists(module))
    assert lists, f"{BULK_SCHEMA}: no list of the order's fields found to check"
    for attribute, names in lists:
        same(
            f"{BULK_SCHEMA}.{attribute}",
            [name for name in names if name not in ORDER_IN_EXTRAS],
            [f.wire or "" for f in WRITTEN],
        )
