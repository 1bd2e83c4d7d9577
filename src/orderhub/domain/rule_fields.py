"""The fields a rule condition reads, named as `GET /api/v2/orders/{id}` shows the order, and
how each is read from the domain `Order` (tests/rules/test_fields.py checks every path
against the wire rendering, so the names and values cannot drift apart).

Reading the domain order instead of rendering the wire dict keeps a rule's evaluation to a
few attribute reads per condition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from orderhub.domain.orders import ADDRESS_FIELDS, SHIPPING_ADDRESS_FIELDS, Item, Order

Kind = Literal["text", "number", "date", "any"]


@dataclass(frozen=True)
class OrderFacts:
    """What a condition may read besides the order itself: folder names by id, and on
    `order.moved` the folder the order came from."""

    folder_names: Mapping[int, str]
    from_folder: str = ""
    now: datetime | None = None


OrderGetter = Callable[[Order, OrderFacts], Any]
ItemGetter = Callable[[Item], Any]


def _attr(name: str) -> OrderGetter:
    return lambda order, _facts: getattr(order, name)


ORDER_FIELDS: dict[str, tuple[Kind, OrderGetter]] = {
    "id": ("number", lambda order, _f: order.id),
    "email": ("text", _attr("email")),
    "source_name": ("text", _attr("source_name")),
    "source_id": ("text", lambda order, _f: order.source_id or ""),
    "shipping_method": ("text", _attr("shipping_method")),
    "payment_status": ("text", _attr("payment_status")),
    "payment_type": ("text", _attr("payment_type")),
    "customer_id": ("text", _attr("customer_id")),
    "ip_address": ("text", _attr("ip_address")),
    "tag_name": ("text", _attr("tag_name")),
    "tag_color": ("text", _attr("tag_color")),
    "fulfillment_name": ("text", _attr("fulfillment_name")),
    "fulfillment_status": ("text", lambda order, _f: order.fulfillment_status),
    "quantity_total": ("number", _attr("quantity_total")),
    "order_total": ("number", _attr("order_total")),
    "product_total": ("number", _attr("product_total")),
    "shipping_total": ("number", _attr("shipping_total")),
    "tax_total": ("number", _attr("tax_total")),
    "discount_total": ("number", _attr("discount_total")),
    "weight_total": ("number", _attr("weight_total")),
    "date_added": ("date", _attr("date_added")),
    "date_updated": ("date", _attr("date_updated")),
    # Not wire fields: the folder's name (the wire shows folder_id), and where a move came from.
    "folder": ("text", lambda order, facts: facts.folder_names.get(order.folder_id or 0, "")),
    "from_folder": ("text", lambda _order, facts: facts.from_folder),
    **{
        f"shipping.{name}": ("text", (lambda n: lambda o, _f: o.shipping.get(n, ""))(name))
        for name in SHIPPING_ADDRESS_FIELDS
    },
    **{
        f"customer.{name}": ("text", (lambda n: lambda o, _f: o.customer.get(n, ""))(name))
        for name in ADDRESS_FIELDS
    },
}

ITEM_FIELDS: dict[str, tuple[Kind, ItemGetter]] = {
    "order_items.code": ("text", lambda item: item.code),
    "order_items.name": ("text", lambda item: item.name),
    "order_items.quantity": ("number", lambda item: item.quantity),
    "order_items.price": ("number", lambda item: item.price),
    "order_items.weight": ("number", lambda item: item.weight),
    "order_items.delivery_type": ("text", lambda item: item.delivery_type),
    "order_items.category_code": ("text", lambda item: item.category_code),
    "order_items.fulfillment_method": ("text", lambda item: item.fulfillment_method),
}

# Prefixes that take a KEY (`order_metadata.priority`): any JSON value, compared as text or,
# by the ordering operators, as a number.
ORDER_MAP_PREFIXES = ("checkout_data.", "order_metadata.")
ITEM_MAP_PREFIXES = ("order_items.variation_list.", "order_items.metadata.")
PREFIXES = ORDER_MAP_PREFIXES + ITEM_MAP_PREFIXES

FIELDS: tuple[str, ...] = (*ORDER_FIELDS, *ITEM_FIELDS, *PREFIXES)
ITEM_QUANTIFIERS = ("any", "all")


@dataclass(frozen=True)
class FieldRef:
    """A resolved field path: its kind and how to read it; `item` is set for the
    `order_items.*` fields (read per item)."""

    path: str
    kind: Kind
    order: OrderGetter | None = None
    item: ItemGetter | None = None


def _map_value(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _map_field(path: str, prefix: str) -> FieldRef:
    key = path[len(prefix) :]
    attr = prefix.removeprefix("order_items.").rstrip(".")
    if prefix in ORDER_MAP_PREFIXES:
        return FieldRef(path, "any", order=lambda o, _f: _map_value(getattr(o, attr), key))
    return FieldRef(path, "any", item=lambda i: _map_value(getattr(i, attr), key))


def resolve(path: str) -> FieldRef | None:
    """The field at `path`, or None when there is no such field."""
    if path in ORDER_FIELDS:
        kind, getter = ORDER_FIELDS[path]
        return FieldRef(path, kind, order=getter)
    if path in ITEM_FIELDS:
        kind, item_getter = ITEM_FIELDS[path]
        return FieldRef(path, kind, item=item_getter)
    for prefix in PREFIXES:
        if path.startswith(prefix) and len(path) > len(prefix):
            return _map_field(path, prefix)
    return None


def as_number(value: Any) -> Decimal | None:
    """A value read as a number (an int, a Decimal, a float or numeric text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
