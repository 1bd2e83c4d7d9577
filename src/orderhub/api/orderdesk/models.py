"""Request bodies of the Order Desk API: validation, and conversion to domain objects.

Clients in the wild send loose types — prices as "10", ids as numbers or strings, `[]` for
an empty map — so the models accept those and normalise them. Read-only fields that a
GET-merge-PUT client sends back (`id`, totals, `order_shipments`...) are accepted and ignored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import InvalidInput, OrderhubError
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.inventory import InventoryItem
from orderhub.domain.money import parse_decimal
from orderhub.domain.orders import (
    ADDRESS_FIELDS,
    DELIVERY_TYPES,
    NOTE_MAX_CHARS,
    PAYMENT_STATUSES,
    SHIPPING_ADDRESS_FIELDS,
    Discount,
    Item,
    Order,
)

MAX_TEXT = 255
ModelT = TypeVar("ModelT", bound=BaseModel)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int | float):
        return str(value)
    raise ValueError("must be a string")


def _decimal(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    try:
        return parse_decimal(value, "value")
    except OrderhubError as exc:
        raise ValueError(exc.message.removeprefix("value: ")) from None


def _map(value: Any) -> dict[str, Any]:
    """A key→value object; PHP clients send [] for an empty one."""
    if value is None or value == []:
        return {}
    if isinstance(value, dict):
        return value
    raise ValueError("must be an object of key/value pairs")


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError("must be a whole number")


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return _whole(value)


Text = Annotated[str, BeforeValidator(_text), Field(max_length=MAX_TEXT)]
LongText = Annotated[str, BeforeValidator(_text), Field(max_length=65_535)]
Money = Annotated[Decimal, BeforeValidator(_decimal)]
Map = Annotated[dict[str, Any], BeforeValidator(_map)]
Whole = Annotated[int, BeforeValidator(_whole)]
OptionalId = Annotated[int | None, BeforeValidator(_optional_id)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AddressIn(_Lenient):
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    address1: Text = ""
    address2: Text = ""
    address3: Text = ""
    address4: Text = ""
    city: Text = ""
    state: Text = ""
    postal_code: Text = ""
    country: Text = ""
    phone: Text = ""


def _address(value: Any) -> Any:
    return {} if value is None or value == [] else value


Address = Annotated[AddressIn, BeforeValidator(_address)]


class ItemIn(_Lenient):
    id: OptionalId = None
    name: Text = ""
    price: Money = Decimal(0)
    quantity: Whole = 1
    weight: Money = Decimal(0)
    code: Text = ""
    delivery_type: Text = "ship"
    category_code: Text = ""
    fulfillment_method: Text = ""
    variation_list: Map = Field(default_factory=dict)
    metadata: Map = Field(default_factory=dict)

    @field_validator("quantity")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be a whole number of at least 1")
        return value

    @field_validator("weight")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("delivery_type")
    @classmethod
    def _delivery(cls, value: str) -> str:
        value = value or "ship"
        if value not in DELIVERY_TYPES:
            raise ValueError(f"must be one of {', '.join(DELIVERY_TYPES)}")
        return value

    def to_domain(self) -> Item:
        return Item(**self.model_dump())


class ItemPatch(_Lenient):
    """PUT on one item: only the fields sent change (see docs/orderdesk.md)."""

    name: Text | None = None
    price: Money | None = None
    quantity: Whole | None = None
    weight: Money | None = None
    code: Text | None = None
    delivery_type: Text | None = None
    category_code: Text | None = None
    fulfillment_method: Text | None = None
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


class DiscountIn(_Lenient):
    name: Text = ""
    code: Text = ""
    amount: Money = Decimal(0)

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("must be a positive amount (discounts are subtracted)")
        return value


class NoteIn(_Lenient):
    date_added: Text = ""
    username: Text = ""
    content: Annotated[str, BeforeValidator(_text), Field(max_length=NOTE_MAX_CHARS)] = ""


class OrderIn(_Lenient):
    id: Any = None
    source_id: Text = ""
    source_name: Text = ""
    email: Text = ""
    shipping_method: Text = ""
    shipping_total: Money = Decimal(0)
    handling_total: Money = Decimal(0)
    tax_total: Money = Decimal(0)
    cc_number: Text = ""
    cc_number_masked: Text = ""
    cc_exp: Text = ""
    processor_response: Text = ""
    payment_type: Annotated[str, BeforeValidator(_text), Field(max_length=64)] = ""
    payment_status: Text = ""
    processor_balance: Money | None = None
    refund_total: Money = Decimal(0)
    customer_id: Text = ""
    ip_address: Text = ""
    tag_color: Text = ""
    tag_name: Text = ""
    fulfillment_name: Text = ""
    fulfillment_id: Text = ""
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
        if not value:
            return "Captured"
        for known in PAYMENT_STATUSES:
            if known.lower() == value.lower():
                return known
        raise ValueError(f"must be one of {', '.join(PAYMENT_STATUSES)}")

    def to_domain(self) -> Order:
        date_added: datetime | None = None
        if self.date_added:
            date_added = parse_datetime(self.date_added, "date_added")
        masked = self.cc_number_masked
        digits = "".join(ch for ch in self.cc_number if ch.isdigit())
        if digits:
            # Only the last four digits are ever kept, whatever a client sends.
            masked = "x" * 12 + digits[-4:]
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
            cc_number_masked=masked,
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


class HistoryNoteIn(_Lenient):
    note: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=NOTE_MAX_CHARS)]
    source_name: Text = "API"


def parse_body(model: type[ModelT], data: Any) -> ModelT:
    """Validate, turning pydantic's report into one message that names each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("request body: expected a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(describe_errors(exc)) from None


