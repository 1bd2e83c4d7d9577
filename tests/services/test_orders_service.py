"""The order services on both databases, without HTTP: the rules every door shares."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from orderhub.domain.channel import Channel
from orderhub.domain.errors import DuplicateOrder, InvalidInput
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.orders import Item, Order
from orderhub.services import events, moves, orders, shipments
from orderhub.storage import notifications, stores
from orderhub.storage import orders as storage

DESK = Channel.desk("ann@shop.example")


def _order(source_id: str = "", **fields: Any) -> Order:
    return Order(
        items=[Item(name="Tee", code="T", quantity=2), Item(name="Mug", code="M")],
        shipping={"first_name": "Ann", "last_name": "Lee"},
        source_id=source_id or None,
        **fields,
    )


def test_take_order_records_the_channel_in_history(database: Any, store: Any) -> None:
    taken = orders.take_order(database, store.store, _order("S-1"), channel=DESK)
    assert taken.order is not None and taken.order.quantity_total == 3
    with database.read() as conn:
        found = storage.get_order(conn, store.store.id, taken.order.id)
    assert found.history is not None
    assert [(h.source_name, h.surface) for h in found.history] == [
        ("Desk (ann@shop.example)", "desk")
    ]


def test_duplicates_are_refused_or_returned_per_door(database: Any, store: Any) -> None:
    first = orders.take_order(database, store.store, _order("DUP"), channel=DESK)
    with pytest.raises(DuplicateOrder) as refused:
        orders.take_order(database, store.store, _order("DUP"), channel=DESK)
    assert first.order is not None and refused.value.existing_id == first.order.id
    again = orders.take_order(
        database, store.store, _order("DUP"), channel=DESK, on_duplicate="return_existing"
    )
    assert again.existing and again.order is not None and again.order.id == first.order.id


def test_idempotent_take_stores_the_rendered_response(database: Any, store: Any) -> None:
    request = orders.IdempotentRequest(
        scope="test", key="k-1", fingerprint=b"f" * 32, ttl=timedelta(hours=1),
        render=lambda _conn, order: (200, f"order {order.id}".encode()),
    )  # fmt: skip
    first = orders.take_order(database, store.store, _order(), channel=DESK, idempotent=request)
    replay = orders.take_order(database, store.store, _order(), channel=DESK, idempotent=request)
    assert first.response is not None and replay.replay is not None
    assert replay.replay.body == first.response[1]
    with database.read() as conn:
        assert storage.count_orders(conn, store.store.id, _all()) == 1


def _all() -> Any:
    from orderhub.domain.queries import OrderQuery

    return OrderQuery()


def test_a_full_shipment_moves_a_status_folder_order_to_shipped(database: Any, store: Any) -> None:
    taken = orders.take_order(database, store.store, _order(), channel=DESK)
    assert taken.order is not None
    order_id = taken.order.id
    moves.move_orders(database, store.store, [order_id], folder_name="Printing", channel=DESK)
    shipments.add_shipment(
        database, store.store, order_id, Shipment(tracking_number="A1"),
        [LineRequest(quantity=1, code="T")], channel=DESK,
    )  # fmt: skip
    with database.read() as conn:
        partial = storage.get_order(conn, store.store.id, order_id)
    assert partial.fulfillment_status == "partial"
    shipments.add_shipment(database, store.store, order_id, Shipment("B2"), channel=DESK)
    with database.read() as conn:
        done = storage.get_order(conn, store.store.id, order_id)
        names = {f.id: f.name for f in stores.list_folders(conn, store.store.id)}
    assert done.fulfillment_status == "fulfilled" and names[done.folder_id] == "Shipped"
    assert done.history is not None and "all items shipped" in done.history[-1].note


def test_batch_shipments_keep_good_entries_when_one_fails(database: Any, store: Any) -> None:
    taken = orders.take_order(database, store.store, _order(), channel=DESK)
    assert taken.order is not None and taken.order.id is not None
    entries = [
        shipments.BatchEntry(0, taken.order.id, Shipment("GOOD-1")),
        shipments.BatchEntry(1, 999_999_999, Shipment("NOPE")),
        shipments.BatchEntry(2, taken.order.id, Shipment("GOOD-1")),  # duplicate number
    ]
    results = shipments.add_shipments(database, store.store, entries, channel=DESK)
    assert results[0].shipment_id is not None
    assert results[1].shipment_id is None and "not found" in results[1].error
    assert results[2].shipment_id is None and results[2].failure is not None
    with database.read() as conn:
        found = storage.get_order(conn, store.store.id, taken.order.id)
    assert [s.tracking_number for s in found.shipments] == ["GOOD-1"]


def test_events_are_written_in_the_changes_transaction(database: Any, make_store: Any) -> None:
    store = make_store(settings={"pod_notification_url": "http://127.0.0.1:9/n"})
    taken = orders.take_order(database, store.store, _order(), channel=DESK)
    assert taken.order is not None
    moves.move_orders(database, store.store, [taken.order.id], folder_name="Paid", channel=DESK)
    with database.read() as conn:
        rows = notifications.history(conn, store.store.id, taken.order.id)
    assert [r["event"] for r in rows] == ["updated"]  # creation is not notified; the move is
    with pytest.raises(InvalidInput):
        orders.cancel_order(database, store.store, taken.order.id, channel=DESK)  # paid
    assert events.ORDER_MOVED in events.EVENTS
