"""Schemas of what /api/v2 answers, for the OpenAPI document only.

Responses are encoded by `wire.py` and never validated on the way out (that would cost every
request); these models describe the same shapes, strictly (`additionalProperties: false`),
so the published contract is checked against real answers by the tests (Schemathesis).
The order and its addresses are built from the declaration of the order's fields
(domain/order_fields.py), one property per field the wire shows, in the wire's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from orderhub.domain.order_fields import ADDRESS_FIELDS, ON_WIRE, SHIPPING_ONLY_FIELDS

WireDate = Annotated[
    str, Field(pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", examples=["2026-11-25 10:15:00"])
]
Seconds = Annotated[str, Field(pattern=r"^\d+\.\d{4} seconds$", examples=["0.0012 seconds"])]
Number = Annotated[float, Field(description="A JSON number (19, 21.17)")]
# PHP clients know an empty map as []: Order Desk sends it so, and orderhub too.
Map = Annotated[
    dict[str, Any] | Annotated[list[Any], Field(max_length=0)],
    Field(description="An object, or [] when empty (as Order Desk sends it)"),
]
IdString = Annotated[str, Field(pattern=r"^\d+$", examples=["26211"])]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _strings(name: str, base: type[_Strict], names: Iterable[str]) -> type[_Strict]:
    """A model of required string properties, one per declared field name."""
    fields: dict[str, Any] = {n: (str, ...) for n in names}
    return create_model(name, __base__=base, __module__=__name__, **fields)


if TYPE_CHECKING:  # mypy cannot follow create_model's fields; it needs a class to name
    AddressOut = ShippingAddressOut = _Strict
else:
    AddressOut = _strings("AddressOut", _Strict, ADDRESS_FIELDS)
    ShippingAddressOut = _strings("ShippingAddressOut", AddressOut, SHIPPING_ONLY_FIELDS)


class OrderItemOut(_Strict):
    id: IdString
    name: str
    price: Number
    quantity: int
    weight: Number
    code: str
    delivery_type: Literal["ship", "noship", "download", "future"]
    category_code: str
    fulfillment_method: str
    variation_list: Map
    metadata: Map


class ShipmentLineOut(_Strict):
    id: IdString
    quantity: int


class ShipmentOut(_Strict):
    id: IdString
    order_id: IdString
    store_id: IdString
    tracking_number: str
    carrier_code: str
    shipment_method: str
    weight: str
    cost: str
    status: str
    tracking_url: str
    label_format: str
    label_image: str
    print_status: str
    order_items: list[ShipmentLineOut] | Literal[""] = Field(
        description='"" for a shipment of the whole (remaining) order, else the lines it covers'
    )
    cart_shipment_id: str
    label_shipment_id: str
    date_shipped: str
    date_added: WireDate


class DiscountOut(_Strict):
    name: str
    code: str
    amount: Annotated[str, Field(examples=["1.70"])]


class HistoryEntryOut(_Strict):
    source_name: str
    note: str
    date_added: WireDate


# Each kind of order field as the wire shows it (domain/order_fields.py declares the fields).
_WIRE_TYPES: dict[str, Any] = {
    "id": IdString,
    "ref": int | None,
    "text": str,
    "money": Number,
    "count": int,
    "date": WireDate,
    "status": Literal["unfulfilled", "partial", "fulfilled"],
    "map": Map,
    "notes": list[Any],
    "discounts": list[DiscountOut],
    "items": list[OrderItemOut],
    "shipments": list[ShipmentOut],
}
# Fields whose wire type is not their kind's.
_WIRE_TYPES_BY_NAME: dict[str, Any] = {
    "email_count": IdString,
    "shipping": ShippingAddressOut,
    "customer": AddressOut,
}
_OPTIONAL: dict[str, Any] = {
    "history": (
        list[HistoryEntryOut] | None,
        Field(
            default=None,
            description="On GET /orders/{id}, POST order-history, get_order_history=1",
        ),
    ),
}


def _order_out() -> type[_Strict]:
    """The order as `wire.order_dict` renders it, one property per declared wire field."""
    fields: dict[str, Any] = {}
    for f in ON_WIRE:
        assert f.wire is not None
        if f.name in _OPTIONAL:
            fields[f.wire] = _OPTIONAL[f.name]
        else:
            fields[f.wire] = (_WIRE_TYPES_BY_NAME.get(f.name) or _WIRE_TYPES[f.kind], ...)
    return create_model("OrderOut", __base__=_Strict, __module__=__name__, **fields)


if TYPE_CHECKING:
    OrderOut = _Strict
else:
    OrderOut = _order_out()


class InventoryItemOut(_Strict):
    id: int
    name: str
    code: str
    price: Number
    cost: Number
    weight: Number
    stock: int
    location: str
    update_source: str
    manufacturer_sku: str | None
    metadata: Map
    variation_list: Map
    date_added: WireDate
    date_updated: WireDate


class FolderOut(_Strict):
    id: int
    name: str
    pod_status: str | None
    order_count: int | None = Field(default=None, description="Only in GET /folders")


class StoreSettingsOut(BaseModel):
    """The fixed keys below, plus the store's public settings (see docs/cli.md)."""

    app_version: str
    timezone: str
    date_format: str
    short_date_format: str
    orders_per_page: int
    all_orders_name: str


