"""Shipments in batches, on both databases: a batch is checked and written set-wise, and must
end exactly where the same entries sent one at a time would."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.domain.fulfilment import LineRequest, Shipment, shipped_quantities
from orderhub.domain.orders import Item, Order
from orderhub.services import items, moves, orders, shipments
from orderhub.storage import notifications, stores
from orderhub.storage import orders as order_storage
from orderhub.storage import shipments as shipment_storage

DESK = Channel.desk("ann@shop.example")


def _order(n: int) -> Order:
    return Order(
        items=[Item(name="Tee", code="T", quantity=3), Item(name="Mug", code="M", quantity=1)],
        shipping={"first_name": "Ann", "last_name": f"Lee {n}"},
        source_id=f"S-{n}",
    )


def _orders(database: Any, store: Any, count: int) -> list[int]:
    ids = []
    for n in range(count):
        taken = orders.take_order(database, store.store, _order(n), channel=DESK)
        assert taken.order is not None and taken.order.id is not None
        ids.append(taken.order.id)
    return ids


def _entries(ids: list[int]) -> list[shipments.BatchEntry]:
    """A batch with every kind of entry: by code, by item id, the rest, the same order
    several times, a repeated tracking number, n/a twice, too much, an unknown item, an
    order that does not exist, an entry that could not be read."""
    a, b, c, d = ids
    spec: list[tuple[int | None, str, list[LineRequest], str]] = [
        (a, "A-1", [LineRequest(1, code="T")], ""),
        (a, "A-2", [LineRequest(2, code="T")], ""),
        (a, "A-3", [LineRequest(1, code="T")], ""),  # only the mug is left
        (a, "A-1", [LineRequest(1, code="M")], ""),  # number already on the order
        (a, "A-4", [], ""),  # the rest: completes the order
        (b, "n/a", [], ""),
        (b, "n/a", [], ""),  # the placeholder may repeat
        (c, "C-1", [LineRequest(1, code="X")], ""),  # no such item
        (c, "C-2", [LineRequest(0, code="T")], ""),
        (999_999_999, "Z-1", [], ""),
        (None, "", [], "order_id: is required"),
        (c, "C-3", [LineRequest(3, code="T")], ""),
        (d, "A-1", [], ""),  # another order may reuse a number
    ]
    entries = []
    for position, (order_id, number, lines, error) in enumerate(spec):
        if error:
            entries.append(shipments.BatchEntry(position, order_id, error=error))
        else:
            entries.append(shipments.BatchEntry(position, order_id, Shipment(number, "UPS"), lines))
    return entries


def _one_by_one(database: Any, store: Any, entries: list[shipments.BatchEntry]) -> list[str]:
    outcomes = []
    for entry in entries:
        if entry.error or entry.shipment is None or entry.order_id is None:
            outcomes.append(f"error: {entry.error}")
            continue
        try:
            shipments.add_shipment(
                database, store.store, entry.order_id, entry.shipment, entry.lines, channel=DESK
            )
        except OrderhubError as exc:
            outcomes.append(f"error: {exc.message}")
        else:
            outcomes.append("added")
    return outcomes


def _ids_out(outcomes: list[str]) -> list[str]:
    """Outcomes with item and order ids made comparable across two stores."""
    return [re.sub(r"(item|Order) \d+", r"\1 #", o) for o in outcomes]


def _state(database: Any, store: Any, ids: list[int]) -> list[Any]:
    """Everything a client can see of the orders, with this store's ids made relative."""
    with database.read() as conn:
        found = order_storage.load_orders(conn, store.store.id, ids, with_history=True)
        folder_names = {f.id: f.name for f in stores.list_folders(conn, store.store.id)}
    first_item = {o.id: o.items[0].id for o in found}
    state = []
    for order in found:
        assert order.history is not None and order.id is not None
        shipped = [
            (s.tracking_number, s.carrier_code, s.tracking_url,
             sorted((line.order_item_id - first_item[order.id], line.quantity)
                    for line in s.lines))
            for s in order.shipments
        ]  # fmt: skip
        notes = [re.sub(r"Shipment \d+", "Shipment #", h.note) for h in order.history]
        state.append((shipped, notes, order.fulfillment_status, folder_names[order.folder_id]))
    return state


