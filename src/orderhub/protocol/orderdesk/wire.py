"""Domain objects as Order Desk shows them: ids as strings, totals as JSON numbers, `[]` for
an empty map, dates as `YYYY-MM-DD HH:MM:SS` UTC."""

from __future__ import annotations

from typing import Any

from orderhub.domain.dates import format_wire
from orderhub.domain.fulfilment import Shipment
from orderhub.domain.inventory import InventoryItem
from orderhub.domain.money import json_number, money_string
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    SHIPPING_ADDRESS_FIELDS,
    HistoryEntry,
    Item,
    Order,
)


def _map(value: dict[str, Any]) -> dict[str, Any] | list[Any]:
    return value if value else []


def item_dict(item: Item) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "name": item.name,
        "price": json_number(item.price),
        "quantity": item.quantity,
        "weight": json_number(item.weight),
        "code": item.code,
        "delivery_type": item.delivery_type,
        "category_code": item.category_code,
        "fulfillment_method": item.fulfillment_method,
        "variation_list": _map(item.variation_list),
        "metadata": _map(item.metadata),
    }


def history_dict(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "source_name": entry.source_name,
        "note": entry.note,
        "date_added": format_wire(entry.date_added),
    }


def shipment_dict(shipment: Shipment) -> dict[str, Any]:
    """§6: ids as strings, weight and cost as strings; `order_items` is "" for a shipment of
    the whole (remaining) order, else the items and quantities it covers."""
    assert shipment.date_added is not None
    return {
        "id": str(shipment.id),
        "order_id": str(shipment.order_id),
        "store_id": str(shipment.store_id),
        "tracking_number": shipment.tracking_number,
        "carrier_code": shipment.carrier_code,
        "shipment_method": shipment.shipment_method,
        "weight": shipment.weight,
        "cost": shipment.cost,
        "status": shipment.status,
        "tracking_url": shipment.tracking_url,
        "label_format": shipment.label_format,
        "label_image": shipment.label_image,
        "print_status": shipment.print_status,
        "order_items": [
            {"id": str(line.order_item_id), "quantity": line.quantity} for line in shipment.lines
        ]
        or "",
        "cart_shipment_id": shipment.cart_shipment_id,
        "label_shipment_id": shipment.label_shipment_id,
        "date_shipped": shipment.date_shipped,
        "date_added": format_wire(shipment.date_added),
    }


def inventory_dict(item: InventoryItem) -> dict[str, Any]:
    """§7: `id` is an integer here, unlike orders."""
    assert item.date_added is not None and item.date_updated is not None
    return {
        "id": item.id,
        "name": item.name,
        "code": item.code,
        "price": json_number(item.price),
        "cost": json_number(item.cost),
        "weight": json_number(item.weight),
        "stock": item.stock,
        "location": item.location,
        "update_source": item.update_source,
        "manufacturer_sku": item.manufacturer_sku,
        "metadata": _map(item.metadata),
        "variation_list": _map(item.variation_list),
        "date_added": format_wire(item.date_added),
        "date_updated": format_wire(item.date_updated),
    }


def order_dict(order: Order) -> dict[str, Any]:
    assert order.date_added is not None and order.date_updated is not None
    body: dict[str, Any] = {
        "id": str(order.id),
        "email": order.email,
        "shipping_method": order.shipping_method,
        "quantity_total": order.quantity_total,
        "weight_total": json_number(order.weight_total),
        "product_total": json_number(order.product_total),
        "shipping_total": json_number(order.shipping_total),
        "handling_total": json_number(order.handling_total),
        "tax_total": json_number(order.tax_total),
        "discount_total": json_number(order.discount_total),
        "order_total": json_number(order.order_total),
        "cc_number_masked": order.cc_number_masked,
        "cc_exp": order.cc_exp,
        "processor_response": order.processor_response,
        "payment_type": order.payment_type,
        "payment_status": order.payment_status,
        "processor_balance": json_number(
            order.processor_balance if order.processor_balance is not None else order.order_total
        ),
        "refund_total": json_number(order.refund_total),
        "customer_id": order.customer_id,
        "email_count": str(order.email_count),
        "ip_address": order.ip_address,
        "tag_color": order.tag_color,
        "tag_name": order.tag_name,
        "fulfillment_name": order.fulfillment_name,
        "fulfillment_id": order.fulfillment_id,
        "folder_id": order.folder_id,
        "date_added": format_wire(order.date_added),
        "date_updated": format_wire(order.date_updated),
        "source_id": order.source_id or "",
        "source_name": order.source_name,
        "shipping": {k: order.shipping.get(k, "") for k in SHIPPING_ADDRESS_FIELDS},
        "customer": {k: order.customer.get(k, "") for k in ADDRESS_FIELDS},
        "return_address": _map(order.return_address),
        "checkout_data": _map(order.checkout_data),
        "order_metadata": _map(order.order_metadata),
        "discount_list": [
            {"name": d.name, "code": d.code, "amount": money_string(d.amount)}
            for d in order.discount_list
        ],
        "order_notes": order.order_notes,
        "order_items": [item_dict(item) for item in order.items],
        "order_shipments": [shipment_dict(shipment) for shipment in order.shipments],
        "fulfillment_status": order.fulfillment_status,
    }
    if order.history is not None:
        body["order_history"] = [history_dict(entry) for entry in order.history]
    return body
