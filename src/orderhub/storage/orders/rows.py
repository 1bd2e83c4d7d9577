"""An order and its items as table rows, both ways. The one place where the order's stored
fields are listed; `tests/unit/storage/orders/test_rows.py` checks the list against the domain
dataclass, the table and the wire format."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from orderhub.domain.money import money_string
from orderhub.domain.orders import ADDRESS_FIELDS, SHIPPING_ADDRESS_FIELDS, Discount, Item, Order
from orderhub.domain.values import dumps_php, loads_map

# Order fields stored as they are, one column each.
SIMPLE_FIELDS = (
    "source_name", "email", "shipping_method", "shipping_total", "handling_total", "tax_total",
    "refund_total", "cc_number_masked", "cc_exp", "processor_response", "payment_type",
    "payment_status", "customer_id", "ip_address", "tag_color", "tag_name", "fulfillment_name",
    "fulfillment_id",
)  # fmt: skip
TOTAL_FIELDS = ("quantity_total", "weight_total", "product_total", "discount_total", "order_total")
# Free-form JSON, stored as text so key order and PHP's [] survive byte for byte.
JSON_FIELDS = ("return_address", "checkout_data", "order_metadata", "order_notes")
ITEM_FIELDS = (
    "name", "price", "quantity", "weight", "code", "delivery_type", "category_code",
    "fulfillment_method",
)  # fmt: skip


def order_row_values(order: Order) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(order, name) for name in SIMPLE_FIELDS}
    values.update({name: getattr(order, name) for name in TOTAL_FIELDS})
    values["processor_balance"] = (
        order.order_total if order.processor_balance is None else order.processor_balance
    )
    for name in SHIPPING_ADDRESS_FIELDS:
        values[f"shipping_{name}"] = order.shipping.get(name, "")
    for name in ADDRESS_FIELDS:
        values[f"customer_{name}"] = order.customer.get(name, "")
    for name in JSON_FIELDS:
        values[name] = dumps_php(getattr(order, name))
    values["pod_data"] = orjson.dumps(order.pod_data).decode()
    values["deleted"] = order.cancelled
    values["discount_list"] = dumps_php(
        [
            {"name": d.name, "code": d.code, "amount": money_string(d.amount)}
            for d in order.discount_list
        ]
    )
    return values


def item_row_values(item: Item) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in ITEM_FIELDS}
    values["variation_list"] = dumps_php(item.variation_list)
    values["metadata"] = dumps_php(item.metadata)
    values["pod_data"] = orjson.dumps(item.pod_data).decode()
    return values


def row_to_item(row: Any) -> Item:
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
        variation_list=loads_map(row.variation_list),
        metadata=loads_map(row.metadata),
        pod_data=loads_map(row.pod_data),
    )


def row_to_order(row: Any) -> Order:
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
        return_address=loads_map(row.return_address),
        checkout_data=loads_map(row.checkout_data),
        order_metadata=loads_map(row.order_metadata),
        order_notes=orjson.loads(row.order_notes),
        pod_data=loads_map(row.pod_data),
        cancelled=bool(row.deleted),
        discount_list=[
            Discount(name=d.get("name", ""), code=d.get("code", ""), amount=Decimal(d["amount"]))
            for d in orjson.loads(row.discount_list)
        ],
    )
    for name in (*SIMPLE_FIELDS, *TOTAL_FIELDS):
        setattr(order, name, mapping[name])
    order.email_count = int(mapping.get("email_count") or 0)
    return order