def _printing(database: Any, store: Any, ids: list[int]) -> None:
    moves.move_orders(database, store.store, ids, folder_name="Printing", channel=DESK)


def test_a_batch_ends_where_the_same_entries_one_by_one_end(database: Any, make_store: Any) -> None:
    one_store, batch_store = make_store(), make_store()
    one_ids, batch_ids = _orders(database, one_store, 4), _orders(database, batch_store, 4)
    _printing(database, one_store, one_ids)
    _printing(database, batch_store, batch_ids)

    expected = _one_by_one(database, one_store, _entries(one_ids))
    results = shipments.add_shipments(
        database, batch_store.store, _entries(batch_ids), channel=DESK
    )
    got = ["added" if r.shipment_id is not None else f"error: {r.error}" for r in results]

    assert _ids_out(got) == _ids_out(expected)
    assert expected.count("added") == 7  # the batch above exercises both outcomes
    assert [r.position for r in results] == list(range(len(results)))
    assert _state(database, batch_store, batch_ids) == _state(database, one_store, one_ids)
    # The completed order followed to the shipped folder right after its last shipment.
    notes = _state(database, batch_store, batch_ids)[0][1]
    assert notes[-2:] == [
        "Shipment # added (the rest of the order): UPS A-4",
        "Moved from Printing to Shipped (all items shipped)",
    ]


