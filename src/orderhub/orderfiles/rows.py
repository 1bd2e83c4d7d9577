"""A decoded import line (`protocol/orderdesk/bulk_schema.BulkOrder`) straight to the rows
the writer stores, without the domain `Order`: the values `OrderIn.to_domain`,
`fill_create_defaults`, `apply_totals` and `storage.bulk.prepare` give, money as the
stored count of 1/10,000 (`tests/test_import_fast_path.py` compares the two paths row for
row).

`prepare_fast` answers None whenever that chain would refuse the order, or might: the
caller then runs the chain, which refuses it with the API's message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from msgspec.structs import astuple
from sqlalchemy import Dialect

from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_QUANTITY_TOTAL, MAX_TOTAL
from orderhub.domain.money import UNITS, fixed4_units, money_string
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    DEFAULT_SOURCE_NAME,
    SHIPPING_ADDRESS_FIELDS,
    Order,
    delivery_type_of,
    masked_card,
    payment_status_of,
)
from orderhub.domain.values import dumps_php
from orderhub.protocol.orderdesk.bulk_schema import BulkAddress, BulkItem, BulkOrder
from orderhub.storage import bulk
from orderhub.storage.orders import order_row_values
from orderhub.storage.tables import orders

_MAX_TOTAL_UNITS = int(MAX_TOTAL) * UNITS
_MONEY_FIELDS = ("shipping_total", "handling_total", "tax_total", "refund_total")
_TEXT_FIELDS = (
    "email", "shipping_method", "cc_exp", "processor_response", "payment_type", "customer_id",
    "ip_address", "tag_color", "tag_name", "fulfillment_name", "fulfillment_id",
)  # fmt: skip
# The item tuple is built in this order; `bulk.ITEM_COLUMNS` must say the same.
_ITEM_COLUMNS = (
    "name", "price", "quantity", "weight", "code", "delivery_type", "category_code",
    "fulfillment_method", "variation_list", "metadata", "pod_data", "position",
)  # fmt: skip
if bulk.ITEM_COLUMNS != _ITEM_COLUMNS:  # pragma: no cover - a schema change must come here
    raise RuntimeError(f"order_items columns changed: {bulk.ITEM_COLUMNS}")

_SHIPPING_COLUMNS = tuple(f"shipping_{k}" for k in SHIPPING_ADDRESS_FIELDS)
_CUSTOMER_COLUMNS = tuple(f"customer_{k}" for k in ADDRESS_FIELDS)
_CUSTOMER_WIDTH = len(ADDRESS_FIELDS)
_text_values = attrgetter(*_TEXT_FIELDS)
_money_values = attrgetter(*_MONEY_FIELDS)
if (
    BulkAddress.__struct_fields__ != SHIPPING_ADDRESS_FIELDS
    or SHIPPING_ADDRESS_FIELDS[:_CUSTOMER_WIDTH] != ADDRESS_FIELDS
    or ADDRESS_FIELDS[:3] != ("first_name", "last_name", "company")
):  # pragma: no cover - _addresses reads them by position
    raise RuntimeError("address fields changed")

_templates: dict[str, dict[str, Any]] = {}
_date_processors: dict[str, Callable[[Any], Any]] = {}


def _date_processor(dialect: Dialect) -> Callable[[Any], Any]:
    """`date_added` as the dialect stores it (SQLite: text), as `bulk.converter` does."""
    found = _date_processors.get(dialect.name)
    if found is None:
        column = orders.c.date_added.type.dialect_impl(dialect)
        found = column.bind_processor(dialect) or (lambda value: value)
        _date_processors[dialect.name] = found
    return found


def _template(dialect: Dialect) -> dict[str, Any]:
    """The converted row of an order with every default: what an import never sets."""
    found = _templates.get(dialect.name)
    if found is None:
        found = _templates[dialect.name] = bulk.converter(dialect, orders)(
            order_row_values(Order())
        )
    return found


def source_id_of(line: bytes) -> str:
    """An order's source id when the file gives none: a deterministic key, so that a re-run
    of the same file recognises the order."""
    return "import-" + hashlib.sha1(line, usedforsecurity=False).hexdigest()[:20]


def _units(numbers: Iterable[int | float]) -> list[int] | None:
    """Each number as a count of 1/10,000, or None if any is not plainly acceptable."""
    found = []
    for number in numbers:
        units = fixed4_units(number)
        if units is None:
            return None
        found.append(units)
    return found


def _item_row(item: BulkItem, position: int, pod_data: str) -> tuple[Any, ...] | None:
    price = fixed4_units(item.price)
    weight = fixed4_units(item.weight)
    delivery_type = delivery_type_of(item.delivery_type)
    if price is None or weight is None or weight < 0 or delivery_type is None:
        return None
    return (
        item.name, price, item.quantity, weight, item.code, delivery_type, item.category_code,
        item.fulfillment_method, dumps_php(item.variation_list), dumps_php(item.metadata),
        pod_data, position,
    )  # fmt: skip


def _addresses(order: BulkOrder) -> dict[str, str] | None:
    """The shipping_* and customer_* columns as `normalise_addresses` leaves them (the
    customer has no address3/4); None when neither names a person or a company."""
    shipping = astuple(order.shipping)  # SHIPPING_ADDRESS_FIELDS
    customer = astuple(order.customer)[:_CUSTOMER_WIDTH]  # ADDRESS_FIELDS
    has_shipping = any(shipping)
    has_customer = any(customer)
    if has_shipping and not has_customer:
        customer = shipping[:_CUSTOMER_WIDTH]
    elif has_customer and not has_shipping:
        shipping = customer + ("", "")
    # company, or first and last name
    if not (shipping[2] or (shipping[0] and shipping[1])) and not (
        customer[2] or (customer[0] and customer[1])
    ):
        return None
    columns = dict(zip(_SHIPPING_COLUMNS, shipping, strict=True))
    columns.update(zip(_CUSTOMER_COLUMNS, customer, strict=True))
    return columns


def prepare_fast(order: BulkOrder, line: bytes, dialect: Dialect) -> bulk.PreparedOrder | None:
    """The order's rows, or None: let the domain path judge it (see the module's doc)."""
    template = _template(dialect)
    items = []
    for position, item in enumerate(order.order_items):
        item_row = _item_row(item, position, template["pod_data"])
        if item_row is None:
            return None
        items.append(item_row)
    addresses = _addresses(order) if items else None
    if addresses is None:
        return None
    status = payment_status_of(order.payment_status)
    if status is None:
        return None
    money = _units(_money_values(order))
    discounts = _units(d.amount for d in order.discount_list or ())
    if money is None or discounts is None or any(d < 0 for d in discounts):
        return None
    shipping_total, handling_total, tax_total, refund_total = money
    quantity_total = sum(row[2] for row in items)
    weight_total = sum(row[3] * row[2] for row in items)
    product_total = sum(row[1] * row[2] for row in items)
    discount_total = sum(discounts)
    order_total = product_total - discount_total + shipping_total + handling_total + tax_total
    if quantity_total > MAX_QUANTITY_TOTAL or any(
        abs(total) >= _MAX_TOTAL_UNITS
        for total in (order_total, product_total, discount_total, weight_total)
    ):
        return None
    balance = order_total
    if order.processor_balance is not None:
        balance = fixed4_units(order.processor_balance)
        if balance is None:
            return None
    date_added = None
    if order.date_added:
        try:
            when = parse_datetime(order.date_added, "date_added")
        except InvalidInput:
            return None
        date_added = _date_processor(dialect)(when)
    row = template.copy()
    row.update(zip(_TEXT_FIELDS, _text_values(order), strict=True))
    row.update(addresses)
    row.update({
        "source_name": order.source_name or DEFAULT_SOURCE_NAME,
        "shipping_total": shipping_total,
        "handling_total": handling_total,
        "tax_total": tax_total,
        "refund_total": refund_total,
        "cc_number_masked": masked_card(order.cc_number, order.cc_number_masked),
        "payment_status": status,
        "quantity_total": quantity_total,
        "weight_total": weight_total,
        "product_total": product_total,
        "discount_total": discount_total,
        "order_total": order_total,
        "processor_balance": balance,
        "return_address": dumps_php(order.return_address),
        "checkout_data": dumps_php(order.checkout_data),
        "order_metadata": dumps_php(order.order_metadata),
        "order_notes": dumps_php(
            [
                {"date_added": n.date_added, "username": n.username, "content": n.content}
                for n in order.order_notes or ()
            ]
        ),
        "discount_list": dumps_php(
            [
                {"name": d.name, "code": d.code, "amount": money_string(Decimal(u).scaleb(-4))}
                for d, u in zip(order.discount_list or (), discounts, strict=True)
            ]
        ),
    })  # fmt: skip
    return bulk.PreparedOrder(
        source_name=row["source_name"],
        source_id=order.source_id or source_id_of(line),
        folder_id=order.folder_id,
        date_added=date_added,
        order_values=bulk.order_tuple(row),
        item_values=items,
    )
