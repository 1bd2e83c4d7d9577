"""Shipment bodies of the Order Desk API (one shipment, and the batch form with `order_id`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from orderhub.domain.dates import parse_day
from orderhub.domain.errors import OrderhubError
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.values import LINK_RULE, is_link
from orderhub.protocol.orderdesk.models.common import (
    Lenient,
    LongText,
    OptionalId,
    Quantity,
    RecordId,
    Str,
    fits,
)


def _shipment(name: str, *, min_length: int = 0) -> Any:
    return fits("shipments", name, min_length=min_length)


class ShipmentLineIn(Lenient):
    id: OptionalId = None
    code: Annotated[Str, fits("order_items", "code")] = ""
    quantity: Quantity = 1


class ShipmentIn(Lenient):
    tracking_number: Annotated[Str, _shipment("tracking_number", min_length=1)]
    carrier_code: Annotated[Str, _shipment("carrier_code")] = ""
    shipment_method: Annotated[Str, _shipment("shipment_method")] = ""
    weight: Annotated[Str, _shipment("weight")] = ""
    cost: Annotated[Str, _shipment("cost")] = ""
    status: Annotated[Str, _shipment("status")] = ""
    tracking_url: Annotated[Str, _shipment("tracking_url")] = ""
    label_format: Annotated[Str, _shipment("label_format")] = ""
    label_image: LongText = ""
    print_status: Annotated[Str, _shipment("print_status")] = "0"
    cart_shipment_id: Annotated[Str, _shipment("cart_shipment_id")] = ""
    label_shipment_id: Annotated[Str, _shipment("label_shipment_id")] = ""
    date_shipped: Str = ""
    order_items: list[ShipmentLineIn] | None = Field(default=None, max_length=10_000)

    @field_validator("order_items", mode="before")
    @classmethod
    def _blank_means_whole(cls, value: Any) -> Any:
        return None if value in ("", None, []) else value

    @field_validator("tracking_url")
    @classmethod
    def _link(cls, value: str) -> str:
        if value and not is_link(value):
            raise ValueError(LINK_RULE)
        return value

    @field_validator("date_shipped")
    @classmethod
    def _date(cls, value: str) -> str:
        if value:
            try:
                return parse_day(value, "date_shipped").isoformat()
            except OrderhubError as exc:
                raise ValueError(exc.message.removeprefix("date_shipped: ")) from None
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
    order_id: RecordId
