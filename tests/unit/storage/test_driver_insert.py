"""A create's inserts on the driver (storage/driver.py) store and return exactly what a read
through SQLAlchemy finds: decimals, dates, defaults, and many items in order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderhub.domain.channel import Channel
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.orders import Item, Order
from orderhub.storage import orders as storage


def test_an_order_with_many_items_reads_back_as_it_was_returned(database: Any, store: Any) -> None:
    items = [
        Item(name=f"Item {i}", code=f"C{i}", price=Decimal(i) / 100, quantity=i % 3 + 1)
        for i in range(250)  # more rows than one statement takes
    ]
    order = Order(items=items, email="a@shop.example", source_id="many", tax_total=Decimal("1.5"))
    with database.write() as conn:
        created = storage.insert_order(
            conn, store.store.id, order, channel=Channel.orderdesk(), default_source_id=True,
            stock=StockPolicy.from_settings({}), note="Order created",
        )  # fmt: skip
    assert created.id is not None
    with database.read() as conn:
        found = storage.get_order(conn, store.store.id, created.id, with_history=True)
    assert [i.name for i in created.items] == [f"Item {i}" for i in range(250)]
    assert created.items == found.items
    assert created.tax_total == found.tax_total == Decimal("1.5")
    assert (created.date_added, created.date_updated) == (found.date_added, found.date_updated)
    assert created.pod_data == found.pod_data and created.cancelled is found.cancelled is False
    assert [h.note for h in found.history] == ["Order created"]