def describe_errors(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        path = ""
        for loc in err["loc"]:
            path += f"[{loc}]" if isinstance(loc, int) else (f".{loc}" if path else str(loc))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required"
        parts.append(f"{path or 'request body'}: {message}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class ShipmentLineIn(_Lenient):
    id: OptionalId = None
    code: Text = ""
    quantity: Whole = 1


class ShipmentIn(_Lenient):
    tracking_number: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=100)]
    carrier_code: Text = ""
    shipment_method: Text = ""
    weight: Text = ""
    cost: Text = ""
    status: Text = ""
    tracking_url: Annotated[str, BeforeValidator(_text), Field(max_length=500)] = ""
    label_format: Text = ""
    label_image: LongText = ""
    print_status: Text = "0"
    cart_shipment_id: Text = ""
    label_shipment_id: Text = ""
    date_shipped: Text = ""
    order_items: list[ShipmentLineIn] | None = None

    @field_validator("order_items", mode="before")
    @classmethod
    def _blank_means_whole(cls, value: Any) -> Any:
        return None if value in ("", None, []) else value

    @field_validator("date_shipped")
    @classmethod
    def _date(cls, value: str) -> str:
        if value:
            try:
                return date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                raise ValueError("must be a date, YYYY-MM-DD") from None
        return value

    def to_domain(self) -> tuple[Shipment, list[LineRequest]]:
        """The shipment, and the lines it names (by item `id` or by `code`)."""
        lines = [
            LineRequest(quantity=line.quantity, item_id=line.id, code=line.code)
            for line in self.order_items or []
        ]
        fields = self.model_dump(exclude={"order_items"})
        fields["tracking_number"] = fields["tracking_number"].strip()
        return Shipment(**fields), lines


class BatchShipmentIn(ShipmentIn):
    order_id: Annotated[int, BeforeValidator(_whole)]


class InventoryItemIn(_Lenient):
    id: Any = None
    name: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_TEXT)]
    code: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=100)]
    price: Money = Decimal(0)
    cost: Money = Decimal(0)
    weight: Money = Decimal(0)
    stock: Whole = 0
    location: Text = ""
    update_source: Text = ""
    manufacturer_sku: Annotated[
        str | None, BeforeValidator(lambda v: None if v is None else _text(v))
    ] = None
    metadata: Map = Field(default_factory=dict)
    variation_list: Map = Field(default_factory=dict)

    def to_domain(self) -> InventoryItem:
        return InventoryItem(**self.model_dump(exclude={"id"}))


class MoveOrdersIn(_Lenient):
    order_id_list: list[Annotated[int, BeforeValidator(_whole)]] = Field(
        min_length=1, max_length=500
    )
    destination_folder_id: OptionalId = None
    destination_folder_name: Text = ""


class FolderIn(_Lenient):
    name: Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=100)]
    pod_status: Annotated[
        str | None, BeforeValidator(lambda v: None if v in (None, "") else _text(v))
    ] = None
