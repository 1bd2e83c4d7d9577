"""POST /orders/{id}/split (an orderhub extension): what `orderhub orders split` does, over
the API; a refused split writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.domain.channel import Channel
from orderhub.services import orders as order_service
from orderhub.storage.database import Database
from tests.conformance.test_od_orders import TIMING, assert_error, count
from tests.helpers import OrderDesk


def _split(od: OrderDesk, order_id: Any, body: Any) -> Any:
    return od.post(f"/orders/{order_id}/split", json=body)


def _read(od: OrderDesk, order_id: Any) -> dict[str, Any]:
    response = od.get(f"/orders/{order_id}")
    assert response.status_code == 200, response.text
    return response.json()["order"]


def _items(order: dict[str, Any]) -> dict[str, int]:
    return {item["code"]: item["quantity"] for item in order["order_items"]}


def test_split_by_code_moves_part_of_a_line(od: OrderDesk) -> None:
    order = od.create_order()
    response = _split(od, order["id"], {"items": [{"code": "TS-1", "quantity": 1}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["status", "message", "execution_time", "original_order", "new_order"]
    assert body["status"] == "success" and body["message"] == "Order Split"
    assert TIMING.match(body["execution_time"])
    original, new = body["original_order"], body["new_order"]
    assert original == _read(od, order["id"]) and new == _read(od, new["id"])
    assert _items(original) == {"TS-1": 1, "MUG-1": 1} and _items(new) == {"TS-1": 1}
    assert new["source_id"] == f"{order['source_id']}-2"
    assert new["folder_id"] == order["folder_id"] == original["folder_id"]
    assert any("Split" in entry["note"] for entry in original["order_history"])
    assert any("Split from order" in entry["note"] for entry in new["order_history"])
    assert count(od) == 2


def test_split_by_id_moves_the_whole_line(od: OrderDesk) -> None:
    order = od.create_order()
    mug = next(i for i in order["order_items"] if i["code"] == "MUG-1")
    body = _split(od, order["id"], {"items": [{"id": int(mug["id"])}]}).json()
    assert body["status"] == "success", body
    assert _items(body["original_order"]) == {"TS-1": 2}
    assert _items(body["new_order"]) == {"MUG-1": 1}
    total = body["original_order"]["order_total"] + body["new_order"]["order_total"]
    assert round(total, 2) == order["order_total"]


def test_split_into_a_folder(od: OrderDesk) -> None:
    folder = od.post("/folders", json={"name": "Rush"}).json()["folder"]
    order = od.create_order()
    body = {"items": [{"code": "TS-1", "quantity": 2}], "folder_name": "Rush"}
    answer = _split(od, order["id"], body).json()
    assert answer["new_order"]["folder_id"] == folder["id"]
    assert answer["original_order"]["folder_id"] == order["folder_id"]
    assert _items(answer["original_order"]) == {"MUG-1": 1}


def _refused(od: OrderDesk, order_id: Any, body: Any, status: int, *fragments: str) -> None:
    """Refused with `status`, and nothing written: the order reads back as it was."""
    before, orders = _read(od, order_id), count(od)
    assert_error(_split(od, order_id, body), status, *fragments)
    assert _read(od, order_id) == before and count(od) == orders


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [{"code": "TS-1"}], "colour": "red"}, "colour"),
        ({"items": [{"code": "TS-1", "size": "L"}]}, "items[0].size"),
        ({"items": [{"code": "TS-1", "id": 1}]}, "items[0]: give exactly one of code and id"),
        ({"items": [{"quantity": 1}]}, "items[0]: give exactly one of code and id"),
        ({"items": [{"code": "TS-1", "quantity": 0}]}, "items[0].quantity"),
        ({"items": [{"code": "TS-1", "quantity": -1}]}, "items[0].quantity"),
        ({"items": [{"code": "TS-1", "quantity": "2x"}]}, "items[0].quantity"),
        ({"items": [{"code": ""}]}, "items[0].code"),
        ({"items": [{"id": 0}]}, "items[0].id"),
        ({"items": [{"code": "TS-1", "quantity": 3}]}, "items: item 'TS-1': only 2 can move"),
        ({"items": [{"id": 9_999_999}]}, "items: item 9999999 is not on this order"),
        ({"items": [{"code": "NOPE"}]}, "items: no item on this order has code 'NOPE'"),
        ({"items": []}, "items"),
        ({}, "items: is required"),
        ({"items": [{"code": "TS-1"}, {"code": "MUG-1"}]}, "items: every item would move"),
        ({"items": [{"code": "TS-1"}], "folder_name": "Nowhere"}, "folder_name"),
        ({"items": [{"code": "TS-1"}], "folder_name": ""}, "folder_name"),
        ([{"code": "TS-1"}], "request body"),
    ],
)
def test_bad_bodies_are_refused_and_write_nothing(od: OrderDesk, body: Any, field: str) -> None:
    order = od.create_order()
    _refused(od, order["id"], body, 400, field)


def test_an_item_of_another_order_is_not_on_this_one(od: OrderDesk) -> None:
    order, other = od.create_order(), od.create_order()
    elsewhere = int(other["order_items"][0]["id"])
    _refused(od, order["id"], {"items": [{"id": elsewhere}]}, 400, "items", "not on this order")


def test_a_cancelled_order_is_not_split(od: OrderDesk, database: Database) -> None:
    order = od.create_order()
    order_service.cancel_order(database, od.store.store, int(order["id"]), channel=Channel.cli())
    _refused(od, order["id"], {"items": [{"code": "TS-1"}]}, 400, "cancelled")


def test_another_stores_order_is_not_found(od: OrderDesk, other_od: OrderDesk) -> None:
    order = od.create_order()
    body = {"items": [{"code": "TS-1", "quantity": 1}]}
    before = _read(od, order["id"])
    assert_error(_split(other_od, order["id"], body), 404, f"Order {order['id']} not found")
    assert _read(od, order["id"]) == before and count(od) == 1 and count(other_od) == 0
    for unknown in ("99999999", "abc", "0"):
        assert_error(_split(od, unknown, body), 404, "not found")
