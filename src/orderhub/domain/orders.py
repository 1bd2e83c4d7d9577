"""Orders and their items as plain Python: the one shape both protocols read and write.

The store keeps one field per fact; each protocol shows it under its own name. Totals are
never taken from a client: `compute_totals` derives them from the items and the discounts
with exact decimal arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.domain.errors import InvalidInput
from orderhub.domain.fulfilment import Shipment, fulfilment_status
from orderhub.domain.limits import MAX_QUANTITY_TOTAL, MAX_TOTAL
from orderhub.domain.order_fields import ADDRESS_FIELDS as ADDRESS_FIELDS
from orderhub.domain.order_fields import SHIPPING_ADDRESS_FIELDS as SHIPPING_ADDRESS_FIELDS

PAYMENT_STATUSES: tuple[str, ...] = (
    "Approved",
    "Authorized",
    "Captured",
    "Fully Refunded",
    "Partially Refunded",
    "Pending",
    "Rejected",
    "Voided",
)
DELIVERY_TYPES: tuple[str, ...] = ("ship", "noship", "download", "future")
DEFAULT_SOURCE_NAME = "Order Desk"
NOTE_MAX_CHARS = 2000
_STATUSES = {status.lower(): status for status in PAYMENT_STATUSES}


def payment_status_of(value: str) -> str | None:
    """A client's payment status as stored: any case of a known one, "" the default
    ("Captured"); None for anything else."""
    return _STATUSES.get(value.lower()) if value else "Captured"


def delivery_type_of(value: str) -> str | None:
    """An item's delivery type as stored: "" the default ("ship"); None if not a known one."""
    value = value or "ship"
    return value if value in DELIVERY_TYPES else None


def masked_card(cc_number: str, cc_number_masked: str) -> str:
    """The masked card number an order keeps: when a client sends a card number, only its
    last four digits ("x" * 12 + them), whatever it sends as the masked one."""
    digits = "".join(ch for ch in cc_number if "0" <= ch <= "9")
    return "x" * 12 + digits[-4:] if digits else cc_number_masked


@dataclass
class Item:
    name: str = ""
    price: Decimal = Decimal(0)
    quantity: int = 1
    weight: Decimal = Decimal(0)
    code: str = ""
    delivery_type: str = "ship"
    category_code: str = ""
    fulfillment_method: str = ""
    variation_list: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Print-on-demand only (designs, mockups, label, description, brand).
    pod_data: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Discount:
    name: str
    amount: Decimal
    code: str = ""


@dataclass
class HistoryEntry:
    source_name: str
    note: str
    date_added: datetime
    event: str = "note"
    surface: str = ""


@dataclass
class Order:
    """An order as stored. `id`, totals and dates are filled in by storage."""

    items: list[Item] = field(default_factory=list)
    source_name: str = DEFAULT_SOURCE_NAME
    source_id: str | None = None
    email: str = ""
    shipping_method: str = ""
    shipping_total: Decimal = Decimal(0)
    handling_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    processor_balance: Decimal | None = None
    refund_total: Decimal = Decimal(0)
    cc_number_masked: str = ""
    cc_exp: str = ""
    processor_response: str = ""
    payment_type: str = ""
    payment_status: str = "Captured"
    customer_id: str = ""
    ip_address: str = ""
    tag_color: str = ""
    tag_name: str = ""
    fulfillment_name: str = ""
    fulfillment_id: str = ""
    folder_id: int | None = None
    shipping: dict[str, str] = field(default_factory=dict)
    customer: dict[str, str] = field(default_factory=dict)
    return_address: dict[str, Any] = field(default_factory=dict)
    checkout_data: dict[str, Any] = field(default_factory=dict)
    order_metadata: dict[str, Any] = field(default_factory=dict)
    discount_list: list[Discount] = field(default_factory=list)
    order_notes: list[dict[str, Any]] = field(default_factory=list)
    date_added: datetime | None = None
    # Print-on-demand only (brand, comment, packing slip, billing address...).
    pod_data: dict[str, Any] = field(default_factory=dict)
    # Cancelled (through either API or the desk): kept, but flagged. The print-on-demand
    # API calls it `deleted`, and so does its column.
    cancelled: bool = False
    # Filled in by storage on read.
    id: int | None = None
    store_id: int | None = None
    date_updated: datetime | None = None
    quantity_total: int = 0
    weight_total: Decimal = Decimal(0)
    product_total: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    order_total: Decimal = Decimal(0)
    email_count: int = 0
    history: list[HistoryEntry] | None = None
    shipments: list[Shipment] = field(default_factory=list)

    @property
    def fulfillment_status(self) -> str:
        ordered = {item.id: item.quantity for item in self.items if item.id is not None}
        return fulfilment_status(ordered, self.shipments)


