"""Shipments (§6), batch shipments, inventory (§7), moves (§4.7) and folders."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.domain.carriers import guess_carrier, tracking_url
from tests.conformance.test_od_orders import WIRE_DATE, assert_error
from tests.helpers import OrderDesk, sample_order

# --- carriers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "carrier", "url_part"),
    [
        ("1Z999AA10123456784", "UPS", "ups.com/track?tracknum=1Z999AA10123456784"),
        ("1z 999 aa1 0123456784", "UPS", "1Z999AA10123456784"),
        ("9400111899223197428490", "USPS", "tLabels=9400111899223197428490"),
        ("EC123456789US", "USPS", "tLabels=EC123456789US"),
        ("123456789012", "FedEx", "trknbr=123456789012"),
        ("9612345678901234567890", "FedEx", "trknbr=9612345678901234567890"),
        ("1234567890", "DHL", "tracking-id=1234567890"),
        ("JJD0001234567890", "DHL", "JJD0001234567890"),
        (
            "AB123456789GB",
            "Royal Mail",
            "royalmail.com/track-your-item#/tracking-results/AB123456789GB",
        ),
        ("not-a-number", "", ""),
    ],
)
def test_carrier_guess_and_tracking_url(number: str, carrier: str, url_part: str) -> None:
    assert guess_carrier(number) == carrier
    url = tracking_url(carrier, number)
    assert (url_part in url) if url_part else url == ""


# --- shipments ---------------------------------------------------------------------------


def ship(od: OrderDesk, order_id: str, **fields: Any) -> Any:
    return od.post(f"/orders/{order_id}/shipments", json=fields)


def test_whole_order_shipment(od: OrderDesk) -> None:
    order = od.create_order()
    response = ship(
        od, order["id"], tracking_number="1Z999AA10123456784", shipment_method="Ground", weight=3.55
    )
    body = response.json()
    assert response.status_code == 200 and body["message"] == "Shipment Added"
    shipment = body["shipment"]
    assert shipment["id"].isdigit() and shipment["order_id"] == order["id"]
    assert shipment["store_id"] == str(od.store.store.id)
    assert (
        shipment["carrier_code"] == "UPS"
        and shipment["weight"] == "3.55"
        and shipment["cost"] == ""
    )
    assert shipment["tracking_url"].startswith("https://www.ups.com/")
    assert shipment["order_items"] == "" and shipment["print_status"] == "0"
    assert len(shipment["date_shipped"]) == 10 and WIRE_DATE.match(shipment["date_added"])
    full = od.get(f"/orders/{order['id']}").json()["order"]
    assert full["fulfillment_status"] == "fulfilled"
    assert full["order_shipments"] == [shipment]
    listed = od.get(f"/orders/{order['id']}/shipments").json()
    assert listed["total_records"] == 1 and listed["shipments"] == [shipment]
    assert (
        od.get(f"/orders/{order['id']}/shipments/{shipment['id']}").json()["shipment"] == shipment
    )


def test_partial_shipments_then_the_rest(od: OrderDesk) -> None:
    order = od.create_order()
    shirt, mug = order["order_items"]  # 2 shirts, 1 mug
    first = ship(
        od, order["id"], tracking_number="T1", order_items=[{"code": "TS-1", "quantity": 1}]
    )
    assert first.json()["shipment"]["order_items"] == [{"id": shirt["id"], "quantity": 1}]
    assert od.get(f"/orders/{order['id']}").json()["order"]["fulfillment_status"] == "partial"
    too_many = ship(
        od, order["id"], tracking_number="T2", order_items=[{"id": shirt["id"], "quantity": 2}]
    )
    assert_error(too_many, 400, "has 2 ordered and 1 shipped")
    unknown = ship(
        od, order["id"], tracking_number="T3", order_items=[{"code": "NOPE", "quantity": 1}]
    )
    assert_error(unknown, 400, "order_items[0]")
    rest = ship(od, order["id"], tracking_number="T4")
    assert rest.status_code == 200
    final = od.get(f"/orders/{order['id']}").json()["order"]
    assert final["fulfillment_status"] == "fulfilled" and len(final["order_shipments"]) == 2
    notes = [h["note"] for h in final["order_history"]]
    assert any("(part of the order)" in n for n in notes)
    assert any("(the rest of the order)" in n for n in notes)
    assert mug["id"]


def test_duplicate_tracking_number_is_shipment_not_added(od: OrderDesk) -> None:
    order = od.create_order()
    ship(od, order["id"], tracking_number="SAME")
    assert_error(ship(od, order["id"], tracking_number="SAME"), 409)
    assert ship(od, order["id"], tracking_number="SAME").json()["message"] == "Shipment Not Added"
    assert ship(od, order["id"], tracking_number="n/a").status_code == 200
    assert ship(od, order["id"], tracking_number="n/a").status_code == 200


def test_shipment_update_and_delete(od: OrderDesk) -> None:
    order = od.create_order()
    shipment = ship(od, order["id"], tracking_number="1Z999AA10123456784", cost="4.10").json()[
        "shipment"
    ]
    path = f"/orders/{order['id']}/shipments/{shipment['id']}"
    updated = od.put(path, json={"tracking_number": "AB123456789GB"}).json()["shipment"]
    assert updated["carrier_code"] == "Royal Mail" and updated["cost"] == ""
    assert "royalmail" in updated["tracking_url"]
    deleted = od.delete(path).json()
    assert deleted["message"] == f"Shipment {shipment['id']} Deleted"
    assert od.get(f"/orders/{order['id']}").json()["order"]["fulfillment_status"] == "unfulfilled"
    assert_error(od.get(path), 404)


def test_bad_shipments(od: OrderDesk, other_od: OrderDesk) -> None:
    order = od.create_order()
    assert_error(ship(od, order["id"]), 400, "tracking_number")
    assert_error(
        ship(od, order["id"], tracking_number="X", date_shipped="someday"), 400, "date_shipped"
    )
    assert_error(
        ship(od, order["id"], tracking_number="X", order_items=[{"code": "TS-1", "quantity": 0}]),
        400,
    )
    assert_error(ship(other_od, order["id"], tracking_number="X"), 404)
    assert_error(other_od.get(f"/orders/{order['id']}/shipments"), 404)
    assert od.get(f"/orders/{order['id']}/shipments").json()["total_records"] == 0


def test_batch_shipments_mixed(od: OrderDesk, other_od: OrderDesk) -> None:
    a, b = od.create_order(), od.create_order()
    foreign = other_od.create_order()
    batch = [
        {"order_id": a["id"], "tracking_number": "1Z999AA10123456784", "carrier_code": "UPS"},
        {"order_id": 99999999, "tracking_number": "X1"},
        {"tracking_number": "no order id"},
        {
            "order_id": b["id"],
            "tracking_number": "B-1",
            "order_items": [{"code": "MUG-1", "quantity": 5}],
        },
        {"order_id": foreign["id"], "tracking_number": "F-1"},
        {
            "order_id": b["id"],
            "tracking_number": "B-2",
            "order_items": [{"code": "MUG-1", "quantity": 1}],
        },
    ]
    body = od.post("/batch-shipments", json=batch).json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["success", "error", "error", "error", "error", "success"]
    assert body["results"][0]["order_id"] == a["id"] and body["results"][0]["shipment_id"].isdigit()
    assert (
        "not found" in body["results"][1]["message"] and "order_id" in body["results"][2]["message"]
    )
    assert "has 1 ordered" in body["results"][3]["message"]
    assert od.get(f"/orders/{b['id']}/shipments").json()["total_records"] == 1
    assert other_od.get(f"/orders/{foreign['id']}/shipments").json()["total_records"] == 0


def test_batch_shipment_limits(od: OrderDesk) -> None:
    assert_error(od.post("/batch-shipments", json={"order_id": 1}), 400, "JSON array")
    assert_error(od.post("/batch-shipments", json=[]), 400)
    too_many = [{"order_id": 1, "tracking_number": str(i)} for i in range(101)]
    assert_error(od.post("/batch-shipments", json=too_many), 400, "at most 100")


# --- inventory ---------------------------------------------------------------------------


def test_inventory_crud(od: OrderDesk, other_od: OrderDesk) -> None:
    created = od.post(
        "/inventory-items",
        json={
            "name": "Three Wolf T-Shirt",
            "code": "3wolf-11",
            "price": 10,
            "cost": 8,
            "weight": 0.8,
            "stock": 48,
        },
    ).json()
    assert created["message"] == "Inventory Item Added"
    item = created["inventory_item"]
    assert isinstance(item["id"], int) and item["stock"] == 48 and item["weight"] == 0.8
    assert item["metadata"] == [] and WIRE_DATE.match(item["date_added"])
    assert_error(
        od.post("/inventory-items", json={"name": "Again", "code": "3wolf-11"}), 409, "3wolf-11"
    )
    assert (
        other_od.post("/inventory-items", json={"name": "Theirs", "code": "3wolf-11"}).status_code
        == 200
    )
    assert_error(od.post("/inventory-items", json={"code": "no-name"}), 400, "name")
    assert_error(
        od.post("/inventory-items", json={"name": "x", "code": "y", "stock": "lots"}), 400, "stock"
    )

    path = f"/inventory-items/{item['id']}"
    got = od.get(path).json()
    assert got["records_returned"] == 1 and got["inventory_item"] == item
    replaced = od.put(path, json={"name": "Wolf", "code": "3wolf-11", "stock": 5}).json()
    assert replaced["message"] == "Inventory Item Updated"
    assert replaced["inventory_item"]["price"] == 0 and replaced["inventory_item"]["stock"] == 5
    assert_error(other_od.get(path), 404)
    assert od.delete(path).json()["message"] == f"Inventory Item {item['id']} Deleted"
    assert_error(od.get(path), 404)


def test_inventory_list_filters(od: OrderDesk) -> None:
    for code, name in (("A-1", "Alpha shirt"), ("B-2", "Beta mug"), ("C-3", "Gamma shirt")):
        od.post("/inventory-items", json={"name": name, "code": code})
    everything = od.get("/inventory-items").json()
    assert everything["total_records"] == "3" and everything["records_returned"] == 3
    codes = od.get("/inventory-items", params={"code": "A-1,C-3"}).json()
    assert [i["code"] for i in codes["inventory_items"]] == ["A-1", "C-3"]
    found = od.get("/inventory-items", params={"search": "SHIRT"}).json()
    assert [i["code"] for i in found["inventory_items"]] == ["A-1", "C-3"]
    page = od.get("/inventory-items", params={"limit": 1, "offset": 1}).json()
    assert [i["code"] for i in page["inventory_items"]] == ["B-2"]


def test_batch_inventory(od: OrderDesk) -> None:
    first = od.post("/inventory-items", json={"name": "One", "code": "ONE", "stock": 1}).json()
    item_id = first["inventory_item"]["id"]
    body = od.put(
        "/batch-inventory-items",
        json=[
            {"id": item_id, "name": "One", "code": "ONE", "stock": 7},
            {"name": "Two", "code": "TWO", "stock": 2},
            {"name": "Bad", "code": "BAD", "stock": -1.5},
            {"name": "Two again", "code": "TWO", "stock": 3},
        ],
    ).json()
    assert [r["status"] for r in body["results"]] == ["success", "success", "error", "success"]
    assert body["results"][3]["message"] == "Inventory Item Updated"
    stock = {i["code"]: i["stock"] for i in od.get("/inventory-items").json()["inventory_items"]}
    assert stock == {"ONE": 7, "TWO": 3}


def test_stock_follows_orders_when_switched_on(client: Any, make_store: Any) -> None:
    od = OrderDesk(client, make_store(settings={"auto_update_stock_count": True}))
    item = od.post("/inventory-items", json={"name": "Tee", "code": "TS-1", "stock": 10}).json()[
        "inventory_item"
    ]

    def stock() -> int:
        return int(od.get(f"/inventory-items/{item['id']}").json()["inventory_item"]["stock"])

    order = od.create_order()  # 2 x TS-1, MUG-1 has no inventory item
    assert stock() == 8
    shirt = order["order_items"][0]
    od.put(f"/orders/{order['id']}/order-items/{shirt['id']}", json={"quantity": 5})
    assert stock() == 5
    od.post(
        f"/orders/{order['id']}/order-items", json={"name": "Tee", "code": "TS-1", "quantity": 1}
    )
    assert stock() == 4
    od.put(
        f"/orders/{order['id']}",
        json={
            "shipping": {"company": "X"},
            "order_items": [{"id": shirt["id"], "code": "TS-1", "quantity": 1}],
        },
    )
    assert stock() == 9
    od.delete(f"/orders/{order['id']}")
    assert stock() == 10


def test_stock_untouched_when_off_and_refused_below_zero(
    client: Any, make_store: Any, od: OrderDesk
) -> None:
    od.post("/inventory-items", json={"name": "Tee", "code": "TS-1", "stock": 1})
    od.create_order()
    assert od.get("/inventory-items").json()["inventory_items"][0]["stock"] == 1
    strict = OrderDesk(
        client, make_store(settings={"auto_update_stock_count": True, "negative_stock": "reject"})
    )
    strict.post("/inventory-items", json={"name": "Tee", "code": "TS-1", "stock": 1})
    assert_error(
        strict.post("/orders", json=sample_order()),
        409,
        "insufficient stock for code TS-1 (have 1, need 2)",
    )
    assert strict.get("/orders").json()["total_records"] == 0
    assert strict.get("/inventory-items").json()["inventory_items"][0]["stock"] == 1


# --- moves and folders -------------------------------------------------------------------


def test_move_orders(od: OrderDesk, other_od: OrderDesk) -> None:
    a, b = od.create_order(), od.create_order()
    foreign = other_od.create_order()
    folders = {name: int(fid) for fid, name in od.get("/store").json()["store"]["folders"].items()}
    body = od.post(
        "/move-orders",
        json={
            "order_id_list": [int(a["id"]), b["id"], 424242, int(foreign["id"])],
            "destination_folder_name": "Printing",
        },
    ).json()
    assert body["message"] == "2 Orders Moved"
    assert body["results"][0] == {
        "order_id": int(a["id"]), "message": "Order Moved to Printing Folder",
        "original_folder_id": folders["Received"],
    }  # fmt: skip
    assert body["results"][2]["status"] == "error" and "424242" in body["results"][2]["message"]
    assert body["results"][3]["status"] == "error"
    moved = od.get(f"/orders/{a['id']}").json()["order"]
    assert moved["folder_id"] == folders["Printing"]
    assert moved["order_history"][-1]["note"] == "Moved from Received to Printing"
    assert (
        other_od.get(f"/orders/{foreign['id']}").json()["order"]["folder_id"] != folders["Printing"]
    )
    by_id = od.post(
        "/move-orders",
        json={"order_id_list": [a["id"]], "destination_folder_id": folders["Shipped"]},
    )
    assert by_id.json()["results"][0]["original_folder_id"] == folders["Printing"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"order_id_list": [1]}, "exactly one"),
        (
            {"order_id_list": [1], "destination_folder_id": 1, "destination_folder_name": "Paid"},
            "exactly one",
        ),
        ({"order_id_list": [1], "destination_folder_name": "Nowhere"}, "destination_folder_name"),
        ({"order_id_list": [1], "destination_folder_id": 987654}, "destination_folder_id"),
        ({"order_id_list": [], "destination_folder_name": "Paid"}, "order_id_list"),
        ({"order_id_list": ["x"], "destination_folder_name": "Paid"}, "order_id_list"),
    ],
)
def test_bad_moves(od: OrderDesk, body: dict[str, Any], fragment: str) -> None:
    assert_error(od.post("/move-orders", json=body), 400, fragment)


def test_folder_extension(od: OrderDesk, other_od: OrderDesk) -> None:
    created = od.post("/folders", json={"name": "Rush"}).json()
    assert created["folder"]["name"] == "Rush" and created["folder"]["pod_status"] is None
    fid = created["folder"]["id"]
    assert_error(od.post("/folders", json={"name": "Rush"}), 409)
    assert_error(od.post("/folders", json={"name": "X", "pod_status": "printing"}), 409, "Printing")
    assert_error(od.post("/folders", json={"name": "Y", "pod_status": "flying"}), 400, "pod_status")
    assert od.put(f"/folders/{fid}", json={"name": "Express"}).json()["folder"]["name"] == "Express"
    assert "Express" in od.get("/store").json()["store"]["folders"].values()
    order = od.create_order()
    od.post("/move-orders", json={"order_id_list": [order["id"]], "destination_folder_id": fid})
    listed = {f["name"]: f["order_count"] for f in od.get("/folders").json()["folders"]}
    assert listed["Express"] == 1 and listed["Received"] == 0
    assert_error(od.delete(f"/folders/{fid}"), 409, "still holds 1 orders")
    assert_error(other_od.delete(f"/folders/{fid}"), 404)
    assert_error(other_od.put(f"/folders/{fid}", json={"name": "Mine"}), 404)
    od.delete(f"/orders/{order['id']}")
    assert od.delete(f"/folders/{fid}").json()["message"] == f"Folder {fid} Deleted"