def test_a_batch_is_checked_against_the_orders_shipments_however_many(
    database: Any, store: Any
) -> None:
    """The batch reads each order's shipments condensed; the checks must come out as they
    would against the full list."""
    [order_id] = _orders(database, store, 1)
    items.add_item(database, store.store, order_id, Item(name="Cap", code="C", quantity=4),
                   channel=DESK)  # fmt: skip
    for number, lines in (("P-1", [LineRequest(2, code="T")]), ("P-2", [LineRequest(1, code="C")]),
                          ("P-3", [LineRequest(2, code="C")])):  # fmt: skip
        shipments.add_shipment(
            database, store.store, order_id, Shipment(number), lines, channel=DESK
        )

    def condensed_matches() -> list[Any]:
        with database.read() as conn:
            full = order_storage.get_order(conn, store.store.id, order_id)
            condensed = shipment_storage.shipped_so_far(conn, [order_id])[order_id]
        ordered = {item.id: item.quantity for item in full.items}
        assert shipped_quantities(ordered, condensed) == shipped_quantities(ordered, full.shipments)
        return condensed

    assert len(condensed_matches()) == 1  # the lines of three shipments, merged
    results = shipments.add_shipments(
        database, store.store,
        [
            shipments.BatchEntry(0, order_id, Shipment("P-4"), [LineRequest(2, code="C")]),
            shipments.BatchEntry(1, order_id, Shipment("P-5"), [LineRequest(1, code="C")]),
            shipments.BatchEntry(2, order_id, Shipment("P-3"), []),
            shipments.BatchEntry(3, order_id, Shipment("W-1"), []),
            shipments.BatchEntry(4, order_id, Shipment("P-6"), [LineRequest(1, code="M")]),
        ],
        channel=DESK,
    )  # fmt: skip
    assert results[0].error.endswith("has 4 ordered and 3 shipped; cannot ship 2 more")
    assert results[1].shipment_id is not None
    assert results[2].error == "the order already has a shipment with number 'P-3'"
    assert results[3].shipment_id is not None
    assert results[4].error.endswith("has 1 ordered and 1 shipped; cannot ship 1 more")
    condensed = condensed_matches()
    assert [s.lines for s in condensed] == [[]]  # only the whole shipment is needed now
    with database.read() as conn:
        assert (
            order_storage.get_order(conn, store.store.id, order_id).fulfillment_status
            == "fulfilled"
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_condensed_shipments_give_the_full_lists_quantities(
    database: Any, store: Any, seed: int
) -> None:
    picker = random.Random(seed)
    ids = _orders(database, store, 3)
    for n in range(12):
        order_id = picker.choice(ids)
        lines = [] if picker.random() < 0.2 else [LineRequest(1, code=picker.choice("TM"))]
        try:
            shipments.add_shipment(
                database, store.store, order_id, Shipment(f"R-{n}"), lines, channel=DESK
            )
        except OrderhubError:
            pass
    with database.read() as conn:
        condensed = shipment_storage.shipped_so_far(conn, ids)
        for order in order_storage.load_orders(conn, store.store.id, ids, with_history=False):
            assert order.id is not None
            ordered = {item.id: item.quantity for item in order.items}
            assert bool(condensed[order.id]) == bool(order.shipments)
            assert shipped_quantities(ordered, condensed[order.id]) == shipped_quantities(
                ordered, order.shipments
            )


def test_a_refused_batch_write_is_retried_entry_by_entry(
    database: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the database refuse the batch's one write, every entry gets its own savepoint:
    the good ones land, the one the database refuses is reported alone."""
    ids = _orders(database, store, 3)
    real = shipment_storage.insert_shipments

    def refusing(conn: Any, store_id: int, new: Any, now: Any) -> list[int]:
        if len(new) > 1 or new[0][1].tracking_number == "BAD":
            real(conn, store_id, new, now)  # written, then undone by the savepoint
            raise RuntimeError("refused")
        return real(conn, store_id, new, now)

    monkeypatch.setattr(shipment_storage, "insert_shipments", refusing)
    entries = [
        shipments.BatchEntry(0, ids[0], Shipment("OK-1")),
        shipments.BatchEntry(1, ids[1], Shipment("BAD")),
        shipments.BatchEntry(2, ids[2], Shipment("OK-2")),
    ]
    results = shipments.add_shipments(database, store.store, entries, channel=DESK)
    assert [r.error for r in results] == ["", "internal error; not added", ""]
    with database.read() as conn:
        found = order_storage.load_orders(conn, store.store.id, ids, with_history=True)
    assert [[s.tracking_number for s in o.shipments] for o in found] == [["OK-1"], [], ["OK-2"]]
    # created, then shipment and the move to Shipped — nothing of the refused entry
    assert [len(o.history or []) for o in found] == [3, 1, 3]


def test_a_batch_publishes_one_event_per_shipment_in_entry_order(
    database: Any, make_store: Any
) -> None:
    store = make_store(settings={"pod_notification_url": "http://127.0.0.1:9/n"})
    ids = _orders(database, store, 2)
    entries = [
        shipments.BatchEntry(0, ids[1], Shipment("E-1"), [LineRequest(1, code="T")]),
        shipments.BatchEntry(1, ids[0], Shipment("E-2")),
        shipments.BatchEntry(2, ids[1], Shipment("E-3")),
    ]
    shipments.add_shipments(database, store.store, entries, channel=DESK)
    with database.read() as conn:
        told = [
            [r["event"] for r in notifications.history(conn, store.store.id, order_id)]
            for order_id in ids
        ]
    assert told == [["shipped"], ["shipped", "shipped"]]


def test_a_batch_cannot_ship_another_stores_order(database: Any, make_store: Any) -> None:
    mine, theirs = make_store(), make_store()
    [their_order] = _orders(database, theirs, 1)
    results = shipments.add_shipments(
        database, mine.store, [shipments.BatchEntry(0, their_order, Shipment("X-1"))],
        channel=DESK,
    )  # fmt: skip
    assert results[0].error == f"Order {their_order} not found"
    with database.read() as conn:
        assert order_storage.get_order(conn, theirs.store.id, their_order).shipments == []
