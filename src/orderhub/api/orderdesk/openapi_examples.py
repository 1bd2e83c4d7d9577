"""Example answers of /api/v2 for the OpenAPI document, as orderhub really sends them
(tests/test_openapi.py checks each one against its schema)."""

from __future__ import annotations

from typing import Any

TIME = "0.0012 seconds"
ADDRESS = {
    "first_name": "Jane", "last_name": "Doe", "company": "", "address1": "1 Main St",
    "address2": "", "city": "Springfield", "state": "IL", "postal_code": "62701",
    "country": "US", "phone": "",
}  # fmt: skip
ITEM: dict[str, Any] = {
    "id": "7", "name": "T-Shirt", "price": 19.99, "quantity": 2, "weight": 0.25,
    "code": "TS-1", "delivery_type": "ship", "category_code": "", "fulfillment_method": "",
    "variation_list": {"Size": "L"}, "metadata": [],
}  # fmt: skip
SHIPMENT: dict[str, Any] = {
    "id": "3", "order_id": "5", "store_id": "1", "tracking_number": "1Z999AA10123456784",
    "carrier_code": "UPS", "shipment_method": "", "weight": "", "cost": "", "status": "",
    "tracking_url": "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    "label_format": "", "label_image": "", "print_status": "0",
    "order_items": [{"id": "7", "quantity": 1}], "cart_shipment_id": "",
    "label_shipment_id": "", "date_shipped": "2026-11-25", "date_added": "2026-11-25 10:20:00",
}  # fmt: skip
ORDER: dict[str, Any] = {
    "id": "5", "email": "jane@example.com", "shipping_method": "", "quantity_total": 2,
    "weight_total": 0.5, "product_total": 39.98, "shipping_total": 4.5, "handling_total": 0,
    "tax_total": 0, "discount_total": 0, "order_total": 44.48, "cc_number_masked": "",
    "cc_exp": "", "processor_response": "", "payment_type": "", "payment_status": "Captured",
    "processor_balance": 44.48, "refund_total": 0, "customer_id": "", "email_count": "0",
    "ip_address": "", "tag_color": "", "tag_name": "", "fulfillment_name": "",
    "fulfillment_id": "", "folder_id": 1, "date_added": "2026-11-25 10:15:00",
    "date_updated": "2026-11-25 10:20:00", "source_id": "1001", "source_name": "Order Desk",
    "shipping": {**ADDRESS, "address3": "", "address4": ""}, "customer": ADDRESS,
    "return_address": [], "checkout_data": [], "order_metadata": [], "discount_list": [],
    "order_notes": [], "order_items": [ITEM], "order_shipments": [SHIPMENT],
    "fulfillment_status": "partial",
}  # fmt: skip
HISTORY = [
    {"source_name": "API", "note": "Order created", "date_added": "2026-11-25 10:15:00"},
    {"source_name": "API", "note": "Called the customer", "date_added": "2026-11-25 10:30:00"},
]
INVENTORY_ITEM: dict[str, Any] = {
    "id": 4, "name": "T-Shirt", "code": "TS-1", "price": 19.99, "cost": 6.5, "weight": 0.25,
    "stock": 10, "location": "A1", "update_source": "", "manufacturer_sku": None,
    "metadata": [], "variation_list": [], "date_added": "2026-11-25 10:00:00",
    "date_updated": "2026-11-25 10:00:00",
}  # fmt: skip
FOLDER = {"id": 5, "name": "Printing", "pod_status": "printing"}


def ok(**payload: Any) -> dict[str, Any]:
    """A success envelope around `payload`, key order as sent."""
    message = payload.pop("message", None)
    body: dict[str, Any] = {"status": "success"}
    if message is not None:
        body["message"] = message
    body["execution_time"] = TIME
    body.update(payload)
    return body


TOOK = f"Execution took {TIME.split()[0]} seconds"

