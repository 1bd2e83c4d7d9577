"""Partial updates: only the fields given change, against the revision the caller saw; a
save against an older revision is refused and writes nothing. Both databases."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, StaleEdit
from orderhub.domain.orders import Item, Order
from orderhub.services import order_updates, orders
from orderhub.services.order_updates import OrderChanges
from orderhub.storage import orders as order_storage
from orderhub.storage.orders import revisions

ANN, BOB = Channel.desk("ann@shop.example"), Channel.desk("bob@shop.example")


def _new(database: Any, store: Any) -> int:
    order = Order(
        items=[Item(name="Tee", code="T")], shipping={"first_name": "Ann", "last_name": "Lee"},
        order_metadata={"keep": "me"},
    )  # fmt: skip
    taken = orders.take_order(database, store.store, order, channel=ANN)
    assert taken.order is not None and taken.order.id is not None
    return taken.order.id


def _revision(database: Any, store: Any, order_id: int) -> int:
    with database.read() as conn:
        return int(
            revisions.stamps(conn, store.store.id, [order_id], email_count=False)[order_id].revision
        )


def _get(database: Any, store: Any, order_id: int) -> Order:
    with database.read() as conn:
        return order_storage.get_order(conn, store.store.id, order_id, with_history=True)


def test_two_edits_from_the_same_revision_the_second_is_refused(database: Any, store: Any) -> None:
    order_id = _new(database, store)
    seen = _revision(database, store, order_id)
    order_updates.update_order(
        database, store.store, order_id, OrderChanges(shipping={"city": "Springfield"}),
        expected_revision=seen, channel=ANN,
    )  # fmt: skip
    with pytest.raises(StaleEdit) as refused:
        order_updates.update_order(
            database, store.store, order_id, OrderChanges(shipping={"postal_code": "999"}),
            expected_revision=seen, channel=BOB,
        )  # fmt: skip
    assert "ann@shop.example" in refused.value.message
    assert refused.value.current == str(seen + 1)
    after = _get(database, store, order_id)
    assert after.shipping["city"] == "Springfield" and after.shipping["postal_code"] == ""
    # Saving again with the current revision is a deliberate overwrite, and keeps the rest.
    order_updates.update_order(
        database, store.store, order_id, OrderChanges(shipping={"postal_code": "999"}),
        expected_revision=int(refused.value.current), channel=BOB,
    )  # fmt: skip
    after = _get(database, store, order_id)
    assert (after.shipping["city"], after.shipping["postal_code"]) == ("Springfield", "999")
    assert after.order_metadata == {"keep": "me"} and len(after.items) == 1
    assert after.history is not None and after.history[-1].source_name == "Desk (bob@shop.example)"


def test_concurrent_edits_never_both_win(database: Any, store: Any) -> None:
    order_id = _new(database, store)
    seen = _revision(database, store, order_id)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def edit(city: str, channel: Channel) -> None:
        start.wait()
        try:
            order_updates.update_order(
                database, store.store, order_id, OrderChanges(shipping={"city": city}),
                expected_revision=seen, channel=channel,
            )  # fmt: skip
            outcomes.append(city)
        except StaleEdit:
            outcomes.append("refused")

    threads = [threading.Thread(target=edit, args=a) for a in (("A", ANN), ("B", BOB))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "refused" and len(outcomes) == 2
    winner = next(o for o in outcomes if o != "refused")
    assert _get(database, store, order_id).shipping["city"] == winner


def test_metadata_is_merged_into_the_order_as_it_is_now(database: Any, store: Any) -> None:
    order_id = _new(database, store)
    order_updates.update_order(
        database, store.store, order_id, OrderChanges(shipping={"city": "Leeds"}),
        expected_revision=None, channel=ANN,
    )  # fmt: skip
    order_updates.update_order(
        database, store.store, order_id, OrderChanges(metadata={"supplier_order_id": "77"}),
        expected_revision=None, channel=Channel.forwarder("Acme"),
    )  # fmt: skip
    after = _get(database, store, order_id)
    assert after.order_metadata == {"keep": "me", "supplier_order_id": "77"}
    assert after.shipping["city"] == "Leeds"


@pytest.mark.parametrize(
    "changes, message",
    [
        (OrderChanges(shipping={"first_name": "", "company": ""}), "first and last name"),
        (OrderChanges(shipping={"city": "c" * 256}), "at most 255"),
        (OrderChanges(shipping={"planet": "Mars"}), "no address field"),
    ],
)
def test_bad_changes_write_nothing(
    database: Any, store: Any, changes: OrderChanges, message: str
) -> None:
    order_id = _new(database, store)
    seen = _revision(database, store, order_id)
    with pytest.raises(InvalidInput, match=message):
        order_updates.update_order(
            database, store.store, order_id, changes, expected_revision=seen, channel=ANN
        )
    assert _revision(database, store, order_id) == seen
