"""Order files as orderhub writes and reads them: JSON Lines (one Order Desk order object per
line, as `GET /api/v2/orders/{id}` shows it) or CSV (one row per item, the columns below).
`orderhub orders export` and the desk's CSV export write them; `orderhub orders import` reads
them back (orderfiles/pipeline.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from orderhub.domain.order_fields import csv_order_columns
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk.wire import order_dict

# CSV: one row per item; the order's columns repeat on each of its rows, and consecutive rows
# with the same source_id form one order.
CSV_ORDER_COLUMNS = csv_order_columns()  # each field's `csv` place (domain/order_fields.py)
CSV_ITEM_COLUMNS = ("item_name", "item_code", "item_price", "item_quantity", "item_weight")
CSV_COLUMNS = ("id", *CSV_ORDER_COLUMNS, *CSV_ITEM_COLUMNS, "order_total")


def json_line(order: Order) -> bytes:
    return orjson.dumps(order_dict(order)) + b"\n"


def csv_rows(order: Order, folder_names: dict[int, str]) -> Iterator[list[Any]]:
    wire = order_dict(order)
    wire["folder_name"] = folder_names.get(order.folder_id or 0, "")
    base = [wire["id"]]
    for col in CSV_ORDER_COLUMNS:
        prefix, _, rest = col.partition("_")
        if prefix in ("shipping", "customer") and rest in wire[prefix]:
            base.append(wire[prefix][rest])
        else:
            base.append(wire.get(col, ""))
    for item in wire["order_items"]:
        yield [
            *base,
            item["name"],
            item["code"],
            item["price"],
            item["quantity"],
            item["weight"],
            wire["order_total"],
        ]
