"""A hub order as a print-on-demand create request for one supplier (docs/outbound.md).

Only the items whose codes match the supplier's patterns go; print fields come from each
item's metadata (`design_front` → `designs.front`, `mockup_back` → `mockups.back`,
`label_type` / `label_name` → `label`, `description`), or from the print-on-demand fields of
an order that itself came in through the print-on-demand API. The shipping method goes
through the supplier's map; an unmapped method is sent as it is.
"""

from __future__ import annotations

from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from orderhub.api.pod.orders import ADDRESS_MAP
from orderhub.domain.errors import InvalidInput
from orderhub.domain.orders import Item, Order
from orderhub.protocol.pod import placements

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


def item_request(item: Item) -> dict[str, Any]:
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
    order: Order, items: list[Item], *, external_id: str, shipping_map: dict[str, str]
) -> dict[str, Any]:
    address = {theirs: order.shipping.get(ours, "") for theirs, ours in ADDRESS_MAP}
    method = shipping_map.get(order.shipping_method, order.shipping_method)
    request: dict[str, Any] = {
        "external_id": external_id,
        "shipping_address": address,
        "shipping": {"shippingMethod": method},
        "items": [item_request(item) for item in items],
    }
    brand = order.order_metadata.get("brand") if isinstance(order.order_metadata, dict) else None
    brand = brand or order.pod_data.get("brand")
    if brand:
        request["brandName"] = str(brand)
    if order.email:
        request["buyer_email"] = order.email
    return request
