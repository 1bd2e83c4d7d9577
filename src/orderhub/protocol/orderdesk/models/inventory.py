"""Inventory item bodies of the Order Desk API (one item, or an entry of a batch)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from orderhub.domain.inventory import InventoryItem
from orderhub.protocol.orderdesk.models.common import (
    Lenient,
    Map,
    Money,
    Stock,
    Str,
    fits,
    optional_fits,
)


def _column(name: str, *, min_length: int = 0) -> Any:
    return fits("inventory_items", name, min_length=min_length)


class InventoryItemIn(Lenient):
    id: Any = None
    name: Annotated[Str, _column("name", min_length=1)]
    code: Annotated[Str, _column("code", min_length=1)]
    price: Money = Decimal(0)
    cost: Money = Decimal(0)
    weight: Money = Decimal(0)
    stock: Stock = 0
    location: Annotated[Str, _column("location")] = ""
    update_source: Annotated[Str, _column("update_source")] = ""
    manufacturer_sku: Annotated[
        str | None, optional_fits("inventory_items", "manufacturer_sku")
    ] = None
    metadata: Map = Field(default_factory=dict)
    variation_list: Map = Field(default_factory=dict)

    def to_domain(self) -> InventoryItem:
        return InventoryItem(**self.model_dump(exclude={"id"}))
