"""Splitting orders on both databases (services/splits.py): what moves, the money, the
source ids, the histories and events, both protocols' views, and every refusal leaving
nothing written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, NotFound, OrderhubError
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.inventory import InventoryItem
from orderhub.domain.orders import Discount, Item, Order
from orderhub.services import orders, shipments, splits
from orderhub.services.splits import SplitPart
from orderhub.storage import forwarding_jobs, inventory, stores
from orderhub.storage import orders as order_storage
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage import webhooks as webhook_storage
from orderhub.storage.webhook_tables import webhook_deliveries
from tests.pod.helpers import Pod

CLI = Channel.cli()


def _order(source_id: str, **fields: Any) -> Order:
    values: dict[str, Any] = {
        "items": [
            Item(name="Tee", code="TEE", price=Decimal("20"), quantity=5, weight=Decimal("0.2")),
            Item(name="Mug", code="MUG", price=Decimal("10"), quantity=2, weight=Decimal("0.5")),
            Item(name="Pin", code="PIN", price=Decimal("1.99"), quantity=3),
        ],
        "shipping": {"first_name": "Ann", "last_name": "Lee", "city": "Leeds"},
        "customer": {"first_name": "Ann", "last_name": "Lee"},
        "email": "ann@example.com",
        "shipping_method": "Ground",
        "shipping_total": Decimal("7.77"),
        "handling_total": Decimal("1.01"),
        "tax_total": Decimal("12.34"),
        "discount_list": [Discount("Summer", Decimal("5.55"), "SUM")],
        "checkout_data": {"gift": "yes"},
        "order_metadata": {"brand": "Acme", "supplier_order_id": "99"},
        "source_id": source_id,
    }
    values.update(fields)
    return Order(**values)


def _take(database: Any, store: Any, order: Order) -> Order:
    taken = orders.take_order(database, store.store, order, channel=CLI)
    assert taken.order is not None
    return taken.order


def _get(database: Any, store: Any, order_id: int) -> Order:
    with database.read() as conn:
        return order_storage.get_order(conn, store.store.id, order_id, with_history=True)


@pytest.mark.parametrize(
    "parts",
    [
        [SplitPart("TEE", 3), SplitPart("PIN")],
        [SplitPart("MUG", 1)],
        [SplitPart("TEE", 5), SplitPart("MUG", 2)],
    ],
)
def test_a_split_moves_quantities_and_shares_the_money_to_the_cent(
    database: Any, store: Any, parts: list[SplitPart]
) -> None:
    original = _take(database, store, _order(f"S-{id(parts)}"))
    result = splits.split_order(database, store.store, int(original.id or 0), parts, channel=CLI)
    kept, new = (
        _get(database, store, result.original_id),
        _get(database, store, result.new_order_id),
    )
    for name in ("shipping_total", "handling_total", "tax_total", "discount_total",
                 "product_total", "order_total", "quantity_total", "weight_total"):  # fmt: skip
        assert getattr(kept, name) + getattr(new, name) == getattr(original, name), name
    by_code = {i.code: i.quantity for i in original.items}
    after = {code: 0 for code in by_code}
    for item in (*kept.items, *new.items):
        after[item.code] += item.quantity
    assert after == by_code
    assert new.source_id == f"{original.source_id}-2" and result.new_source_id == new.source_id
    assert (new.email, new.shipping_method, new.checkout_data) == (
        "ann@example.com", "Ground", {"gift": "yes"},
    )  # fmt: skip
    assert new.shipping["city"] == "Leeds" and new.customer["last_name"] == "Lee"
    assert new.order_metadata == {"brand": "Acme"}  # the original's forwarding is its own
    assert new.folder_id == original.folder_id
    assert [d.name for d in new.discount_list] == ["Summer"]
    assert "moved to order" in (kept.history or [])[-1].note
    assert f"Split from order {original.id}" in (new.history or [])[-1].note
    assert sum(m.quantity for m in result.moved) == new.quantity_total
    assert kept.email_count == new.email_count >= 2  # the new order is one more with that email


def test_source_ids_never_collide_and_split_again(database: Any, store: Any) -> None:
    original = _take(database, store, _order("COLL"))
    _take(database, store, _order("COLL-2", source_name="Other cart"))
    oid = int(original.id or 0)
    first = splits.split_order(database, store.store, oid, [SplitPart("PIN", 1)], channel=CLI)
    second = splits.split_order(database, store.store, oid, [SplitPart("PIN", 1)], channel=CLI)
    assert (first.new_source_id, second.new_source_id) == ("COLL-3", "COLL-4")


def test_only_unshipped_quantities_move_and_stock_stays(database: Any, make_store: Any) -> None:
    store = make_store(settings={"auto_update_stock_count": True})
    original = _take(database, store, _order("SHIP"))
    oid = int(original.id or 0)
    shipments.add_shipment(
        database, store.store, oid, Shipment("1Z999AA10123456784"),
        [LineRequest(quantity=4, code="TEE")], channel=CLI,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="only 1 can move"):
        splits.split_order(database, store.store, oid, [SplitPart("TEE", 2)], channel=CLI)
    result = splits.split_order(database, store.store, oid, [SplitPart("TEE")], channel=CLI)
    assert [(m.code, m.quantity) for m in result.moved] == [("TEE", 1)]
    kept = _get(database, store, oid)
    assert [i.quantity for i in kept.items if i.code == "TEE"] == [4]
    assert kept.fulfillment_status == "partial"  # the mugs and pins are still to ship


def test_events_name_the_split_and_both_protocols_show_both_orders(
    database: Any, client: TestClient, store: Any
) -> None:
    with database.write() as conn:
        webhook_storage.add_endpoint(
            conn, store.store.id, "https://hooks.example.com/in", ["*"], "json", "s" * 48
        )
    order = _take(database, store, _order("EV", source_name="Print-on-demand API"))
    pod = Pod(client, store)
    assert pod.get("orders/count.php").json() == {"count": 1}
    result = splits.split_order(
        database, store.store, int(order.id or 0), [SplitPart("MUG")], folder="Printing",
        channel=CLI,
    )  # fmt: skip
    with database.read() as conn:
        rows = conn.execute(
            select(webhook_deliveries).where(webhook_deliveries.c.store_id == store.store.id)
        )
        queued = [(row.event, row.order_id, orjson.loads(row.data)) for row in rows]
    assert ("order.created", result.new_order_id, {"split_from": order.id,
            "folder_id": result.folder_id}) in queued  # fmt: skip
    assert any(e == "order.updated" and o == order.id for e, o, _ in queued)
    assert pod.get("orders/count.php").json() == {"count": 2}
    listed = pod.get("orders.php").json()
    by_id = {o["order"]["id"]: o["order"] for o in listed["orders"]}
    assert [i["pn"] for i in by_id[str(result.new_order_id)]["items"]] == ["MUG"]
    assert by_id[str(result.new_order_id)]["external_id"] == "EV-2"
    assert "MUG" not in [i["pn"] for i in by_id[str(order.id)]["items"]]
    headers = {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}
    shown = client.get(f"/api/v2/orders/{result.new_order_id}", headers=headers).json()["order"]
    assert shown["source_id"] == "EV-2" and int(shown["folder_id"]) == result.folder_id
    assert by_id[str(result.new_order_id)]["status"] == "printing"


def test_parts_matching_picks_items_by_a_predicate(database: Any, store: Any) -> None:
    order = _take(database, store, _order("PM"))
    parts = splits.parts_matching(order, lambda item: item.code.startswith("M"))
    assert [p.item for p in parts] == [i.id for i in order.items if i.code == "MUG"]
    with pytest.raises(InvalidInput, match="no item"):
        splits.parts_matching(order, lambda item: False)
    with pytest.raises(InvalidInput, match="every item"):
        splits.parts_matching(order, lambda item: True)


@pytest.mark.parametrize(
    ("parts", "folder", "error"),
    [
        ([SplitPart("NOPE")], None, "no item on this order has code 'NOPE'"),
        ([SplitPart("TEE", 6)], None, "only 5 can move"),
        ([SplitPart("TEE", 0)], None, "at least 1"),
        ([SplitPart("TEE", -2)], None, "at least 1"),
        ([SplitPart(999_999_999)], None, "not on this order"),
        ([SplitPart("TEE"), SplitPart("MUG"), SplitPart("PIN")], None, "every item would move"),
        ([], None, "nothing to move"),
        ([SplitPart("MUG")], "No such folder", "no folder named"),
    ],
)
def test_bad_splits_are_refused_and_write_nothing(
    database: Any, store: Any, parts: list[SplitPart], folder: str | None, error: str
) -> None:
    order = _take(database, store, _order(f"BAD-{len(parts)}-{folder}-{error[:5]}"))
    before = _get(database, store, int(order.id or 0))
    with pytest.raises(OrderhubError, match=error):
        splits.split_order(
            database, store.store, int(order.id or 0), parts, folder=folder, channel=CLI
        )
    after = _get(database, store, int(order.id or 0))
    assert after == before
    with database.read() as conn:
        assert (
            order_storage.find_by_source(conn, store.store.id, "Order Desk", f"{order.source_id}-2")
            is None
        )


def test_cancelled_and_unknown_orders_are_refused(database: Any, store: Any) -> None:
    order = _take(database, store, _order("CAN"))
    with database.read() as conn:
        received = stores.find_folder(conn, store.store.id, name="Received")
    assert received is not None
    orders.cancel_order(database, store.store, int(order.id or 0), channel=CLI)
    with pytest.raises(InvalidInput, match="cancelled"):
        splits.split_order(
            database, store.store, int(order.id or 0), [SplitPart("MUG")], channel=CLI
        )
    with pytest.raises(NotFound):
        splits.split_order(database, store.store, 10**12, [SplitPart("MUG")], channel=CLI)


def test_stock_does_not_move_and_items_at_a_supplier_stay(database: Any, make_store: Any) -> None:
    store = make_store(settings={"auto_update_stock_count": True})
    with database.write() as conn:
        inventory.create_item(conn, store.store.id, InventoryItem("Tee", "TEE", stock=50))
    order = _take(database, store, _order("STOCK"))
    oid = int(order.id or 0)
    tee = next(i for i in order.items if i.code == "TEE")
    with database.write() as conn:
        folder = stores.find_folder(conn, store.store.id, name="Printing")
        assert folder is not None
        supplier_storage.add_supplier(
            conn, store.store.id, name="B", base_url="https://b.example", app_id="APP-1",
            secret="x", folder_id=folder.id, code_patterns=["TEE"], shipping_map={},
            at_supplier_folder_id=None, failed_folder_id=None,
        )  # fmt: skip
        forwarding_jobs.queue_arrivals(conn, store.store.id, oid, folder.id)
        [job] = forwarding_jobs.jobs_for_order(conn, store.store.id, oid)
        forwarding_jobs.mark_sent(
            conn, job.id, supplier_order_id="7", lines=[(int(tee.id or 0), 4)], last_status="",
            next_poll=job.created_at,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="only 1 can move"):
        splits.split_order(database, store.store, oid, [SplitPart("TEE", 2)], channel=CLI)
    splits.split_order(database, store.store, oid, [SplitPart("TEE", 1)], channel=CLI)
    with database.read() as conn:
        stocked = inventory.find_by_code(conn, store.store.id, "TEE")
    assert stocked is not None and stocked.stock == 45  # taken once, when the order came in


def test_an_order_left_all_shipped_follows_to_shipped(database: Any, store: Any) -> None:
    order = _take(database, store, _order("ALLSHIP"))
    oid = int(order.id or 0)
    shipments.add_shipment(
        database, store.store, oid, Shipment("1Z999AA10123456784"),
        [LineRequest(quantity=5, code="TEE")], channel=CLI,
    )  # fmt: skip
    result = splits.split_order(
        database, store.store, oid, [SplitPart("MUG"), SplitPart("PIN")], channel=CLI
    )
    kept, new = _get(database, store, oid), _get(database, store, result.new_order_id)
    with database.read() as conn:
        shipped = stores.find_folder(conn, store.store.id, name="Shipped")
    assert shipped is not None and kept.folder_id == shipped.id
    assert kept.fulfillment_status == "fulfilled" and new.fulfillment_status == "unfulfilled"
    assert new.folder_id == order.folder_id != shipped.id


def test_a_source_id_taken_in_a_race_makes_the_split_take_the_next(
    database: Any, store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = _take(database, store, _order("RACE"))
    _take(database, store, _order("RACE-2"))  # same source name: the unique index refuses it
    original = splits.split_storage.free_suffix_source_id

    def stale(conn: Any, store_id: int, base: str, *, skip: int = 0) -> str:
        # What a check made just before a concurrent writer took RACE-2 would say.
        return "RACE-2" if skip == 0 else original(conn, store_id, base, skip=skip - 1)

    monkeypatch.setattr(splits.split_storage, "free_suffix_source_id", stale)
    result = splits.split_order(
        database, store.store, int(order.id or 0), [SplitPart("MUG")], channel=CLI
    )
    assert result.new_source_id == "RACE-3"
    assert [i.code for i in _get(database, store, result.new_order_id).items] == ["MUG"]
