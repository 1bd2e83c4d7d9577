"""The order services on both databases, without HTTP: the rules every door shares."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event

from orderhub.domain.channel import Channel
from orderhub.domain.errors import DuplicateOrder, InvalidInput
from orderhub.domain.folders import RECEIVED_STATUS
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.orders import Discount, Item, Order
from orderhub.services import events, moves, orders, shipments
from orderhub.services.idempotency import IdempotentRequest
from orderhub.storage import folders as folder_storage
from orderhub.storage import forwarding_jobs, notifications, stores
from orderhub.storage import orders as order_storage
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage import webhooks as webhook_storage

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
        found = order_storage.get_order(conn, store.store.id, taken.order.id)
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
    request = IdempotentRequest(
        scope="test", key="k-1", fingerprint=b"f" * 32, ttl=timedelta(hours=1)
    )  # fmt: skip
    take = lambda: orders.take_order(  # noqa: E731
        database, store.store, _order(), channel=DESK, idempotent=request,
        render=lambda _conn, order: (200, f"order {order.id}".encode()),
    )  # fmt: skip
    first, replay = take(), take()
    assert first.response is not None and replay.replay is not None
    assert replay.replay.body == first.response[1]
    with database.read() as conn:
        assert order_storage.count_orders(conn, store.store.id, _all()) == 1


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
        partial = order_storage.get_order(conn, store.store.id, order_id)
    assert partial.fulfillment_status == "partial"
    shipments.add_shipment(database, store.store, order_id, Shipment("B2"), channel=DESK)
    with database.read() as conn:
        done = order_storage.get_order(conn, store.store.id, order_id)
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
        found = order_storage.get_order(conn, store.store.id, taken.order.id)
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


def _statements_of(database: Any, work: Any) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return seen


def test_subscribers_look_up_only_what_the_store_has(database: Any, store: Any) -> None:
    """A store without webhooks or suppliers pays no lookup for them in a write; once it
    has one, its subscriber acts on the very next write."""
    take = lambda source_id: orders.take_order(  # noqa: E731
        database, store.store, _order(source_id), channel=DESK
    )
    quiet = _statements_of(database, lambda: take("Q-1"))
    assert [s for s in quiet if "webhook" in s or "supplier" in s or "forwarding" in s] == []
    with database.write() as conn:
        read = stores.get_store_for_write(conn, store.store.id)
    assert (read.has_webhooks, read.has_suppliers) == (False, False)
    with database.write() as conn:
        paid = stores.find_folder(conn, store.store.id, name="Paid")
        received = stores.default_folder(conn, store.store.id)
        assert paid is not None
        webhook_storage.add_endpoint(
            conn, store.store.id, "http://127.0.0.1:9/h", ["order.created"], "json", "s" * 32
        )
        supplier_storage.add_supplier(
            conn, store.store.id, name="Printer", base_url="http://127.0.0.1:9", app_id="A",
            secret="S", folder_id=received.id, code_patterns=[], shipping_map={},
            at_supplier_folder_id=paid.id, failed_folder_id=None,
        )  # fmt: skip
    with database.write() as conn:
        read = stores.get_store_for_write(conn, store.store.id)
    assert (read.has_webhooks, read.has_suppliers) == (True, True)
    taken = take("Q-2")
    assert taken.order is not None
    with database.read() as conn:
        queued = [d.event for d in webhook_storage.list_deliveries(conn, store.store.id)]
        jobs = forwarding_jobs.jobs_for_order(conn, store.store.id, taken.order.id)
    assert queued == ["order.created"]
    assert len(jobs) == 1


def _rich_order(source_id: str = "", **fields: Any) -> Order:
    """Every kind of stored field: JSON columns, discounts, money with many places."""
    return Order(
        items=[
            Item(
                name="Tee",
                code="T-1",
                quantity=2,
                price=Decimal("19.99"),
                weight=Decimal("0.5"),
                variation_list={"Size": "L", "Colour": "Ünïcode"},
                metadata={"b": 1, "a": [1, 2]},
                pod_data={"designs": [{"title": "front"}]},
            ),
            Item(name="Mug", code="M-1", price=Decimal("7.2549"), weight=Decimal("1.25")),
            Item(name="Free", code="F-1", quantity=4),
        ],  # fmt: skip
        shipping={"first_name": "Ann", "last_name": "Lee", "city": "Leeds"},
        customer={"first_name": "Bob", "country": "GB"},
        email="same@shop.example",
        shipping_total=Decimal("4.5"),
        tax_total=Decimal("1.2345"),
        return_address={"name": "Returns", "zip": "00123"},
        checkout_data={"z": "last", "a": "first"},
        order_metadata={"nested": {"k": [1.5, "x", None]}},
        order_notes=[{"note": "leave at door"}],
        discount_list=[Discount(name="Spring", code="SPR", amount=Decimal("2.50"))],
        pod_data={"brand": "Ink"},
        source_id=source_id or None,
        **fields,
    )


@pytest.mark.parametrize(
    "case",
    ["default_source_id", "source_id", "date_added", "folder_id", "pod_status", "stock", "bare"],
)
def test_a_taken_order_is_exactly_what_a_read_loads(
    database: Any, make_store: Any, case: str
) -> None:
    """A create answers with the order built from its own inserted rows (no read-back): it
    must be the very order a read loads afterwards, to the last Decimal exponent."""
    store = make_store(settings={"auto_update_stock_count": case == "stock"})
    kwargs: dict[str, Any] = {}
    order = _rich_order("" if case == "default_source_id" else f"X-{case}")
    if case == "date_added":
        order.date_added = datetime(2024, 2, 29, 23, 59, 58)
    if case == "folder_id":
        with database.read() as conn:
            order.folder_id = stores.list_folders(conn, store.store.id)[2].id
    if case == "pod_status":
        kwargs = {"folder_status": RECEIVED_STATUS, "default_source_id": False}
    if case == "bare":
        order = Order(source_id="X-bare")
    orders.take_order(database, store.store, _rich_order("X-earlier"), channel=DESK)
    taken = orders.take_order(database, store.store, order, channel=DESK, **kwargs)
    assert taken.order is not None and taken.order.id is not None
    with database.read() as conn:
        loaded = order_storage.get_order(conn, store.store.id, taken.order.id, with_history=False)
    assert repr(taken.order) == repr(loaded)
    assert taken.order.email_count == (2 if case != "bare" else 0)


def test_an_idempotent_take_renders_the_order_as_stored(database: Any, store: Any) -> None:
    """The response stored with an idempotency key is rendered in the transaction, from the
    inserted rows: the same order a read loads after commit."""
    seen: list[str] = []

    def render(_conn: Any, order: Order) -> tuple[int, bytes]:
        seen.append(repr(order))
        return 200, b"{}"

    request = IdempotentRequest(
        scope="test", key="k-exact", fingerprint=b"e" * 32, ttl=timedelta(hours=1)
    )
    taken = orders.take_order(
        database, store.store, _rich_order(), channel=DESK, idempotent=request, render=render
    )
    assert taken.order is not None and taken.order.id is not None
    with database.read() as conn:
        loaded = order_storage.get_order(conn, store.store.id, taken.order.id, with_history=False)
    assert seen == [repr(loaded)]


def test_a_take_without_a_key_renders_its_answer_after_commit(database: Any, store: Any) -> None:
    """Without an idempotency key the answer is rendered after commit, in the read that
    fetches `email_count`: the connection it gets already sees the committed order; a
    duplicate returned as the existing order is rendered the same way."""
    seen: list[tuple[int | None, int, bool]] = []

    def render(conn: Any, order: Order) -> tuple[int, bytes]:
        assert order.id is not None
        visible = order_storage.find_by_source(conn, store.store.id, order.source_name, "R-1")
        seen.append((order.id, order.email_count, visible == order.id))
        return 200, f"{order.id}".encode()

    first = orders.take_order(
        database, store.store, _order("R-1", email="r@example.com"), channel=DESK, render=render
    )
    again = orders.take_order(
        database, store.store, _order("R-1", email="r@example.com"), channel=DESK,
        render=render, on_duplicate="return_existing",
    )  # fmt: skip
    assert first.order is not None and again.existing
    assert first.response == again.response == (200, f"{first.order.id}".encode())
    assert seen == [(first.order.id, 1, True), (first.order.id, 1, True)]


def test_an_idempotent_take_must_say_how_to_render(database: Any, store: Any) -> None:
    request = IdempotentRequest(
        scope="test", key="k-none", fingerprint=b"n" * 32, ttl=timedelta(hours=1)
    )
    with pytest.raises(ValueError, match="rendered"):
        orders.take_order(database, store.store, _order(), channel=DESK, idempotent=request)
    with database.read() as conn:
        assert order_storage.count_orders(conn, store.store.id, _all()) == 0


def test_a_new_order_lands_in_the_folder_of_its_status_else_the_first(
    database: Any, store: Any
) -> None:
    """The insert picks the folder: the one that stands for the door's status wherever it is
    in the list, and the store's first folder when no folder stands for it."""
    with database.read() as conn:
        by_name = {f.name: f.id for f in stores.list_folders(conn, store.store.id)}
    paid = orders.take_order(database, store.store, _order(), channel=DESK, folder_status="paid")
    assert paid.order is not None and paid.order.folder_id == by_name["Paid"]
    with database.write() as conn:
        folder_storage.delete_folder(conn, store.store.id, by_name["Received"])
    received = orders.take_order(
        database, store.store, _order(), channel=DESK, folder_status="received"
    )
    assert received.order is not None and received.order.folder_id == by_name["In Progress"]
