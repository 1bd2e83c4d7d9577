"""Every desk form refuses bad input with a message beside the field and writes nothing;
good input does what it says. Both databases."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.domain.limits import MAX_STOCK
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.helpers import desk_client, hidden_value, make_user, sign_in
from tests.helpers import OrderDesk


@pytest.fixture
def signed_in(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, make_user(database, store, "owner"))


def _snapshot(od: OrderDesk, order_id: int) -> dict[str, Any]:
    order = od.get(f"/orders/{order_id}").json()["order"]
    order.pop("date_updated", None)
    return order


def _error_beside(html: str, field: str, text: str) -> None:
    marker = f'id="err-{field}">'
    assert marker in html, f"no message beside {field}"
    assert text in html.split(marker, 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    "action, data, field, message",
    [
        ("notes", {"note": ""}, "note", "Note is required"),
        ("notes", {"note": "x" * 2001}, "note", "at most 2000 characters"),
        ("shipments", {"tracking_number": "", "what": "all"}, "tracking_number",
         "Tracking number is required"),
        ("shipments", {"tracking_number": "T" * 101, "what": "all"}, "tracking_number",
         "at most 100 characters"),
        ("address", {"shipping_first_name": "", "shipping_last_name": "", "shipping_company": ""},
         "shipping_last_name", "first and last name, or a company"),
        ("address", {"shipping_first_name": "J", "shipping_last_name": "D", "shipping_city": "c" * 256},
         "shipping_city", "at most 255 characters"),
        ("cancel", {}, "confirm", "Tick the box"),
        ("move", {"folder_id": "abc"}, "folder_id", "whole number"),
    ],
)  # fmt: skip
def test_bad_input_on_the_order_page_is_shown_beside_the_field_and_nothing_changes(
    signed_in: tuple[TestClient, str], od: OrderDesk, action: str, data: dict[str, str],
    field: str, message: str,
) -> None:  # fmt: skip
    client, csrf = signed_in
    order_id = od.create_order()["id"]
    before = _snapshot(od, order_id)
    response = client.post(f"/desk/orders/{order_id}/{action}", data={**data, "csrf_token": csrf})
    assert response.status_code == 400
    _error_beside(response.text, field, message)
    assert _snapshot(od, order_id) == before


def _item_ids(od: OrderDesk, order_id: int) -> list[int]:
    return [item["id"] for item in od.get(f"/orders/{order_id}").json()["order"]["order_items"]]


@pytest.mark.parametrize(
    "quantities, where, message",
    [
        ({}, "_shipment", "Enter a quantity for at least one item"),
        ({0: "many"}, "qty_{0}", "whole number from 0"),
        ({0: "3"}, "qty_{0}", "Only 2 left to ship"),
    ],
)
def test_a_partial_shipment_needs_sensible_quantities(
    signed_in: tuple[TestClient, str], od: OrderDesk, quantities: dict[int, str], where: str,
    message: str,
) -> None:  # fmt: skip
    client, csrf = signed_in
    order_id = od.create_order()["id"]
    ids = _item_ids(od, order_id)
    data = {"tracking_number": "1Z999AA10123456784", "what": "items", "csrf_token": csrf}
    data |= {f"qty_{ids[i]}": qty for i, qty in quantities.items()}
    response = client.post(f"/desk/orders/{order_id}/shipments", data=data)
    assert response.status_code == 400
    if where == "_shipment":
        assert message in response.text
    else:
        _error_beside(response.text, where.format(ids[0]), message)
    assert od.get(f"/orders/{order_id}").json()["order"]["order_shipments"] == []


def test_more_than_is_left_to_ship_is_refused(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, csrf = signed_in
    order_id = od.create_order()["id"]
    first = _item_ids(od, order_id)[0]
    ship = {"tracking_number": "AB1", "what": "items", f"qty_{first}": "2", "csrf_token": csrf}
    assert (
        client.post(f"/desk/orders/{order_id}/shipments", data=ship, follow_redirects=False)
    ).status_code == 303
    again = {**ship, "tracking_number": "AB2", f"qty_{first}": "1"}
    response = client.post(f"/desk/orders/{order_id}/shipments", data=again)
    assert response.status_code == 400
    _error_beside(response.text, f"qty_{first}", "Only 0 left to ship")
    assert len(od.get(f"/orders/{order_id}").json()["order"]["order_shipments"]) == 1


def test_moving_nothing_says_so(signed_in: tuple[TestClient, str], od: OrderDesk) -> None:
    client, csrf = signed_in
    response = client.post(
        "/desk/orders/move", data={"folder_id": "1", "csrf_token": csrf, "back": "/desk/inventory"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Select at least one order" in response.text


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"stock": "lots", "price": "1.00"}, "stock", "whole number"),
        ({"stock": "", "price": "1.00"}, "stock", "Stock is required"),
        ({"stock": "3", "price": "-1"}, "price", "amount such as 12.50"),
        ({"stock": "3", "price": "NaN"}, "price", "amount such as 12.50"),
    ],
)
def test_bad_stock_or_price_is_refused(
    signed_in: tuple[TestClient, str], od: OrderDesk, data: dict[str, str], field: str,
    message: str,
) -> None:  # fmt: skip
    client, csrf = signed_in
    item = od.post("/inventory-items", json={"name": "Cap", "code": "CAP", "stock": 5, "price": 3})
    item_id = item.json()["inventory_item"]["id"]
    response = client.post(f"/desk/inventory/{item_id}", data={**data, "csrf_token": csrf})
    assert response.status_code == 400
    _error_beside(response.text, field, message)
    stored = od.get(f"/inventory-items/{item_id}").json()["inventory_item"]
    assert (stored["stock"], stored["price"]) == (5, 3)


def test_stock_and_price_are_saved(signed_in: tuple[TestClient, str], od: OrderDesk) -> None:
    client, csrf = signed_in
    item = od.post("/inventory-items", json={"name": "Cap", "code": "CAP", "stock": 5, "price": 3})
    item_id = item.json()["inventory_item"]["id"]
    version = hidden_value(client.get(f"/desk/inventory/{item_id}").text, "version")
    response = client.post(
        f"/desk/inventory/{item_id}",
        data={"stock": "-2", "price": "4.5", "version": version, "csrf_token": csrf},
        follow_redirects=True,
    )  # fmt: skip
    assert "Stock and price saved" in response.text
    stored = od.get(f"/inventory-items/{item_id}").json()["inventory_item"]
    assert (stored["stock"], stored["price"]) == (-2, 4.5)


@pytest.mark.parametrize("stock", [MAX_STOCK, -MAX_STOCK, MAX_STOCK + 1, -MAX_STOCK - 1])
def test_the_desk_takes_the_stock_range_the_api_takes(
    signed_in: tuple[TestClient, str], od: OrderDesk, stock: int
) -> None:
    """One limit (`domain/limits.py` MAX_STOCK) for both doors: a stock the API accepts the
    desk saves, and one the API refuses the desk refuses beside the field."""
    client, csrf = signed_in
    body = {"name": "Cap", "code": "CAP", "stock": 5, "price": 3}
    item_id = od.post("/inventory-items", json=body).json()["inventory_item"]["id"]
    api = od.put(f"/inventory-items/{item_id}", json={**body, "stock": stock})
    version = hidden_value(client.get(f"/desk/inventory/{item_id}").text, "version")
    desk = client.post(
        f"/desk/inventory/{item_id}",
        data={"stock": str(stock), "price": "3", "version": version, "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    within = abs(stock) <= MAX_STOCK
    assert (api.status_code == 200, desk.status_code == 303) == (within, within)
    if not within:
        assert api.status_code == 400 and desk.status_code == 400
        _error_beside(desk.text, "stock", "Stock")
    stored = od.get(f"/inventory-items/{item_id}").json()["inventory_item"]
    assert stored["stock"] == (stock if within else 5)


def _settings_form(**changes: str) -> dict[str, str]:
    return {"auto_update_stock_count": "", "negative_stock": "", **changes}


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("negative_stock", "sometimes", "must be one of allow, reject"),
        ("rate_limit_capacity", "-5", "whole number from 0"),
        ("pod_notification_url", "ftp://x", "http:// or https://"),
        # a URL the server would post to is checked by the outbound guards when it is set
        ("pod_notification_url", "http://127.0.0.1:8080/hook", "loopback"),
        ("pod_notification_url", "http://169.254.169.254/latest/meta-data/", "link-local"),
        ("pod_notification_url", "http://[2002:a9fe:a9fe::1]/", "6to4 form of 169.254.169.254"),
        ("auto_update_stock_count", "maybe", "must be on or off"),
    ],
)
def test_a_bad_setting_is_refused_beside_its_field(
    signed_in: tuple[TestClient, str], od: OrderDesk, name: str, value: str, message: str
) -> None:
    client, csrf = signed_in
    before = od.get("/store").json()
    response = client.post(
        "/desk/settings", data={**_settings_form(negative_stock="reject"), name: value,
                                "csrf_token": csrf},
    )  # fmt: skip
    assert response.status_code == 400
    _error_beside(response.text, name, message)
    assert od.get("/store").json()["store"] == before["store"]


def test_settings_are_saved_through_their_parsers(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database
) -> None:
    client, csrf = signed_in
    response = client.post(
        "/desk/settings",
        data={"negative_stock": "reject", "auto_update_stock_count": "on",
              "pod_shipping_methods": "courier, tracked", "csrf_token": csrf},
        follow_redirects=True,
    )  # fmt: skip
    assert "Settings saved" in response.text
    with database.read() as conn:
        saved = stores.get_store(conn, od.store.store.id).settings
    assert saved["negative_stock"] == "reject"
    assert saved["auto_update_stock_count"] is True
    assert saved["pod_shipping_methods"] == ["courier", "tracked"]
    page = client.get("/desk/settings").text
    assert 'value="courier, tracked"' in page


def test_rotating_the_key_needs_the_confirmation(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, csrf = signed_in
    response = client.post("/desk/settings/api-key", data={"csrf_token": csrf})
    assert response.status_code == 400
    _error_beside(response.text, "confirm", "Tick the box")
    assert od.get("/test").status_code == 200


def test_the_pod_secret_is_shown_only_on_request(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, csrf = signed_in
    assert od.store.pod_secret not in client.get("/desk/settings").text
    shown = client.post("/desk/settings/pod-credentials", data={"csrf_token": csrf})
    assert od.store.pod_secret in shown.text
    assert shown.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "email, role, field, message",
    [
        ("not-an-email", "staff", "user_email", "is not an email address"),
        ("ok@shop.test", "boss", "user_role", "must be owner or staff"),
        ("{me}", "staff", "user_email", "You cannot change your own role"),
    ],
)
def test_adding_a_user_checks_email_and_role(
    signed_in: tuple[TestClient, str], od: OrderDesk, email: str, role: str, field: str,
    message: str,
) -> None:  # fmt: skip
    client, csrf = signed_in
    me = re.search(r'<span class="who">(\S+) ', client.get("/desk/settings").text)
    assert me
    email = email.format(me=me.group(1))
    response = client.post(
        "/desk/settings/users", data={"email": email, "role": role, "csrf_token": csrf}
    )
    assert response.status_code == 400
    _error_beside(response.text, field, message)
    assert "ok@shop.test" not in client.get("/desk/settings").text


def test_an_owner_invites_then_removes_a_user(
    signed_in: tuple[TestClient, str], desk_app: Any, od: OrderDesk, database: Database
) -> None:
    client, csrf = signed_in
    email = f"new{od.store.store.id}@shop.test"
    newcomer_user = make_user(database, make_store_for(database), "staff", email=email)
    response = client.post(
        "/desk/settings/users", data={"email": email, "role": "staff", "csrf_token": csrf}
    )
    assert "Invited " + email in response.text
    newcomer = desk_client(desk_app)
    sign_in(newcomer, newcomer_user)
    page = newcomer.get("/desk/invitations").text
    invitation = re.search(r"/desk/invitations/(\d+)/accept", page)
    assert invitation, page
    newcsrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert newcsrf
    accepted = newcomer.post(
        f"/desk/invitations/{invitation.group(1)}/accept", data={"csrf_token": newcsrf.group(1)}
    )
    assert f"You now work in {od.store.store.name} as staff" in accepted.text
    assert newcomer.get("/desk/inventory").status_code == 200
    page = client.get("/desk/settings").text
    user_id = page.split(email, 1)[1].split("/desk/settings/users/", 1)[1].split("/", 1)[0]
    removed = client.post(
        f"/desk/settings/users/{user_id}/remove", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "User removed from the store" in removed.text
    assert newcomer.get("/desk/inventory", follow_redirects=False).status_code == 303


def make_store_for(database: Database) -> stores.NewStore:
    with database.write() as conn:
        return stores.create_store(conn, "Elsewhere")


@pytest.mark.parametrize(
    "params, field, message",
    [
        ("from=yesterday", "from", "Use a date such as"),
        ("to=2026-13-40", "to", "Use a date such as"),
        ("sort=cheapest", "sort", "Choose a sort"),
        ("q=" + "x" * 201, "q", "at most 200 characters"),
    ],
)
def test_bad_list_filters_are_shown_beside_the_field(
    signed_in: tuple[TestClient, str], od: OrderDesk, params: str, field: str, message: str
) -> None:
    client, _ = signed_in
    folder = od.create_order()["folder_id"]
    response = client.get(f"/desk/folders/{folder}?{params}")
    assert response.status_code == 400
    _error_beside(response.text, field, message)


def test_a_stale_cursor_falls_back_to_the_first_page(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, _ = signed_in
    folder = od.create_order()["folder_id"]
    response = client.get(f"/desk/folders/{folder}?cursor=garbage")
    assert response.status_code == 200
    assert "That page link is out of date" in response.text