@dataclass(frozen=True)
class Totals:
    quantity_total: int
    weight_total: Decimal
    product_total: Decimal
    discount_total: Decimal
    order_total: Decimal


def compute_totals(
    items: list[Item],
    discounts: list[Discount],
    shipping_total: Decimal,
    handling_total: Decimal,
    tax_total: Decimal,
) -> Totals:
    """order_total = products - discounts + shipping + handling + tax."""
    quantity = sum(item.quantity for item in items)
    weight = sum((item.weight * item.quantity for item in items), Decimal(0))
    products = sum((item.price * item.quantity for item in items), Decimal(0))
    discount = sum((d.amount for d in discounts), Decimal(0))
    total = products - discount + shipping_total + handling_total + tax_total
    totals = Totals(quantity, weight, products, discount, total)
    check_totals(totals)
    return totals


def check_totals(totals: Totals) -> None:
    """Totals the storage can hold (see domain/limits.py); refused before any write."""
    if totals.quantity_total > MAX_QUANTITY_TOTAL:
        raise InvalidInput(
            f"order_items: the quantity total {totals.quantity_total} is over the limit of "
            f"{MAX_QUANTITY_TOTAL:,}"
        )
    for name, value in (
        ("order total", totals.order_total),
        ("product total", totals.product_total),
        ("discount total", totals.discount_total),
        ("weight total", totals.weight_total),
    ):
        if abs(value) >= MAX_TOTAL:
            raise InvalidInput(
                f"order_items: the {name} {value.normalize():f} is out of range "
                f"(|total| < {MAX_TOTAL:.0E})"
            )


def apply_totals(order: Order) -> None:
    totals = compute_totals(
        order.items,
        order.discount_list,
        order.shipping_total,
        order.handling_total,
        order.tax_total,
    )
    order.quantity_total = totals.quantity_total
    order.weight_total = totals.weight_total
    order.product_total = totals.product_total
    order.discount_total = totals.discount_total
    order.order_total = totals.order_total


def fill_create_defaults(order: Order) -> None:
    """The Order Desk create rules: at least one item, a default source, and the address
    rules of `normalise_addresses`."""
    if not order.items:
        raise InvalidInput("order_items: an order needs at least one item")
    if not order.source_name:
        order.source_name = DEFAULT_SOURCE_NAME
    normalise_addresses(order)


def normalise_addresses(order: Order) -> None:
    """One address given is copied to the other; a name or company is required."""
    has_shipping = any(order.shipping.get(k) for k in SHIPPING_ADDRESS_FIELDS)
    has_customer = any(order.customer.get(k) for k in ADDRESS_FIELDS)
    if has_shipping and not has_customer:
        order.customer = {k: order.shipping.get(k, "") for k in ADDRESS_FIELDS}
    elif has_customer and not has_shipping:
        order.shipping = {k: order.customer.get(k, "") for k in ADDRESS_FIELDS}
    require_name(order)


def require_name(order: Order) -> None:
    for address in (order.shipping, order.customer):
        if address.get("company") or (address.get("first_name") and address.get("last_name")):
            return
    raise InvalidInput(
        "shipping: an order needs a first and last name or a company in shipping or customer"
    )
