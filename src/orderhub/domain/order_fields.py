"""The order's fields, declared once: what each is called on the Order Desk wire, what kind
of value it holds, how long its text may be, whether a client writes it on create and
replace, whether the `orders` table stores it, and where it sits in a CSV order file.

Cold paths derive from this list: the text widths of `domain/limits.py`, the sortable
fields, the OpenAPI schema of an order, the CSV columns. Hot paths keep their own literal
code for speed (the row mapping in `storage/orders/rows.py`, `wire.order_dict`, `OrderIn`
and its `to_domain`, the bulk importer's field list); `tests/unit/domain/test_order_fields.py`
checks each of them against this list, so a field added here and forgotten there fails.
To add a field, follow "Add a field to the order" in CONTRIBUTING.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a value is: "id" the order's own (a string on the wire), "ref" another record's id
# (a number or null), "address" a map of the parts below, "map" free-form JSON, "notes",
# "discounts", "items", "shipments", "history" lists of their own shape, "status" a word
# computed on read, "flag" a yes/no, "blob" print-on-demand data kept as JSON.
Kind = Literal[
    "id", "ref", "text", "money", "count", "date", "status", "flag", "address", "map", "notes",
    "discounts", "items", "shipments", "history", "blob",
]  # fmt: skip
# Which part of the order a field belongs to: its source, an address, the checkout (payment),
# the store's own notes and tags (meta), or the totals computed from the items.
Group = Literal["", "source", "address", "checkout", "meta", "total"]
SCALAR_KINDS: frozenset[str] = frozenset({"id", "ref", "text", "money", "count", "date"})

# The parts of an address (`shipping` and `customer`), and the two only `shipping` has.
ADDRESS_WIDTH = 255
ADDRESS_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "company", "address1", "address2", "city", "state",
    "postal_code", "country", "phone",
)  # fmt: skip
SHIPPING_ONLY_FIELDS: tuple[str, ...] = ("address3", "address4")
SHIPPING_ADDRESS_FIELDS: tuple[str, ...] = (*ADDRESS_FIELDS, *SHIPPING_ONLY_FIELDS)


@dataclass(frozen=True, slots=True)
class OrderField:
    name: str  # the attribute of `domain.orders.Order`
    kind: Kind
    wire: str | None  # the key in an Order Desk order; None: not shown there
    width: int = 0  # text: the most characters its column holds
    group: Group = ""
    written: bool = False  # read from the client's body on create and replace (`OrderIn`)
    stored: bool = True  # a column of `orders` (an address: one column per part)
    csv: int = 0  # its place among the order columns of a CSV order file; 0: not in it
    column: str = ""  # its column in `orders` when not named as the attribute

    @property
    def parts(self) -> tuple[str, ...]:
        """An address's parts (its columns are `<name>_<part>`)."""
        if self.kind != "address":
            return ()
        return SHIPPING_ADDRESS_FIELDS if self.name == "shipping" else ADDRESS_FIELDS

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in the `orders` table."""
        if not self.stored:
            return ()
        if self.kind == "address":
            return tuple(f"{self.name}_{part}" for part in self.parts)
        return (self.column or self.name,)


def _f(
    name: str,
    kind: Kind,
    wire: str | None = "",
    *,
    width: int = 0,
    group: Group = "",
    written: bool = False,
    stored: bool = True,
    csv: int = 0,
    column: str = "",
) -> OrderField:
    """A field whose wire name is its own unless given (None: not on the wire)."""
    wire_name = name if wire == "" else wire
    return OrderField(name, kind, wire_name, width, group, written, stored, csv, column)


def _text(name: str, width: int, *, group: Group = "", csv: int = 0) -> OrderField:
    return _f(name, "text", width=width, group=group, written=True, csv=csv)


def _money(name: str, *, group: Group = "", written: bool = False, csv: int = 0) -> OrderField:
    return _f(name, "money", group=group, written=written, csv=csv)


# In the order `GET /api/v2/orders/{id}` shows them; fields the wire does not show last.
ORDER_FIELDS: tuple[OrderField, ...] = (
    _f("id", "id"),
    _text("email", 255, csv=3),
    _text("shipping_method", 255, csv=6),
    _f("quantity_total", "count", group="total"),
    _money("weight_total", group="total"),
    _money("product_total", group="total"),
    _money("shipping_total", written=True, csv=7),
    _money("handling_total", written=True, csv=8),
    _money("tax_total", written=True, csv=9),
    _money("discount_total", group="total"),
    _money("order_total", group="total"),
    _text("cc_number_masked", 32, group="checkout"),
    _text("cc_exp", 16, group="checkout"),
    _text("processor_response", 255, group="checkout"),
    _text("payment_type", 64, group="checkout", csv=11),
    _text("payment_status", 32, group="checkout", csv=10),
    _money("processor_balance", group="checkout", written=True),
    _money("refund_total", group="checkout", written=True),
    _text("customer_id", 100, csv=12),
    _f("email_count", "count", stored=False),
    _text("ip_address", 64, group="checkout"),
    _text("tag_color", 32, group="meta"),
    _text("tag_name", 100, group="meta"),
    _text("fulfillment_name", 100, group="meta"),
    _text("fulfillment_id", 100, group="meta"),
    _f("folder_id", "ref", written=True, csv=5),
    _f("date_added", "date", written=True, csv=4),
    _f("date_updated", "date"),
    _text("source_id", 100, group="source", csv=1),
    _text("source_name", 100, group="source", csv=2),
    _f("shipping", "address", width=ADDRESS_WIDTH, group="address", written=True, csv=13),
    _f("customer", "address", width=ADDRESS_WIDTH, group="address", written=True, csv=14),
    _f("return_address", "map", group="address", written=True),
    _f("checkout_data", "map", group="checkout", written=True),
    _f("order_metadata", "map", group="meta", written=True),
    _f("discount_list", "discounts", written=True),
    _f("order_notes", "notes", group="meta", written=True),
    _f("items", "items", "order_items", written=True, stored=False),
    _f("shipments", "shipments", "order_shipments", stored=False),
    _f("fulfillment_status", "status", stored=False),
    # Only when asked for (GET /orders/{id}, get_order_history=1).
    _f("history", "history", "order_history", stored=False),
    _f("store_id", "ref", None),
    # Print-on-demand only: brand, comment, packing slip, billing address...
    _f("pod_data", "blob", None),
    # Cancelled through the print-on-demand API: kept, but flagged.
    # The print-on-demand API's cancel; its column (and that API's key) keep the name "deleted".
    _f("cancelled", "flag", None, column="deleted"),
)
BY_NAME: dict[str, OrderField] = {f.name: f for f in ORDER_FIELDS}
ON_WIRE: tuple[OrderField, ...] = tuple(f for f in ORDER_FIELDS if f.wire is not None)
WRITTEN: tuple[OrderField, ...] = tuple(f for f in ORDER_FIELDS if f.written)


def text_widths() -> dict[str, int]:
    """Column → width for every text column of `orders` (read by `domain/limits.py`)."""
    widths: dict[str, int] = {}
    for f in ORDER_FIELDS:
        if f.kind in ("text", "address") and f.stored:
            widths.update(dict.fromkeys(f.columns, f.width))
    return widths


def sortable_columns() -> tuple[str, ...]:
    """Every scalar column the wire shows: what a list may be sorted by."""
    return tuple(
        column
        for f in ON_WIRE
        if f.kind in SCALAR_KINDS or f.kind == "address"
        for column in f.columns
    )


def csv_order_columns() -> tuple[str, ...]:
    """The order's columns of a CSV order file, in their place: an address as one column
    per part (`shipping_city`; not address3/4), a reference by its record's name
    (`folder_name`)."""
    columns: list[str] = []
    for f in sorted((f for f in ON_WIRE if f.csv), key=lambda f: f.csv):
        assert f.wire is not None
        if f.kind == "address":
            columns.extend(f"{f.wire}_{part}" for part in ADDRESS_FIELDS)
        elif f.kind == "ref":
            columns.append(f.wire.removesuffix("_id") + "_name")
        else:
            columns.append(f.wire)
    return tuple(columns)
