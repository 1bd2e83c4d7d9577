"""A hub order as a print-on-demand create request for one supplier (docs/outbound.md).

Only the items whose codes match the supplier's patterns go; print fields come from each
item's metadata (`design_front` → `designs.front`, `mockup_back` → `mockups.back`,
`label_type` / `label_name` → `label`, `description`), or from the print-on-demand fields of
an order that itself came in through the print-on-demand API. A print field the item lacks
is taken from the metadata of the store's inventory item with the same code (the order's
own values win), and the item's `from_inventory` lists what was taken (a key suppliers
ignore; docs/routing.md). The shipping method goes through the supplier's map; an unmapped
method is sent as it is.
"""

from __future__ import annotations

from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from orderhub.domain.errors import InvalidInput
from orderhub.domain.orders import Item, Order
from orderhub.protocol.pod.orders import ADDRESS_MAP
from orderhub.protocol.pod.xml_format import placements

MAX_SHIPPING_MAP_ENTRIES = 100


def parse_shipping_map(text: str) -> dict[str, str]:
    """ "Ground=regular, Express=courier" → {"Ground": "regular", "Express": "courier"}."""
    mapping: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        ours, sep, theirs = part.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise InvalidInput(f"shipping map entry {part!r} is not ours=theirs")
        mapping[ours.strip()] = theirs.strip()
    if len(mapping) > MAX_SHIPPING_MAP_ENTRIES:
        raise InvalidInput(f"a shipping map has at most {MAX_SHIPPING_MAP_ENTRIES} entries")
    return mapping


def format_shipping_map(mapping: dict[str, str]) -> str:
    return ",".join(f"{ours}={theirs}" for ours, theirs in mapping.items())


def matching_items(order: Order, patterns: tuple[str, ...]) -> list[Item]:
    """The items this supplier makes: codes matching any pattern (every item when none)."""
    if not patterns:
        return list(order.items)
    return [item for item in order.items if any(fnmatchcase(item.code, p) for p in patterns)]


def left_out(order: Order, sent: list[Item], others: dict[str, tuple[str, ...]]) -> str:
    """What of the order was not sent, for its history: the items another supplier
    (`others`: {name: code patterns}; none: every item) would take, and those no supplier
    takes ("" when everything went)."""
    sent_ids = {id(item) for item in sent}
    elsewhere: dict[str, list[str]] = {}
    nowhere: list[str] = []
    for item in order.items:
        if id(item) in sent_ids:
            continue
        what = f"{item.quantity} × {item.code or item.name}"
        taker = next(
            (name for name, patterns in others.items()
             if not patterns or any(fnmatchcase(item.code, p) for p in patterns)),
            None,
        )  # fmt: skip
        if taker is None:
            nowhere.append(what)
        else:
            elsewhere.setdefault(taker, []).append(what)
    parts = [
        f"{', '.join(items)} left for {name} (split the order to send them there)"
        for name, items in elsewhere.items()
    ]
    if nowhere:
        parts.append(f"{', '.join(nowhere)} taken by no supplier (not forwarded anywhere)")
    return "; ".join(parts)


def _placements(metadata: dict[str, Any], prefix: str, fallback: Any) -> dict[str, str]:
    found = {
        key[len(prefix) :]: str(value)
        for key, value in metadata.items()
        if key.startswith(prefix) and len(key) > len(prefix) and value
    }
    if not found and isinstance(fallback, list):  # [{"title", "src"}] from the pod API
        found = {str(p.get("title")): str(p.get("src")) for p in fallback if isinstance(p, dict)}
    return found


def _price(value: Decimal) -> str:
    return f"{value:.2f}"


def item_request(item: Item, inventory: dict[str, Any] | None = None) -> dict[str, Any]:
    """The item as the supplier wants it; `inventory` is the metadata of the store's
    inventory item with the same code, for the print fields the item lacks."""
    wire = _own_request(item)
    if inventory:
        taken = _fill_from_inventory(wire, inventory)
        if taken:
            wire["from_inventory"] = taken
    return wire


def _fill_from_inventory(wire: dict[str, Any], inventory: dict[str, Any]) -> list[str]:
    """Add the print fields `wire` lacks from inventory metadata; the names of those added
    (`designs.front`, `mockups.back`, `description`, `label`)."""
    taken = []
    for prefix, key in (("design_", "designs"), ("mockup_", "mockups")):
        for placement, url in _placements(inventory, prefix, None).items():
            if placement not in wire.get(key, {}):
                wire.setdefault(key, {})[placement] = url
                taken.append(f"{key}.{placement}")
    if "description" not in wire and inventory.get("description"):
        wire["description"] = str(inventory["description"])
        taken.append("description")
    if "label" not in wire and inventory.get("label_name"):
        wire["label"] = {
            "type": str(inventory.get("label_type") or "printed"),
            "name": str(inventory["label_name"]),
        }
        taken.append("label")
    return taken


def _own_request(item: Item) -> dict[str, Any]:
    metadata = item.metadata if isinstance(item.metadata, dict) else {}
    pod = item.pod_data
    wire: dict[str, Any] = {
        "pn": item.code,
        "quantity": item.quantity,
        "retailPrice": _price(item.price),
        "title": item.name,
        "designs": placements(_placements(metadata, "design_", pod.get("designs"))),
    }
    mockups = _placements(metadata, "mockup_", pod.get("mockups"))
    if mockups:
        wire["mockups"] = placements(mockups)
    description = metadata.get("description") or pod.get("description")
    if description:
        wire["description"] = str(description)
    label = pod.get("label") or {}
    if metadata.get("label_name"):
        label = {
            "type": str(metadata.get("label_type") or "printed"),
            "name": metadata["label_name"],
        }
    if label:
        wire["label"] = label
    return wire


def order_request(
    order: Order,
    items: list[Item],
    *,
    external_id: str,
    shipping_map: dict[str, str],
    inventory: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`inventory`: {code: inventory metadata} for the print fields items lack."""
    stock = inventory or {}
    address = {theirs: order.shipping.get(ours, "") for theirs, ours in ADDRESS_MAP}
    method = shipping_map.get(order.shipping_method, order.shipping_method)
    request: dict[str, Any] = {
        "external_id": external_id,
        "shipping_address": address,
        "shipping": {"shippingMethod": method},
        "items": [item_request(item, stock.get(item.code)) for item in items],
    }
    brand = order.order_metadata.get("brand") if isinstance(order.order_metadata, dict) else None
    brand = brand or order.pod_data.get("brand")
    if brand:
        request["brandName"] = str(brand)
    if order.email:
        request["buyer_email"] = order.email
    return request
