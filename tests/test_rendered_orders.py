"""Rendered orders are served from a per-process cache keyed by the order's revision in the
database: a write through any door, made by one server, is seen by the very next read of
another server on the same database (two apps here, each with its own cache)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.api.orderdesk.rendered import join, split
from orderhub.api.rendered import RenderedOrders
from orderhub.app import create_app
from orderhub.orderfiles import run_import
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings, sample_order
from tests.pod.helpers import Pod


@pytest.fixture(scope="module")
def other_client(database: Database) -> Iterator[TestClient]:
    """A second server on the same database: its own rendered-order cache."""
    with TestClient(create_app(make_settings(), database=database)) as client:
        yield client


@pytest.fixture
def two(
    client: TestClient, other_client: TestClient, store: stores.NewStore
) -> tuple[OrderDesk, OrderDesk]:
    return OrderDesk(client, store), OrderDesk(other_client, store)


def view(od: OrderDesk, order_id: Any) -> dict[str, Any]:
    response = od.get(f"/orders/{order_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def listed(od: OrderDesk, order_id: Any) -> dict[str, Any]:
    orders = od.get("/orders", params={"limit": 50}).json()["orders"]
    return next(o for o in orders if o["id"] == str(order_id))


def same_everywhere(a: OrderDesk, b: OrderDesk, order_id: Any) -> dict[str, Any]:
    """The order as server A now shows it, after checking that warm B shows the same."""
    seen = view(a, order_id)
    assert view(b, order_id) == seen
    assert listed(b, order_id) == {k: v for k, v in seen.items() if k != "order_history"}
    return seen


def test_every_order_desk_write_is_seen_by_the_other_server(
    two: tuple[OrderDesk, OrderDesk],
) -> None:
    a, b = two
    order = a.create_order()
    oid = order["id"]
    before = same_everywhere(a, b, oid)  # B has it rendered now

    def changed(write: Callable[[], Any]) -> dict[str, Any]:
        nonlocal before
        response = write()
        assert response.status_code == 200, response.text
        seen = same_everywhere(a, b, oid)
        assert seen != before
        before = seen
        return seen

    changed(lambda: a.put(f"/orders/{oid}", json=sample_order(email="new@example.com")))
    changed(lambda: a.post(f"/orders/{oid}/order-history", json={"note": "called the customer"}))
    added = changed(lambda: a.post(f"/orders/{oid}/order-items", json={"name": "Cap", "price": 3}))
    item_id = added["order_items"][-1]["id"]
    changed(lambda: a.put(f"/orders/{oid}/order-items/{item_id}", json={"quantity": 4}))
    changed(lambda: a.delete(f"/orders/{oid}/order-items/{item_id}"))
    shipped = changed(
        lambda: a.post("/batch-shipments", json=[{"order_id": oid, "tracking_number": "T-1"}])
    )
    shipment_id = shipped["order_shipments"][0]["id"]
    changed(
        lambda: a.put(f"/orders/{oid}/shipments/{shipment_id}", json={"tracking_number": "T-2"})
    )
    changed(lambda: a.delete(f"/orders/{oid}/shipments/{shipment_id}"))
    changed(lambda: a.post(f"/orders/{oid}/shipments", json={"tracking_number": "T-3"}))
    moved = changed(
        lambda: a.post(
            "/move-orders", json={"order_id_list": [oid], "destination_folder_name": "Printing"}
        )
    )
    assert moved["folder_id"] != order["folder_id"]
    assert a.delete(f"/orders/{oid}").status_code == 200
    assert b.get(f"/orders/{oid}").status_code == 404


def test_email_count_follows_other_orders_and_the_importer(
    two: tuple[OrderDesk, OrderDesk], database: Database, tmp_path: Path
) -> None:
    a, b = two
    email = f"{a.store.store.id}-count@example.com"
    first = a.create_order(email=email)
    assert view(b, first["id"])["email_count"] == "1"
    a.create_order(email=email)
    assert view(b, first["id"])["email_count"] == "2"
    path = tmp_path / "orders.jsonl"
    path.write_bytes(orjson.dumps(sample_order(email=email)) + b"\n")
    run_import(database, a.store.store.id, path, "jsonl", quiet=True)
    assert view(b, first["id"])["email_count"] == "3"
    assert listed(b, first["id"])["email_count"] == "3"


def test_print_on_demand_writes_are_seen_by_the_other_server(
    client: TestClient, other_client: TestClient, store: stores.NewStore
) -> None:
    a, b = Pod(client, store), Pod(other_client, store)
    created = a.create(external_id=f"EXT-{store.store.id}")
    oid = created["id"]
    assert b.get("order.php", id=oid).json()["order"]["deleted"] == "false"
    assert b.get("orders.php").json()["orders"][0]["order"] == created
    assert a.delete(id=oid).json()["order"]["deleted"] == "true"
    assert b.get("order.php", id=oid).json()["order"]["deleted"] == "true"
    assert b.get("orders.php").json()["orders"][0]["order"]["deleted"] == "true"
    # ...and in the Order Desk view of the same order
    assert view(OrderDesk(other_client, store), oid)["folder_id"] != 0


def test_a_move_changes_the_print_on_demand_status_seen_elsewhere(
    client: TestClient, other_client: TestClient, store: stores.NewStore
) -> None:
    a, b = OrderDesk(client, store), Pod(other_client, store)
    oid = a.create_order()["id"]
    assert b.get("order.php", id=oid).json()["order"]["status"] == "received"
    folders = a.get("/folders").json()["folders"]
    printing = next(f for f in folders if f.get("pod_status") not in (None, "", "received"))
    moved = a.post(
        "/move-orders", json={"order_id_list": [oid], "destination_folder_id": printing["id"]}
    )
    assert moved.status_code == 200, moved.text
    assert b.get("order.php", id=oid).json()["order"]["status"] == printing["pod_status"]


def test_cached_bytes_are_exactly_the_rendered_order(database: Database, od: OrderDesk) -> None:
    oid = int(od.create_order(email="")["id"])
    od.post(f"/orders/{oid}/order-history", json={"note": "n"})
    with database.read() as conn:
        order = order_storage.get_order(conn, od.store.store.id, oid, with_history=True)
    head, tail, history = split(order)
    assert join((head, tail), order.email_count, history) == orjson.dumps(order_dict(order))
    order.history = None
    assert join((head, tail), order.email_count, None) == orjson.dumps(order_dict(order))


def test_the_cache_keeps_one_revision_per_order_and_at_most_its_capacity() -> None:
    cache = RenderedOrders(capacity=2)
    cache.put(1, 10, 0, "form", "r0")
    assert cache.get(1, 10, 0, "form") == "r0"
    assert cache.get(1, 10, 1, "form") is None  # another revision: never served
    assert cache.get(2, 10, 0, "form") is None  # another store: never served
    cache.put(1, 10, 1, "form", "r1")
    assert cache.get(1, 10, 0, "form") is None and cache.get(1, 10, 1, "form") == "r1"
    cache.put(1, 11, 0, "form", "b")
    cache.get(1, 10, 1, "form")  # 10 used last: 11 goes first
    cache.put(1, 12, 0, "form", "c")
    assert len(cache) == 2 and cache.get(1, 11, 0, "form") is None
    assert RenderedOrders(capacity=0).get(1, 10, 0, "form") is None


def test_with_the_cache_off_reads_still_see_every_write(
    database: Database, store: stores.NewStore
) -> None:
    with TestClient(
        create_app(make_settings(rendered_cache_orders=0), database=database)
    ) as client:
        od = OrderDesk(client, store)
        oid = od.create_order()["id"]
        od.post(f"/orders/{oid}/order-history", json={"note": "n"})
        assert view(od, oid)["order_history"][-1]["note"] == "n"
