"""An order's fulfilment state, derived from its shipments — never stored by hand.

A shipment either lists items with quantities (a partial shipment), or lists none, which
means "everything not shipped yet" (the whole order, or the rest of it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from orderhub.domain.errors import InvalidInput


@dataclass
class ShipmentLine:
    order_item_id: int
    quantity: int


@dataclass
class Shipment:
    tracking_number: str
    carrier_code: str = ""
    shipment_method: str = ""
    weight: str = ""
    cost: str = ""
    status: str = ""
    tracking_url: str = ""
    label_format: str = ""
    label_image: str = ""
    print_status: str = "0"
    cart_shipment_id: str = ""
    label_shipment_id: str = ""
    date_shipped: str = ""
    lines: list[ShipmentLine] = field(default_factory=list)  # empty: the rest of the order
    id: int | None = None
    order_id: int | None = None
    store_id: int | None = None
    date_added: datetime | None = None


def shipped_quantities(ordered: dict[int, int], shipments: Iterable[Shipment]) -> dict[int, int]:
    """Quantity shipped per order item id, taking shipments in the order they were made."""
    shipped = dict.fromkeys(ordered, 0)
    for shipment in shipments:
        if shipment.lines:
            for line in shipment.lines:
                if line.order_item_id in shipped:
                    shipped[line.order_item_id] += line.quantity
        else:
            shipped = dict(ordered)
    return shipped


def fulfilment_status(ordered: dict[int, int], shipments: Sequence[Shipment]) -> str:
    if not shipments:
        return "unfulfilled"
    shipped = shipped_quantities(ordered, shipments)
    if all(shipped[i] >= qty for i, qty in ordered.items()):
        return "fulfilled"
    if any(shipped.values()):
        return "partial"
    return "unfulfilled"


def check_lines(
    ordered: dict[int, int], already: Sequence[Shipment], lines: Sequence[ShipmentLine]
) -> None:
    """Refuse to ship an item that is not on the order, or more of it than is left."""
    shipped = shipped_quantities(ordered, already)
    wanted: dict[int, int] = {}
    for position, line in enumerate(lines):
        if line.order_item_id not in ordered:
            raise InvalidInput(
                f"order_items[{position}]: item {line.order_item_id} is not on this order"
            )
        if line.quantity < 1:
            raise InvalidInput(f"order_items[{position}].quantity: must be at least 1")
        wanted[line.order_item_id] = wanted.get(line.order_item_id, 0) + line.quantity
        left = ordered[line.order_item_id] - shipped[line.order_item_id]
        if wanted[line.order_item_id] > left:
            raise InvalidInput(
                f"order_items[{position}]: item {line.order_item_id} has "
                f"{ordered[line.order_item_id]} ordered and {shipped[line.order_item_id]} "
                f"shipped; cannot ship {wanted[line.order_item_id]} more"
            )
