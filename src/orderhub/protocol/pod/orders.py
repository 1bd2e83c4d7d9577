"""Print-on-demand orders in and out: validating a create request into the shared order, and
showing a shared order the way the original API does.

One store keeps one field per fact; this module is the name mapping (see docs/pod.md):
external_id ↔ source_id, pn ↔ code, title ↔ name, retailPrice ↔ price, firstName ↔
first_name, county ↔ state, postcode ↔ postal_code, phone1 ↔ phone, billing_address ↔
customer, shippingMethod ↔ shipping_method, and the print-only fields in `pod_data`.
"""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orderhub.domain import limits, pod, values
from orderhub.domain.errors import InvalidInput, OrderhubError
from orderhub.domain.money import parse_decimal
from orderhub.domain.orders import Item, Order

ADDRESS_MAP = (
    ("firstName", "first_name"), ("lastName", "last_name"), ("company", "company"),
    ("address1", "address1"), ("address2", "address2"), ("city", "city"),
    ("county", "state"), ("postcode", "postal_code"), ("country", "country"),
    ("phone1", "phone"),
)  # fmt: skip
EXTRA_ADDRESS_FIELDS = ("phone2", "phone3", "vatNumber")
REQUIRED_ADDRESS = ("firstName", "lastName", "address1", "city", "postcode", "country")
MAX_TEXT = 255
# Label keys become XML element names: plain names only.
LABEL_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def _text(value: Any, where: str, *, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(f"{where} must be text")
    text = str(value).strip()
    if len(text) > limit:
        raise InvalidInput(f"{where} is longer than {limit} characters")
    problem = values.text_problem(text)
    if problem:
        raise InvalidInput(f"{where} {problem}")
    return text


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None or value == "" or value == []:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be an object")
    return value


def _address(
    data: dict[str, Any], where: str, *, required: bool
) -> tuple[dict[str, str], dict[str, str]]:
    address = _object(data.get(where), where)
    if required and not address:
        raise InvalidInput(f"{where} is required")
    shared = {
        ours: _text(address.get(theirs), f"{where}.{theirs}", limit=limits.ADDRESS_WIDTH)
        for theirs, ours in ADDRESS_MAP
    }
    extra = {
        k: _text(address.get(k), f"{where}.{k}") for k in EXTRA_ADDRESS_FIELDS if address.get(k)
    }
    if required:
        for theirs, ours in ADDRESS_MAP:
            if theirs in REQUIRED_ADDRESS and not shared[ours]:
                raise InvalidInput(f"{where}.{theirs} is required")
    return shared, extra


def _placements(value: Any, where: str, allowed: tuple[str, ...]) -> list[dict[str, str]]:
    """{"front": url} or [{"title": "front", "src": url}] → [{"title", "src"}]."""
    if value in (None, "", []):
        return []
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list):
        pairs = []
        for i, entry in enumerate(value):
            entry = _object(entry, f"{where}[{i}]")
            pairs.append((entry.get("title", ""), entry.get("src", "")))
    else:
        raise InvalidInput(f"{where} must be an object of placement: image URL")
    result = []
    lowered = {p.lower(): p for p in allowed}
    for title, src in pairs:
        name = lowered.get(str(title).lower())
        if name is None:
            raise InvalidInput(f"{pod.PLACEMENT_REFUSED} ({where}: {title!r})")
        url = _text(src, f"{where}.{title}", limit=2000)
        if not values.is_link(url):
            raise InvalidInput(f"{where}.{title} must be an http(s) image URL")
        result.append({"title": name, "src": url})
    return result


def order_from_request(data: Any, settings: dict[str, Any]) -> Order:
    """Validate a create request; messages name the field (`items[1].pn is required`)."""
    if not isinstance(data, dict):
        raise InvalidInput("the order must be an object")
    shipping, shipping_extra = _address(data, "shipping_address", required=True)
    billing, billing_extra = _address(data, "billing_address", required=False)
    method = _text(
        _object(data.get("shipping"), "shipping").get("shippingMethod"),
        "shipping.shippingMethod",
        limit=pod.MAX_SHIPPING_METHOD_CHARS,
    )
    if not method:
        raise InvalidInput("shipping.shippingMethod is required")
    method = pod.shipping_method(method, settings)
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise InvalidInput("items is required: a list of at least one item")
    allowed = pod.placements(settings)
    items = [_item(entry, f"items[{i}]", allowed) for i, entry in enumerate(raw_items)]
    brand = _text(data.get("brandName") or data.get("brand"), "brandName")
    pod_data: dict[str, Any] = {
        key: value
        for key, value in {
            "brand": brand,
            "comment": _text(data.get("comment"), "comment", limit=2000),
            "packing_slip": _text(data.get("packing_slip"), "packing_slip", limit=2000),
            "shipping_address": shipping_extra,
            "billing_address": billing_extra,
        }.items()
        if value
    }
    external_id = _text(
        data.get("external_id"), "external_id", limit=limits.width("orders", "source_id")
    )
    return Order(
        items=items,
        source_name=pod.SOURCE_NAME,
        source_id=external_id or None,
        shipping_method=method,
        shipping=shipping,
        customer=billing if any(billing.values()) else {k: v for k, v in shipping.items()},
        email=_text(data.get("buyer_email"), "buyer_email", limit=limits.width("orders", "email")),
        pod_data=pod_data,
    )