class StoreOut(_Strict):
    id: IdString
    name: str
    settings: StoreSettingsOut
    folders: dict[str, str] = Field(description='{"folder id": "folder name"}')


# --- envelopes ---------------------------------------------------------------------------


class _Envelope(_Strict):
    status: Literal["success"]
    execution_time: Seconds


class MessageResponse(_Envelope):
    message: str


class ConnectionResponse(MessageResponse):
    current_date_time: WireDate


class StoreResponse(_Envelope):
    store: StoreOut


class OrderListResponse(_Envelope):
    message: str
    total_records: int
    records_returned: int
    offset: int
    limit: int
    orders: list[OrderOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (orderhub extension); null on the last"
    )


class OrderResponse(_Envelope):
    message: str
    order: OrderOut


class SplitOrderResponse(MessageResponse):
    """POST /orders/{id}/split (orderhub extension): both orders as GET /orders/{id} shows
    them."""

    original_order: OrderOut
    new_order: OrderOut


class OrderHistoryResponse(_Envelope):
    total_records: int
    order: OrderOut


class OrderItemsResponse(_Envelope):
    total_records: int
    order_items: list[OrderItemOut]


class OrderItemResponse(_Envelope):
    message: str | None = None
    order_item: OrderItemOut


class ShipmentsResponse(_Envelope):
    total_records: int
    shipments: list[ShipmentOut]


class ShipmentResponse(_Envelope):
    message: str | None = None
    shipment: ShipmentOut


class BatchShipmentResult(_Strict):
    order_id: str
    status: Literal["success", "error"]
    message: str
    shipment_id: IdString | None = None


class BatchShipmentsResponse(MessageResponse):
    results: list[BatchShipmentResult]


class InventoryListResponse(_Envelope):
    records_returned: int
    total_records: IdString
    offset: int
    limit: int
    inventory_items: list[InventoryItemOut]


class InventoryItemResponse(_Envelope):
    message: str | None = None
    records_returned: int | None = None
    inventory_item: InventoryItemOut


class BatchInventoryResult(_Strict):
    id: int | None = None
    code: str
    status: Literal["success", "error"]
    message: str


class BatchInventoryResponse(MessageResponse):
    results: list[BatchInventoryResult]


class MoveResult(_Strict):
    order_id: int
    message: str
    original_folder_id: int | None = None
    status: Literal["error"] | None = None


class MoveOrdersResponse(MessageResponse):
    results: list[MoveResult]


class FoldersResponse(_Envelope):
    folders: list[FolderOut]


class FolderResponse(MessageResponse):
    folder: FolderOut


class ErrorResponse(_Strict):
    """Every error on /api/v2, whatever the status."""

    status: Literal["error"]
    message: str
    execution_time: Seconds
