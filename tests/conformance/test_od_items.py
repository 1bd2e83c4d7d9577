"""Order items (spec §5): every change recomputes the order's totals."""

from __future__ import annotations

from tests.conformance.test_od_orders import assert_error
from tests.helpers import OrderDesk


def test_item_endpoints(od: OrderDesk) -> None:
    order = od.create_order(shipping_total=0, handling_total=0, tax_total=0)
    base = f"/orders/{order['id']}/order-items"

    listed = od.get(base).json()
    assert listed["total_records"] == 2 and len(listed["order_items"]) == 2

    added = od.post(base, json={"name": "Sticker", "price": "1.5", "quantity": 4, "code": "ST"})
    body = added.json()
    assert body["status"] == "success" and body["message"] == "Order Item Added"
    item = body["order_item"]
    assert item["id"].isdigit() and item["price"] == 1.5 and item["quantity"] == 4
    assert od.get(f"/orders/{order['id']}").json()["order"]["product_total"] == 53.23

    one = od.get(f"{base}/{item['id']}").json()
    assert one["order_item"] == item

    updated = od.put(f"{base}/{item['id']}", json={"quantity": 10}).json()
    assert updated["message"] == "Order Item Updated"
    assert updated["order_item"]["quantity"] == 10 and updated["order_item"]["name"] == "Sticker"
    totals = od.get(f"/orders/{order['id']}").json()["order"]
    assert totals["product_total"] == 62.23 and totals["quantity_total"] == 13

    deleted = od.delete(f"{base}/{item['id']}").json()
    assert deleted["message"] == f"Order Item {item['id']} Deleted"
    after = od.get(f"/orders/{order['id']}").json()["order"]
    assert after["product_total"] == 47.23 and after["quantity_total"] == 3
    notes = [h["note"] for h in after["order_history"]]
    assert notes[1:] == [
        f"Item {item['id']} added",
        f"Item {item['id']} updated",
        f"Item {item['id']} removed",
    ]
    assert_error(od.get(f"{base}/{item['id']}"), 404)


def test_bad_item_input_changes_nothing(od: OrderDesk) -> None:
    order = od.create_order()
    base = f"/orders/{order['id']}/order-items"
    item_id = order["order_items"][0]["id"]
    assert_error(od.post(base, json={"name": "x", "quantity": -1}), 400, "quantity")
    assert_error(od.post(base, content=b"{nope"), 400, "malformed JSON")
    assert_error(od.put(f"{base}/{item_id}", json={"price": "abc"}), 400, "price")
    assert_error(od.put(f"{base}/{item_id}", json={"quantity": 0}), 400, "quantity")
    assert od.get(f"/orders/{order['id']}").json()["order"]["order_items"] == order["order_items"]


def test_items_of_another_order_or_store_are_not_found(od: OrderDesk, other_od: OrderDesk) -> None:
    a, b = od.create_order(), od.create_order()
    b_item = b["order_items"][0]["id"]
    assert_error(od.get(f"/orders/{a['id']}/order-items/{b_item}"), 404)
    assert_error(od.put(f"/orders/{a['id']}/order-items/{b_item}", json={"quantity": 2}), 404)
    assert_error(od.delete(f"/orders/{a['id']}/order-items/{b_item}"), 404)
    path = f"/orders/{a['id']}/order-items"
    assert_error(other_od.get(path), 404)
    assert_error(other_od.post(path, json={"name": "x"}), 404)
    assert len(od.get(path).json()["order_items"]) == 2
