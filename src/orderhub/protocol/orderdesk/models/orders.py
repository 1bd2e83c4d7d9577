"""Order, item, discount and history-note bodies of the Order Desk API.

Clients in the wild send loose types — prices as "10", ids as numbers or strings, `[]` for
an empty map — so the models accept those and normalise them. Read-only fields that a
GET-merge-PUT client sends back (`id`, totals, `order_shipments`...) are accepted and ignored.
Every text field is as long as its column at most (see `common.fits`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, field_validator

from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import ADDRESS_WIDTH
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    DELIVERY_TYPES,
    NOTE_MAX_CHARS,
    PAYMENT_STATUSES,
    SHIPPING_ADDRESS_FIELDS,
    Discount,
    Item,
    Order,
    delivery_type_of,
    masked_card,
    payment_status_of,
)
from orderhub.protocol.orderdesk.models.common import (
    Lenient,
    Map,
    Money,
    OptionalId,
    Quantity,
    Str,
    Text,
    describe_errors,
    fits,
)

AddressText = Annotated[Str, Field(max_length=ADDRESS_WIDTH)]


def _order(name: str) -> Any:
    return fits("orders", name)


def _item(name: str) -> Any:
    return fits("order_items", name)


class AddressIn(Lenient):
    first_name: AddressText = ""
    last_name: AddressText = ""
    company: AddressText = ""
    address1: AddressText = ""
    address2: AddressText = ""
    address3: AddressText = ""
    address4: AddressText = ""
    city: AddressText = ""
    state: AddressText = ""
    postal_code: AddressText = ""
    country: AddressText = ""
    phone: AddressText = ""


def _address(value: Any) -> Any:
    return {} if value is None or value == [] else value


Address = Annotated[AddressIn, BeforeValidator(_address)]


class ItemIn(Lenient):
    id: OptionalId = None
    name: Annotated[Str, _item("name")] = ""
    price: Money = Decimal(0)
    quantity: Quantity = 1
    weight: Money = Decimal(0)
    code: Annotated[Str, _item("code")] = ""
    delivery_type: Annotated[Str, _item("delivery_type")] = "ship"
    category_code: Annotated[Str, _item("category_code")] = ""
    fulfillment_method: Annotated[Str, _item("fulfillment_method")] = ""
    variation_list: Map = Field(default_factory=dict)
    metadata: Map = Field(default_factory=dict)

    @field_validator("weight")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("delivery_type")
    @classmethod
    def _delivery(cls, value: str) -> str:
        known = delivery_type_of(value)
        if known is None:
            raise ValueError(f"must be one of {', '.join(DELIVERY_TYPES)}")
        return known

    def to_domain(self) -> Item:
        # The validated fields themselves: model_dump() would serialise a copy of each (a
        # third of the cost of turning an imported order into a domain order).
        return Item(**self.__dict__)


class ItemPatch(Lenient):
    """PUT on one item: only the fields sent change (see docs/orderdesk.md)."""

    name: Annotated[Str, _item("name")] | None = None
    price: Money | None = None
    quantity: Quantity | None = None
    weight: Money | None = None
    code: Annotated[Str, _item("code")] | None = None
    delivery_type: Annotated[Str, _item("delivery_type")] | None = None
    category_code: Annotated[Str, _item("category_code")] | None = None
    fulfillment_method: Annotated[Str, _item("fulfillment_method")] | None = None
    variation_list: Map | None = None
    metadata: Map | None = None

    def apply_to(self, item: Item) -> Item:
        merged = {
            "name": item.name,
            "price": item.price,
            "quantity": item.quantity,
            "weight": item.weight,
            "code": item.code,
            "delivery_type": item.delivery_type,
            "category_code": item.category_code,
            "fulfillment_method": item.fulfillment_method,
            "variation_list": item.variation_list,
            "metadata": item.metadata,
        }
        merged.update(self.model_dump(exclude_unset=True, exclude_none=True))
        try:
            updated = ItemIn.model_validate(merged).to_domain()
        except ValidationError as exc:
            raise InvalidInput(describe_errors(exc)) from None
        updated.id = item.id
        return updated


class DiscountIn(Lenient):
    name: Text = ""
    code: Text = ""
    amount: Money = Decimal(0)

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("must be a positive amount (discounts are subtracted)")
        return value


class NoteIn(Lenient):
    date_added: Text = ""
    username: Text = ""
    content: Annotated[Str, Field(max_length=NOTE_MAX_CHARS)] = ""


class OrderIn(Lenient):
    id: Any = None
    source_id: Annotated[Str, _order("source_id")] = ""
    source_name: Annotated[Str, _order("source_name")] = ""
    email: Annotated[Str, _order("email")] = ""
    shipping_method: Annotated[Str, _order("shipping_method")] = ""
    shipping_total: Money = Decimal(0)
    handling_total: Money = Decimal(0)
    tax_total: Money = Decimal(0)
    cc_number: Text = ""
    cc_number_masked: Annotated[Str, _order("cc_number_masked")] = ""
    cc_exp: Annotated[Str, _order("cc_exp")] = ""
    processor_response: Annotated[Str, _order("processor_response")] = ""
    payment_type: Annotated[Str, _order("payment_type")] = ""
    payment_status: Annotated[Str, _order("payment_status")] = ""
    processor_balance: Money | None = None
    refund_total: Money = Decimal(0)
    customer_id: Annotated[Str, _order("customer_id")] = ""
    ip_address: Annotated[Str, _order("ip_address")] = ""
    tag_color: Annotated[Str, _order("tag_color")] = ""
    tag_name: Annotated[Str, _order("tag_name")] = ""
    fulfillment_name: Annotated[Str, _order("fulfillment_name")] = ""
    fulfillment_id: Annotated[Str, _order("fulfillment_id")] = ""
    folder_id: OptionalId = None
    date_added: Text = ""
    shipping: Address = Field(default_factory=AddressIn)
    customer: Address = Field(default_factory=AddressIn)
    return_address: Map = Field(default_factory=dict)
    checkout_data: Map = Field(default_factory=dict)
    order_metadata: Map = Field(default_factory=dict)
    discount_list: list[DiscountIn] | None = None
    order_notes: list[NoteIn] | None = None
    order_items: list[ItemIn] | None = None

    @field_validator("payment_status")
    @classmethod
    def _payment_status(cls, value: str) -> str:
        known = payment_status_of(value)
        if known is None:
            raise ValueError(f"must be one of {', '.join(PAYMENT_STATUSES)}")
        return known

    def to_domain(self) -> Order:
        date_added: datetime | None = None
        if self.date_added:
            date_added = parse_datetime(self.date_added, "date_added")
        return Order(
            items=[item.to_domain() for item in self.order_items or []],
            source_name=self.source_name,
            source_id=self.source_id or None,
            email=self.email,
            shipping_method=self.shipping_method,
            shipping_total=self.shipping_total,
            handling_total=self.handling_total,
            tax_total=self.tax_total,
            processor_balance=self.processor_balance,
            refund_total=self.refund_total,
            cc_number_masked=masked_card(self.cc_number, self.cc_number_masked),
            cc_exp=self.cc_exp,
            processor_response=self.processor_response,
            payment_type=self.payment_type,
            payment_status=self.payment_status or "Captured",
            customer_id=self.customer_id,
            ip_address=self.ip_address,
            tag_color=self.tag_color,
            tag_name=self.tag_name,
            fulfillment_name=self.fulfillment_name,
            fulfillment_id=self.fulfillment_id,
            folder_id=self.folder_id,
            shipping={k: getattr(self.shipping, k) for k in SHIPPING_ADDRESS_FIELDS},
            customer={k: getattr(self.customer, k) for k in ADDRESS_FIELDS},
            return_address=self.return_address,
            checkout_data=self.checkout_data,
            order_metadata=self.order_metadata,
            discount_list=[
                Discount(name=d.name, code=d.code, amount=d.amount)
                for d in self.discount_list or []
            ],
            order_notes=[note.model_dump() for note in self.order_notes or []],
            date_added=date_added,
        )


class HistoryNoteIn(Lenient):
    note: Annotated[Str, Field(min_length=1, max_length=NOTE_MAX_CHARS)]
    source_name: Annotated[Str, fits("order_history", "source_name")] = "API"
