"""Inventory items and the stock rules an order applies to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from orderhub.domain.limits import MAX_STOCK


@dataclass
class InventoryItem:
    name: str
    code: str
    price: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    weight: Decimal = Decimal(0)
    stock: int = 0
    location: str = ""
    update_source: str = ""
    manufacturer_sku: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    variation_list: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    date_added: datetime | None = None
    date_updated: datetime | None = None


@dataclass(frozen=True)
class StockPolicy:
    enabled: bool
    reject_negative: bool

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> StockPolicy:
        return cls(
            enabled=bool(settings.get("auto_update_stock_count")),
            reject_negative=settings.get("negative_stock") == "reject",
        )


def demand(lines: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Units wanted per code (blank codes ignored)."""
    wanted: dict[str, int] = {}
    for code, quantity in lines:
        if code:
            wanted[code] = wanted.get(code, 0) + quantity
    return wanted


def difference(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Units to take (positive) or give back (negative) per code, zeros dropped."""
    codes = set(before) | set(after)
    diff = {code: after.get(code, 0) - before.get(code, 0) for code in codes}
    return {code: units for code, units in diff.items() if units}


def stock_out_of_range(code: str, have: int, units: int) -> str:
    """Why an order's stock move for `code` is refused: stock is an INTEGER column."""
    return (
        f"order_items: stock for code {code} would be {have - units:,} "
        f"(stock stays within ±{MAX_STOCK:,})"
    )
