"""Order files: a JSON line is the order as the API shows it, a CSV row per item in the
columns the importer reads."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import orjson

from orderhub.domain.orders import Item, Order
from orderhub.protocol.orderdesk.order_file import CSV_COLUMNS, csv_rows, json_line
from orderhub.protocol.orderdesk.wire import order_dict


def _order() -> Order:
    return Order(
        id=5,
        source_id="1001",
        email="jane@example.com",
        folder_id=2,
        shipping={"first_name": "=Jane", "city": "Springfield"},
        items=[
            Item(id=1, name="T-Shirt", code="TS-1", price=Decimal("19.99"), quantity=2),
            Item(id=2, name="Mug", code="MUG", price=Decimal("7.25")),
        ],
        order_total=Decimal("47.23"),
        date_added=datetime(2026, 11, 24, 9, 30),
        date_updated=datetime(2026, 11, 24, 9, 31),
    )


def test_a_json_line_is_the_order_as_the_api_shows_it() -> None:
    line = json_line(_order())
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert orjson.loads(line) == orjson.loads(orjson.dumps(order_dict(_order())))


def test_one_csv_row_per_item_in_the_declared_columns() -> None:
    rows = list(csv_rows(_order(), {2: "Printing"}))
    assert [len(row) for row in rows] == [len(CSV_COLUMNS)] * 2
    first = dict(zip(CSV_COLUMNS, rows[0], strict=True))
    assert first["id"] == "5" and first["source_id"] == "1001"
    assert first["folder_name"] == "Printing" and first["shipping_first_name"] == "=Jane"
    assert (first["item_code"], first["item_quantity"], first["order_total"]) == ("TS-1", 2, 47.23)
    assert rows[1][CSV_COLUMNS.index("item_name")] == "Mug"
