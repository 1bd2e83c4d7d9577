"""An order's fulfilment state, derived from its shipments — never stored by hand.

A shipment either lists items with quantities (a partial shipment), or lists none, which
means "everything not shipped yet" (the whole order, or the rest of it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderhub.domain.carriers import canonical_carrier, guess_carrier, tracking_url
from orderhub.domain.errors import DuplicateShipment, InvalidInput
from orderhub.domain.values import LINK_RULE, is_link


@dataclass
class ShipmentLine:
    order_item_id: int
    quantity: int


@dataclass
class LineRequest:
    """A line as a client names it: by order item id, or by item code."""

    quantity: int
    item_id: int | None = None
    code: str = ""


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


def fill_shipment_defaults(shipment: Shipment, today: str) -> None:
    """Carrier guessed from the number, tracking URL built from both, date today (UTC).
    A tracking URL given by whoever sent the shipment must be http(s): the desk links it."""
    if shipment.tracking_url and not is_link(shipment.tracking_url):
        raise InvalidInput(f"tracking_url: {LINK_RULE}")
    if not shipment.carrier_code:
        shipment.carrier_code = guess_carrier(shipment.tracking_number)
    else:
        shipment.carrier_code = canonical_carrier(shipment.carrier_code)
    if not shipment.tracking_url:
        shipment.tracking_url = tracking_url(shipment.carrier_code, shipment.tracking_number)
    if not shipment.date_shipped:
        shipment.date_shipped = today


def check_new_tracking_number(numbers_in_use: Collection[str], tracking_number: str) -> None:
    """The same number twice on one order is a mistake, except the placeholder `n/a`.
    `numbers_in_use`: the tracking numbers the order's shipments carry (or those of them
    that could match)."""
    number = tracking_number.strip()
    if number.lower() != "n/a" and number in numbers_in_use:
        raise DuplicateShipment(number)


def resolve_lines(requested: Sequence[LineRequest], items: Sequence[Any]) -> list[ShipmentLine]:
    """Lines naming items by code become lines naming them by id (`items` are the order's)."""
    by_code = {item.code: item.id for item in items if item.code}
    lines = []
    for position, line in enumerate(requested):
        item_id = line.item_id
        if item_id is None:
            item_id = by_code.get(line.code)
            if item_id is None:
                raise InvalidInput(
                    f"order_items[{position}]: no item on this order has "
                    + (f"code {line.code!r}" if line.code else "an id or code given")
                )
        lines.append(ShipmentLine(item_id, line.quantity))
    return lines
