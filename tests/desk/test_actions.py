"""Desk actions go through the service layer: the same history, stock, folder rules and
outbound notifications as the APIs. Both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.notification_tables import notifications
from tests.desk.helpers import DeskUser, desk_client, hidden_value, make_user, sign_in
from tests.helpers import OrderDesk


@pytest.fixture
def staff(database: Database, store: stores.NewStore) -> DeskUser:
    return make_user(database, store, "staff")


@pytest.fixture
def signed_in(desk_app: Any, staff: DeskUser) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, staff)


def _events(database: Database, order_id: int) -> list[str]:
    with database.read() as conn:
        rows = conn.execute(
            select(notifications.c.event)
            .where(notifications.c.order_id == order_id)
            .order_by(notifications.c.id)
        )
        return [row.event for row in rows]


def _folder_named(database: Database, store_id: int, name: str) -> int:
    with database.read() as conn:
        folder = stores.find_folder(conn, store_id, name=name)
    assert folder is not None
    return folder.id


def test_a_desk_move_is_recorded_and_announced_like_an_api_move(
    signed_in: tuple[TestClient, str], od: OrderDesk, staff: DeskUser, database: Database
) -> None:
    client, csrf = signed_in
    with database.write() as conn:
        stores.update_settings(
            conn, od.store.store.id, {"pod_notification_url": "https://shop.test/hook"}
        )
    order_id = int(od.create_order()["id"])
    printing = _folder_named(database, od.store.store.id, "Printing")
    before = _events(database, order_id)
    response = client.post(
        f"/desk/orders/{order_id}/move", data={"folder_id": str(printing), "csrf_token": csrf}
    )
    assert "Order Moved to Printing Folder" in response.text
    order = od.get(f"/orders/{order_id}").json()["order"]
    assert int(order["folder_id"]) == printing
    moves = [h for h in order["order_history"] if h["note"] == "Moved from Received to Printing"]
    assert [h["source_name"] for h in moves] == [f"Desk ({staff.email})"]
    assert _events(database, order_id) == [*before, "updated"]


def test_cancelling_an_unpaid_order_moves_it_to_canceled(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database
) -> None:
    client, csrf = signed_in
    order_id = int(od.create_order()["id"])
    response = client.post(
        f"/desk/orders/{order_id}/cancel", data={"confirm": "yes", "csrf_token": csrf}
    )
    assert "Order cancelled" in response.text
    order = od.get(f"/orders/{order_id}").json()["order"]
    assert int(order["folder_id"]) == _folder_named(database, od.store.store.id, "Canceled")


def test_a_paid_order_cannot_be_cancelled_from_the_desk_either(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database
) -> None:
    client, csrf = signed_in
    order_id = int(
        od.create_order(folder_id=_folder_named(database, od.store.store.id, "Paid"))["id"]
    )
    response = client.post(
        f"/desk/orders/{order_id}/cancel", data={"confirm": "yes", "csrf_token": csrf}
    )
    assert response.status_code == 400
    assert "only unpaid (received) orders can be" in response.text
    order = od.get(f"/orders/{order_id}").json()["order"]
    assert int(order["folder_id"]) == _folder_named(database, od.store.store.id, "Paid")


def test_editing_the_address_leaves_items_and_stock_alone(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database
) -> None:
    client, csrf = signed_in
    with database.write() as conn:
        stores.update_settings(conn, od.store.store.id, {"auto_update_stock_count": True})
    od.post("/inventory-items", json={"name": "Tee", "code": "TEE", "stock": 10})
    order = od.create_order(order_items=[{"name": "Tee", "code": "TEE", "quantity": 3}])
    assert od.get("/inventory-items?code=TEE").json()["inventory_items"][0]["stock"] == 7
    address = {f"shipping_{k}": v for k, v in order["shipping"].items()}
    address["shipping_city"] = "Shelbyville"
    address["revision"] = hidden_value(client.get(f"/desk/orders/{order['id']}").text, "revision")
    response = client.post(
        f"/desk/orders/{order['id']}/address", data={**address, "csrf_token": csrf}
    )
    assert "Shipping address saved" in response.text
    after = od.get(f"/orders/{order['id']}").json()["order"]
    assert after["shipping"]["city"] == "Shelbyville"
    assert [(i["code"], i["quantity"]) for i in after["order_items"]] == [("TEE", 3)]
    assert od.get("/inventory-items?code=TEE").json()["inventory_items"][0]["stock"] == 7
