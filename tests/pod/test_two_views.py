"""One store, two views: an order taken through either protocol is the same order in the
other, with the fields mapped; shipping and moving show up on both sides."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import OrderDesk, sample_order
from tests.pod.helpers import DOC_EXAMPLE, Pod


@pytest.fixture
def views(client: TestClient, store: Any) -> tuple[Pod, OrderDesk]:
    return Pod(client, store), OrderDesk(client, store)


def test_pod_order_through_the_back_office(views: tuple[Pod, OrderDesk]) -> None:
    pod, od = views
    created = pod.create(external_id="EXT-7")
    order = od.get(f"/orders/{created['id']}").json()["order"]
    assert order["source_id"] == "EXT-7" and order["source_name"] == "Print-on-demand API"
    folders = od.get("/store").json()["store"]["folders"]
    assert folders[str(order["folder_id"])] == "Received"
    assert (
        order["shipping"]["first_name"] == "Alex" and order["shipping"]["postal_code"] == "BB1 5QH"
    )
    assert (
        order["shipping"]["state"] == "Lancashire"
        and order["shipping"]["phone"] == "+44 (0)1254 777070"
    )
    assert order["shipping_method"] == "courier"
    item = order["order_items"][0]
    assert item["code"] == "JH001" and item["quantity"] == 4 and item["price"] == 20
    assert order["product_total"] == 80
    found = od.get("/orders", params={"source_id": "EXT-7"}).json()
    assert found["total_records"] == 1


def test_back_office_order_through_pod(views: tuple[Pod, OrderDesk]) -> None:
    pod, od = views
    created = od.create_order(source_id="CART-5")
    seen = pod.get("order.php", id=created["id"]).json()["order"]
    assert seen["external_id"] == "CART-5" and seen["status"] == "received"
    assert (
        seen["shipping_address"]["firstName"] == "Jane"
        and seen["shipping_address"]["postcode"] == "62701"
    )
    assert seen["shipping_address"]["county"] == "IL"
    assert [i["pn"] for i in seen["items"]] == ["TS-1", "MUG-1"]
    assert seen["items"][0]["quantity"] == "2" and seen["items"][0]["retailPrice"] == "19.99000"
    assert seen["items"][0]["designs"] == []
    assert pod.get("orders/count.php").json() == {"count": 1}
    no_source = od.post(
        "/orders", json={k: v for k, v in sample_order().items() if k != "source_id"}
    ).json()
    assert pod.get("order.php", id=no_source["order"]["id"]).json()["order"]["external_id"] is None


def test_shipment_in_back_office_is_tracking_in_pod(views: tuple[Pod, OrderDesk]) -> None:
    pod, od = views
    created = pod.create()
    partial = od.post(
        f"/orders/{created['id']}/shipments",
        json={
            "tracking_number": "AB111111111GB",
            "order_items": [{"code": "JH001", "quantity": 1}],
        },
    )
    assert partial.status_code == 200
    midway = pod.get("order.php", id=created["id"]).json()["order"]
    assert (
        midway["shipping"]["trackingNumber"] == "AB111111111GB" and midway["status"] == "received"
    )
    od.post(f"/orders/{created['id']}/shipments", json={"tracking_number": "AB222222222GB"})
    shipped = pod.get("order.php", id=created["id"]).json()["order"]
    assert shipped["status"] == "shipped"
    assert shipped["shipping"]["trackingNumber"] == "AB222222222GB"
    assert shipped["shipping"]["shipped_at"] == shipped["shipping"]["shiped_at"]
    assert shipped["shipping"]["shipped_at"].startswith(shipped["created_at"][:4])
    assert pod.get("orders/count.php", status="shipped").json() == {"count": 1}


def test_moving_folders_changes_status(views: tuple[Pod, OrderDesk]) -> None:
    pod, od = views
    created = pod.create()
    for folder, status in (
        ("Printing", "printing"),
        ("Quality Control", "quality control"),
        ("Paid", "paid"),
    ):
        od.post(
            "/move-orders",
            json={"order_id_list": [created["id"]], "destination_folder_name": folder},
        )
        assert pod.get("order.php", id=created["id"]).json()["order"]["status"] == status
    assert [o["order"]["id"] for o in pod.get("orders.php", status="paid").json()["orders"]] == [
        created["id"]
    ]
    custom = od.post("/folders", json={"name": "On Hold"}).json()["folder"]
    od.post(
        "/move-orders",
        json={"order_id_list": [created["id"]], "destination_folder_id": custom["id"]},
    )
    assert pod.get("order.php", id=created["id"]).json()["order"]["status"] == "received"


def test_pod_stock_follows_like_any_order(client: TestClient, make_store: Any) -> None:
    store = make_store(settings={"auto_update_stock_count": True})
    pod, od = Pod(client, store), OrderDesk(client, store)
    od.post("/inventory-items", json={"name": "Tee", "code": "JH001", "stock": 10})
    pod.create()
    assert od.get("/inventory-items").json()["inventory_items"][0]["stock"] == 6
    assert DOC_EXAMPLE["items"][0]["quantity"] == 4