def _item(entry: Any, where: str, allowed: tuple[str, ...]) -> Item:
    data = _object(entry, where)
    code = _text(data.get("pn"), f"{where}.pn", limit=limits.width("order_items", "code"))
    if not code:
        raise InvalidInput(f"{where}.pn is required")
    quantity = values.whole_between(data.get("quantity"), 1, limits.MAX_QUANTITY)
    if quantity is None:
        raise InvalidInput(
            f"{where}.quantity is required: a whole number from 1 to {limits.MAX_QUANTITY:,}"
        )
    try:
        price = parse_decimal(data.get("retailPrice") or 0, f"{where}.retailPrice")
    except OrderhubError as exc:
        raise InvalidInput(exc.message) from None
    designs = _placements(data.get("designs"), f"{where}.designs", allowed)
    if not designs:
        raise InvalidInput(f"{where}.designs: at least one design is required")
    item_data: dict[str, Any] = {"designs": designs}
    mockups = _placements(data.get("mockups"), f"{where}.mockups", allowed)
    if mockups:
        item_data["mockups"] = mockups
    for key in ("description", "brandName"):
        if data.get(key):
            item_data[key] = _text(data[key], f"{where}.{key}", limit=2000)
    if data.get("label"):
        item_data["label"] = _label(data["label"], f"{where}.label")
    title = _text(data.get("title"), f"{where}.title", limit=limits.width("order_items", "name"))
    return Item(name=title or code, code=code, quantity=quantity, price=price, pod_data=item_data)


def _label(value: Any, where: str) -> dict[str, str]:
    """{"type": "printed", "name": "ink-label"}: text values under plain names (the keys
    become XML element names)."""
    label = _object(value, where)
    for key in label:
        if LABEL_KEY.fullmatch(key) is None:
            raise InvalidInput(
                f"{where}: {key!r} is not a plain name (a letter or _, then up to 63 letters, "
                "digits, _ . or -)"
            )
    return {key: _text(text, f"{where}.{key}") for key, text in label.items()}


def _iso(value: Any, zone: ZoneInfo) -> str | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="seconds")


def _address_out(address: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    out = {theirs: address.get(ours, "") for theirs, ours in ADDRESS_MAP}
    for key in EXTRA_ADDRESS_FIELDS:
        out[key] = extra.get(key, "")
    return out


def order_to_wire(
    order: Order, folder_status: dict[int, str | None], zone: ZoneInfo
) -> dict[str, Any]:
    latest = order.shipments[-1] if order.shipments else None
    shipped_at = _iso(latest.date_added, zone) if latest else None
    pod_data = order.pod_data
    return {
        "id": str(order.id),
        # An Order Desk order created without a source id got its own id as one: none given.
        "external_id": order.source_id if order.source_id not in (None, str(order.id)) else None,
        "created_at": _iso(order.date_added, zone),
        "type": "order",
        "status": pod.status_of(order.folder_id, order.pod_data, folder_status),
        "deleted": "true" if order.cancelled else "false",
        "brand": pod_data.get("brand", ""),
        "billing_address": _address_out(order.customer, pod_data.get("billing_address", {})),
        "shipping_address": _address_out(order.shipping, pod_data.get("shipping_address", {})),
        "items": [_item_out(item) for item in order.items],
        "summary": {
            "quantity": order.quantity_total,
            "retailTotal": _five(order.product_total),
            "shippingPrice": _five(order.shipping_total),
        },
        "shipping": {
            "shippingMethod": order.shipping_method,
            "trackingNumber": latest.tracking_number if latest else None,
            "shipped_at": shipped_at,
            "shiped_at": shipped_at,
        },
        "comment": pod_data.get("comment", ""),
        "packing_slip": pod_data.get("packing_slip", ""),
    }


def _five(value: Decimal) -> str:
    return f"{value:.5f}"


def _item_out(item: Item) -> dict[str, Any]:
    data = item.pod_data
    return {
        "id": str(item.id),
        "pn": item.code,
        "title": item.name,
        "quantity": str(item.quantity),
        "retailPrice": _five(item.price),
        "description": pod.wrap_description(str(data.get("description", ""))),
        "label": data.get("label") or None,
        "designs": data.get("designs", []),
        "mockups": data.get("mockups", []),
    }
