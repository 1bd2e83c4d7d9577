"""An imported order as a compiled schema (msgspec): the bulk importer's fast path.

It takes only a strict subset of what `models.OrderIn` takes — JSON types as they should
be (text as strings, whole numbers as integers), no field OrderIn does not name, free-form
maps of plain values, no escape in the line that could spell a control character — and the
lengths and ranges are OrderIn's own (`tests/unit/protocol/test_bulk_schema.py` compares the
two field by field). A line it refuses, or cannot judge, is judged by OrderIn, which gives
the verdict and the API's message: so this path can only be faster, never answer
differently. Bad lines are rare; a good one is decoded, typed and measured in C.
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from orderhub.domain.limits import ADDRESS_WIDTH, MAX_ID, MAX_QUANTITY, width
from orderhub.domain.orders import NOTE_MAX_CHARS
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
