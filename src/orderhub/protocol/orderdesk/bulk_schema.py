"""An order as a compiled schema (msgspec): the fast path of the bulk importer (a line to
rows, orderfiles/rows.py) and of `POST /api/v2/orders` (a body to the domain order,
`order_of`).

It takes only a strict subset of what `models.OrderIn` takes — JSON types as they should
be (text as strings, whole numbers as integers), no field OrderIn does not name, free-form
maps of plain values, no escape in the line that could spell a control character — and the
lengths and ranges are OrderIn's own (`tests/unit/protocol/orderdesk/test_bulk_schema.py`
compares the two field by field, and the orders they make of a corpus of bodies). A line
it refuses, or cannot judge, is judged by OrderIn, which gives the verdict and the API's
message: so this path can only be faster, never answer differently. Bad lines are rare; a
good one is decoded, typed and measured in C.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta, Struct
from msgspec.structs import astuple

from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import ADDRESS_WIDTH, MAX_ID, MAX_QUANTITY, width
from orderhub.domain.money import json_decimal
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    NOTE_MAX_CHARS,
    SHIPPING_ADDRESS_FIELDS,
    Discount,
    Item,
    Order,
    delivery_type_of,
    masked_card,
    payment_status_of,
)
from orderhub.protocol.orderdesk.models.common import MAX_TEXT

# What in a line could decode to a character OrderIn refuses (values.py's control characters,
# U+FFFE, U+FFFF) or that orjson refuses (a lone surrogate): the escapes \u0000-\u001f,
# \ufffe, \uffff, \ud800-\udfff, \b and \f, and the two characters in UTF-8. A line with
# one goes to OrderIn (most such lines are fine, and few lines have one); other escapes,
# `\u00e9` say, are plain text.
_SUSPECT = re.compile(rb"\\(?:u(?:00[01]|fff[ef]|d[89a-f])|[bf])|\xef\xbf[\xbe\xbf]", re.IGNORECASE)

_Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
_Quantity = Annotated[int, Meta(ge=1, le=MAX_QUANTITY)]
# Numbers OrderIn's free-form JSON check accepts without a doubt: 64-bit integers, finite
# floats (msgspec refuses a JSON number that overflows a float).
_Int = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
Scalar = str | _Int | float | bool | None
# A key→value object of plain values: one level, so never too deep for the body check.
Map = dict[str, Scalar]
# Money as JSON numbers; whether it has at most 4 decimals and fits is checked in Python
# (`domain.money.fixed4_units`), which sends anything else to OrderIn.
Number = int | float


def _order(name: str) -> Meta:
    return Meta(max_length=width("orders", name))


def _item(name: str) -> Meta:
    return Meta(max_length=width("order_items", name))


_Address = Annotated[str, Meta(max_length=ADDRESS_WIDTH)]
_Text = Annotated[str, Meta(max_length=MAX_TEXT)]


class BulkAddress(Struct, forbid_unknown_fields=True):
    """In the order of `domain.orders.SHIPPING_ADDRESS_FIELDS`: the customer's fields are
    the first ten of them."""

    first_name: _Address = ""
    last_name: _Address = ""
    company: _Address = ""
    address1: _Address = ""
    address2: _Address = ""
    city: _Address = ""
    state: _Address = ""
    postal_code: _Address = ""
    country: _Address = ""
    phone: _Address = ""
    address3: _Address = ""
    address4: _Address = ""


class BulkItem(Struct, forbid_unknown_fields=True):
    id: _Id | None = None
    name: Annotated[str, _item("name")] = ""
    price: Number = 0
    quantity: _Quantity = 1
    weight: Number = 0
    code: Annotated[str, _item("code")] = ""
    delivery_type: Annotated[str, _item("delivery_type")] = "ship"
    category_code: Annotated[str, _item("category_code")] = ""
    fulfillment_method: Annotated[str, _item("fulfillment_method")] = ""
    variation_list: Map = {}
    metadata: Map = {}


class BulkDiscount(Struct, forbid_unknown_fields=True):
    name: _Text = ""
    code: _Text = ""
    amount: Number = 0


class BulkNote(Struct, forbid_unknown_fields=True):
    date_added: _Text = ""
    username: _Text = ""
    content: Annotated[str, Meta(max_length=NOTE_MAX_CHARS)] = ""


class BulkOrder(Struct, forbid_unknown_fields=True):
    id: Scalar = None  # read-only, ignored as OrderIn ignores it
    source_id: Annotated[str, _order("source_id")] = ""
    source_name: Annotated[str, _order("source_name")] = ""
    email: Annotated[str, _order("email")] = ""
    shipping_method: Annotated[str, _order("shipping_method")] = ""
    shipping_total: Number = 0
    handling_total: Number = 0
    tax_total: Number = 0
    cc_number: _Text = ""
    cc_number_masked: Annotated[str, _order("cc_number_masked")] = ""
    cc_exp: Annotated[str, _order("cc_exp")] = ""
    processor_response: Annotated[str, _order("processor_response")] = ""
    payment_type: Annotated[str, _order("payment_type")] = ""
    payment_status: Annotated[str, _order("payment_status")] = ""
    processor_balance: Number | None = None
    refund_total: Number = 0
    customer_id: Annotated[str, _order("customer_id")] = ""
    ip_address: Annotated[str, _order("ip_address")] = ""
    tag_color: Annotated[str, _order("tag_color")] = ""
    tag_name: Annotated[str, _order("tag_name")] = ""
    fulfillment_name: Annotated[str, _order("fulfillment_name")] = ""
    fulfillment_id: Annotated[str, _order("fulfillment_id")] = ""
    folder_id: _Id | None = None
    date_added: _Text = ""
    shipping: BulkAddress = msgspec.field(default_factory=BulkAddress)
    customer: BulkAddress = msgspec.field(default_factory=BulkAddress)
    return_address: Map = {}
    checkout_data: Map = {}
    order_metadata: Map = {}
    discount_list: list[BulkDiscount] | None = None
    order_notes: list[BulkNote] | None = None
    order_items: list[BulkItem] = []


# The order's fields this schema reads: OrderIn's (tests/unit/protocol/orderdesk/
# test_bulk_schema.py), which the field declarations are checked against.
ORDER_FIELDS: tuple[str, ...] = BulkOrder.__struct_fields__

_decoder = msgspec.json.Decoder(BulkOrder)


def decode(line: bytes) -> BulkOrder | None:
    """The line as a BulkOrder, or None: OrderIn must judge it."""
    if _SUSPECT.search(line) is not None:
        return None
    try:
        return _decoder.decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


if BulkAddress.__struct_fields__ != SHIPPING_ADDRESS_FIELDS or (
    SHIPPING_ADDRESS_FIELDS[: len(ADDRESS_FIELDS)] != ADDRESS_FIELDS
):  # pragma: no cover - to_order reads them by position
    raise RuntimeError("address fields changed")
_CUSTOMER_WIDTH = len(ADDRESS_FIELDS)


def _domain_item(item: BulkItem) -> Item | None:
    price = json_decimal(item.price)
    weight = json_decimal(item.weight)
    delivery_type = delivery_type_of(item.delivery_type)
    if price is None or weight is None or weight < 0 or delivery_type is None:
        return None
    return Item(
        name=item.name, price=price, quantity=item.quantity, weight=weight, code=item.code,
        delivery_type=delivery_type, category_code=item.category_code,
        fulfillment_method=item.fulfillment_method, variation_list=item.variation_list,
        metadata=item.metadata, id=item.id,
    )  # fmt: skip


def to_order(order: BulkOrder) -> Order | None:
    """The domain order `OrderIn.model_validate(...).to_domain()` makes of the same JSON, or
    None when this cannot tell (a value OrderIn refuses, or might): the caller then asks
    OrderIn, which gives the verdict and the message. Create defaults and the address rules
    are the caller's, as after `to_domain`."""
    items = []
    for bulk_item in order.order_items:
        item = _domain_item(bulk_item)
        if item is None:
            return None
        items.append(item)
    status = payment_status_of(order.payment_status)
    shipping_total = json_decimal(order.shipping_total)
    handling_total = json_decimal(order.handling_total)
    tax_total = json_decimal(order.tax_total)
    refund_total = json_decimal(order.refund_total)
    if (
        status is None
        or shipping_total is None
        or handling_total is None
        or tax_total is None
        or refund_total is None
    ):
        return None
    balance = None
    if order.processor_balance is not None:
        balance = json_decimal(order.processor_balance)
        if balance is None:
            return None
    discounts = []
    for bulk_discount in order.discount_list or ():
        amount = json_decimal(bulk_discount.amount)
        if amount is None or amount < 0:
            return None
        discounts.append(Discount(name=bulk_discount.name, code=bulk_discount.code, amount=amount))
    date_added: datetime | None = None
    if order.date_added:
        try:
            date_added = parse_datetime(order.date_added, "date_added")
        except InvalidInput:
            return None
    return Order(
        items=items,
        source_name=order.source_name,
        source_id=order.source_id or None,
        email=order.email,
        shipping_method=order.shipping_method,
        shipping_total=shipping_total,
        handling_total=handling_total,
        tax_total=tax_total,
        processor_balance=balance,
        refund_total=refund_total,
        cc_number_masked=masked_card(order.cc_number, order.cc_number_masked),
        cc_exp=order.cc_exp,
        processor_response=order.processor_response,
        payment_type=order.payment_type,
        payment_status=status,
        customer_id=order.customer_id,
        ip_address=order.ip_address,
        tag_color=order.tag_color,
        tag_name=order.tag_name,
        fulfillment_name=order.fulfillment_name,
        fulfillment_id=order.fulfillment_id,
        folder_id=order.folder_id,
        shipping=dict(zip(SHIPPING_ADDRESS_FIELDS, astuple(order.shipping), strict=True)),
        customer=dict(zip(ADDRESS_FIELDS, astuple(order.customer)[:_CUSTOMER_WIDTH], strict=True)),
        return_address=order.return_address,
        checkout_data=order.checkout_data,
        order_metadata=order.order_metadata,
        discount_list=discounts,
        order_notes=[
            {"date_added": n.date_added, "username": n.username, "content": n.content}
            for n in order.order_notes or ()
        ],
        date_added=date_added,
    )


def order_of(body: bytes) -> Order | None:
    """A request body as the domain order, when the compiled schema and `to_order` can
    judge it (nearly every good body); None: OrderIn must judge it."""
    decoded = decode(body)
    return None if decoded is None else to_order(decoded)