SUCCESS: dict[str, dict[str, Any]] = {
    "connection": ok(message="Connection Successful", current_date_time="2026-11-25 10:15:00"),
    "store": ok(
        store={
            "id": "1",
            "name": "My Shop",
            "settings": {
                "app_version": "2.0",
                "timezone": "Europe/London",
                "date_format": "Y-m-d H:i:s",
                "short_date_format": "Y-m-d",
                "orders_per_page": 50,
                "all_orders_name": "All Orders",
            },
            "folders": {"1": "Received", "5": "Printing"},
        }
    ),  # fmt: skip
    "order_list": ok(
        message=TOOK,
        total_records=1,
        records_returned=1,
        offset=0,
        limit=50,
        orders=[ORDER],
        next_cursor=None,
    ),
    "order_created": ok(message="Order Created", order=ORDER),
    "order": ok(message=TOOK, order={**ORDER, "order_history": HISTORY}),
    "order_updated": ok(message="Order Updated", order=ORDER),
    "order_deleted": ok(message="Order 5 Deleted"),
    "order_split": ok(
        message="Order Split",
        original_order={**ORDER, "order_history": HISTORY},
        new_order={
            **ORDER,
            "id": "6",
            "source_id": "1001-2",
            "folder_id": 5,
            "order_shipments": [],
            "fulfillment_status": "unfulfilled",
            "order_history": HISTORY[:1],
        },
    ),  # fmt: skip
    "history": ok(total_records=1, order={**ORDER, "order_history": HISTORY}),
    "items": ok(total_records=1, order_items=[ITEM]),
    "item_added": ok(message="Order Item Added", order_item=ITEM),
    "item": ok(order_item=ITEM),
    "item_updated": ok(message="Order Item Updated", order_item=ITEM),
    "item_deleted": ok(message="Order Item 7 Deleted"),
    "shipments": ok(total_records=1, shipments=[SHIPMENT]),
    "shipment_added": ok(message="Shipment Added", shipment=SHIPMENT),
    "shipment": ok(shipment=SHIPMENT),
    "shipment_updated": ok(message="Shipment Updated", shipment=SHIPMENT),
    "shipment_deleted": ok(message="Shipment 3 Deleted"),
    "batch_shipments": ok(
        message="1 of 2 Shipments Added",
        results=[
            {"order_id": "5", "status": "success", "message": "Shipment Added", "shipment_id": "3"},
            {"order_id": "99", "status": "error", "message": "[1] Order 99 not found"},
        ],
    ),
    "inventory_list": ok(
        records_returned=1, total_records="1", offset=0, limit=50, inventory_items=[INVENTORY_ITEM]
    ),
    "inventory_item": ok(records_returned=1, inventory_item=INVENTORY_ITEM),
    "inventory_added": ok(message="Inventory Item Added", inventory_item=INVENTORY_ITEM),
    "inventory_updated": ok(message="Inventory Item Updated", inventory_item=INVENTORY_ITEM),
    "inventory_deleted": ok(message="Inventory Item 4 Deleted"),
    "batch_inventory": ok(
        message="1 of 1 Inventory Items Saved",
        results=[
            {"id": 4, "code": "TS-1", "status": "success", "message": "Inventory Item Updated"}
        ],
    ),
    "move_orders": ok(
        message="1 Order Moved",
        results=[
            {"order_id": 5, "message": "Order Moved to Printing Folder", "original_folder_id": 1},
            {"order_id": 99, "status": "error", "message": "Order 99 not found"},
        ],
    ),
    "folders": ok(folders=[{**FOLDER, "order_count": 3}]),
    "folder_added": ok(message="Folder Added", folder=FOLDER),
    "folder_updated": ok(message="Folder Updated", folder=FOLDER),
    "folder_deleted": ok(message="Folder 5 Deleted"),
}

# One true message per status; the operation's own table may give a better one.
ERRORS: dict[str, str] = {
    "400": "order_items[0].quantity: must be a whole number of at least 1",
    "401": "Invalid store id or API key",
    "404": "Order 99 not found",
    "409": "Duplicate order: order 5 already has source_name 'Order Desk' and source_id '1001'",
    "413": "request body: larger than the limit of 1048576 bytes",
    "429": "Rate limit exceeded: try again in 2 seconds",
}


def error(message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "execution_time": TIME}
