"""Splitting an order in the desk (both databases): staff may split, the errors stand
beside their field and nothing is written, the form needs its CSRF token, and another
store's order is not found."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.helpers import DeskUser, desk_client, make_user, sign_in
from tests.helpers import OrderDesk

ITEMS = [
    {"name": "Tee", "code": "TEE", "price": 20, "quantity": 5},
    {"name": "Mug", "code": "MUG", "price": 10, "quantity": 1},
]


@pytest.fixture
def staff(database: Database, store: stores.NewStore) -> DeskUser:
    return make_user(database, store, "staff")


@pytest.fixture
def signed_in(desk_app: Any, staff: DeskUser) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, staff)


def _ids(order: dict[str, Any]) -> dict[str, str]:
    return {i["code"]: str(i["id"]) for i in order["order_items"]}


def test_staff_split_three_of_five_tees_into_another_folder(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database, staff: DeskUser
) -> None:
    client, csrf = signed_in
    order = od.create_order(order_items=ITEMS)
    ids = _ids(order)
    with database.read() as conn:
        printing = stores.find_folder(conn, od.store.store.id, name="Printing")
    assert printing is not None
    page = client.get(f"/desk/orders/{order['id']}")
    assert "Split into a new order" in page.text and f'name="split_{ids["TEE"]}"' in page.text
    response = client.post(
        f"/desk/orders/{order['id']}/split",
        data={f"split_{ids['TEE']}": "3", "split_folder": str(printing.id), "csrf_token": csrf},
    )
    assert response.status_code == 200 and "Split: the chosen items are now order" in response.text
    kept = od.get(f"/orders/{order['id']}").json()["order"]
    assert {i["code"]: i["quantity"] for i in kept["order_items"]} == {"TEE": 2, "MUG": 1}
    new_id = next(
        h["note"].split("moved to order ")[1].split()[0]
        for h in kept["order_history"]
        if "moved to order" in h["note"]
    )
    new = od.get(f"/orders/{new_id}").json()["order"]
    assert {i["code"]: i["quantity"] for i in new["order_items"]} == {"TEE": 3}
    assert int(new["folder_id"]) == printing.id and new["source_id"] == f"{order['source_id']}-2"
    assert new["order_history"][-1]["source_name"] == f"Desk ({staff.email})"


BAD = [
    ({"split_TEE": "6"}, "split_TEE", "Only 5 not shipped yet"),
    ({"split_TEE": "-1"}, "split_TEE", "whole number from 1"),
    ({"split_TEE": "x"}, "split_TEE", "whole number from 1"),
    ({}, "_split", "Enter a quantity to move"),
    ({"split_TEE": "5", "split_MUG": "1"}, "_split", "every item would move"),
    ({"split_TEE": "1", "split_folder": "999999999"}, "split_folder", "Choose one of"),
]


def test_bad_input_stands_beside_the_field_and_writes_nothing(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, csrf = signed_in
    order = od.create_order(order_items=ITEMS)
    ids = _ids(order)
    before = od.get(f"/orders/{order['id']}").json()["order"]
    for data, field, message in BAD:
        form = {k.replace("TEE", ids["TEE"]).replace("MUG", ids["MUG"]): v for k, v in data.items()}
        response = client.post(
            f"/desk/orders/{order['id']}/split", data={**form, "csrf_token": csrf}
        )
        assert response.status_code == 400, data
        assert message in response.text, data
        name = field.replace("TEE", ids["TEE"])
        if not name.startswith("_"):
            assert f'id="err-{name}"' in response.text  # beside its input
        assert "<details open>" in response.text
        assert od.get(f"/orders/{order['id']}").json()["order"] == before


def test_split_needs_the_csrf_token_and_stays_in_its_store(
    desk_app: Any, od: OrderDesk, other_od: OrderDesk, database: Database,
    signed_in: tuple[TestClient, str],
) -> None:  # fmt: skip
    client, csrf = signed_in
    order = od.create_order(order_items=ITEMS)
    ids = _ids(order)
    before = od.get(f"/orders/{order['id']}").json()["order"]
    refused = client.post(f"/desk/orders/{order['id']}/split", data={f"split_{ids['TEE']}": "1"})
    assert refused.status_code == 403
    theirs = other_od.create_order(order_items=ITEMS)
    other = client.post(
        f"/desk/orders/{theirs['id']}/split",
        data={f"split_{_ids(theirs)['TEE']}": "1", "csrf_token": csrf},
    )
    assert other.status_code == 404
    assert od.get(f"/orders/{order['id']}").json()["order"] == before
    assert len(other_od.get("/orders").json()["orders"]) == 1
