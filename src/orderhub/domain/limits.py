"""What the storage can hold, in one place: text column widths (read by `storage/tables.py`
to build the schema and by every validator to refuse longer text), numeric ranges, the dates
accepted, and how deep free-form JSON may nest.

A value outside these limits is refused at the door with a 400 naming the field, the same
on SQLite (which would store it) and PostgreSQL (which would fail the write). See the
"Limits" sections of docs/orderdesk.md and docs/pod.md.
"""

from __future__ import annotations

from decimal import Decimal

from orderhub.domain import order_fields

# The address parts and their width, declared with the order, are read from here too.
from orderhub.domain.order_fields import ADDRESS_FIELDS as ADDRESS_FIELDS
from orderhub.domain.order_fields import ADDRESS_WIDTH as ADDRESS_WIDTH
from orderhub.domain.order_fields import SHIPPING_ONLY_FIELDS as SHIPPING_ONLY_FIELDS

# Ids are positive 63-bit integers on both databases.
MAX_ID = 2**63 - 1
# Metadata, checkout data and every other free-form value: deeper than this is refused.
MAX_JSON_DEPTH = 32
# Integers inside free-form JSON: what orjson can write back (signed 64-bit up to unsigned).
MIN_JSON_INT = -(2**63)
MAX_JSON_INT = 2**64 - 1

# Item and shipment quantities (INTEGER columns).
MAX_QUANTITY = 1_000_000
# Parts named in one split request (item ids or codes).
MAX_SPLIT_PARTS = 500
# An order's quantity total (an INTEGER column: 2**31 - 1 is the hard ceiling).
MAX_QUANTITY_TOTAL = 2_000_000_000
# Inventory stock, either sign (an INTEGER column).
MAX_STOCK = 2_000_000_000
# Prices, amounts, weights: |x| < 1e12 with at most 4 decimals.
MAX_MONEY = Decimal("1e12")
# Order totals (products, weight, discounts, order total): |x| < 1e14. Stored as BIGINT counts
# of 1/10,000, whose ceiling is about 9.2e14.
MAX_TOTAL = Decimal("1e14")
# How deep a list may page with `offset` (and `page × limit` for print-on-demand).
MAX_OFFSET = 1_000_000_000

# Orders a deleted folder may still hold: they move to another folder in the delete's own
# transaction (each with its history entry and event); more must be moved first.
MAX_ORDERS_MOVED_WITH_FOLDER = 10_000

# Outbound set-up (suppliers, webhook endpoints): what their columns hold.
URL_MAX = 2000
SUPPLIER_NAME_MAX, SUPPLIER_APP_ID_MAX, SUPPLIER_SECRET_MAX = 100, 40, 200
# A supplier's item code patterns: how many, and how long each.
MAX_CODE_PATTERNS, CODE_PATTERN_MAX = 50, 100
WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_MAX = 8, 200
# A webhook endpoint's name, which rules' webhook actions use.
WEBHOOK_NAME_MAX = 100

# Dates stored or searched: from 1970-01-01 to the end of 9998 (UTC), so that no time zone
# shift can leave the calendar.
MIN_YEAR = 1970
MAX_YEAR = 9998

TEXT_WIDTHS: dict[str, dict[str, int]] = {
    "stores": {
        "name": 200, "api_key_hint": 8, "pod_app_id": 12, "pod_secret": 64, "timezone": 64,
    },
    "folders": {"name": 100, "pod_status": 40},
    # The order's own text fields are declared with the order (domain/order_fields.py).
    "orders": order_fields.text_widths(),
    "order_items": {
        "name": 255, "code": 100, "delivery_type": 16, "category_code": 100,
        "fulfillment_method": 100,
    },
    "order_history": {"source_name": 100, "event": 40, "surface": 20},
    "idempotency_keys": {"scope": 40, "key": 255},
    "shipments": {
        "tracking_number": 100, "carrier_code": 50, "shipment_method": 100, "weight": 32,
        "cost": 32, "status": 100, "tracking_url": 500, "label_format": 20, "print_status": 8,
        "cart_shipment_id": 100, "label_shipment_id": 100, "date_shipped": 10,
    },
    "inventory_items": {
        "name": 255, "code": 100, "location": 255, "update_source": 100, "manufacturer_sku": 100,
    },
    "notifications": {"event": 40, "url": 2000},
    "templates": {"name": 100, "kind": 10},
    "email_outbox": {"recipient": 255, "message_id": 255},
    "audit_log": {"actor": 100, "door": 20, "action": 40, "subject": 200},
    "users": {"email": 255, "password_hash": 255},
}  # fmt: skip


def width(table: str, column: str) -> int:
    return TEXT_WIDTHS[table][column]


# Templates (docs/templates.md): the source a store may save, the loop iterations and time one
# render may take, and the size of what it may produce.
MAX_TEMPLATE_SOURCE_CHARS = 100_000
MAX_TEMPLATE_STEPS = 100_000
MAX_TEMPLATE_SECONDS = 2.0
MAX_TEMPLATE_OUTPUT_CHARS = 1_000_000
# Orders printed in one run of a document (the desk's selection).
MAX_DOCUMENTS_PER_PRINT = 200
# Automation rules (docs/rules.md, "Limits"): per store, per rule, per value.
MAX_RULES_PER_STORE = 100
MAX_RULE_CONDITIONS = 20
MAX_RULE_ACTIONS = 10
MAX_RULE_NAME_CHARS = 100
# A condition's or an action's text value, and each entry of an `in` list.
MAX_RULE_VALUE_CHARS = 1000
MAX_RULE_LIST_VALUES = 100
# A `matches` pattern (RE2 syntax: linear time in the value, whatever the pattern).
MAX_RULE_PATTERN_CHARS = 500
# How deep rule-made changes may fire rules again before the cascade is cut.
MAX_RULE_DEPTH = 5
# A rules file (`orderhub rule import`, `rule add`), in bytes.
MAX_RULES_FILE_BYTES = 1_000_000
# A schedule rule runs every 1 minute to every 7 days, over at most this many orders a run.
MAX_SCHEDULE_MINUTES = 7 * 24 * 60
MAX_SCHEDULE_ORDERS = 1000
# A preview examines at most this many recent orders.
MAX_PREVIEW_ORDERS = 5000
# A rule's last outcome as stored (longer text is cut).
RULE_OUTCOME_CHARS = 500
