"""Desk forms carry the version they were rendered from: a save against a newer one is
refused with who changed it and when, the form comes back with the user's values and the
current ones, and nothing is lost. Both databases."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.helpers import hidden_value
from tests.desk.owner_helpers import Signed, folder_id, signed
from tests.helpers import OrderDesk


@pytest.fixture
def two(desk_app: Any, database: Database, store: stores.NewStore) -> list[Signed]:
    return [signed(desk_app, database, store, "staff") for _ in range(2)]


def _address_form(html: str, order: dict[str, Any], **changes: str) -> dict[str, str]:
    form = {f"shipping_{k}": v for k, v in order["shipping"].items()}
    form.update({f"shipping_{k}": v for k, v in changes.items()})
    form["revision"] = hidden_value(html, "revision")
    return form


def test_the_second_of_two_address_edits_is_refused_and_nothing_is_lost(
    two: list[Signed], od: OrderDesk
) -> None:
    ann_user, bob_user = two
    (ann, ann_csrf), (bob, bob_csrf) = (
        (ann_user.client, ann_user.csrf),
        (bob_user.client, bob_user.csrf),
    )
    order = od.create_order()
    url = f"/desk/orders/{order['id']}"
    ann_form = _address_form(ann.get(url).text, order, city="Shelbyville")
    bob_form = _address_form(bob.get(url).text, order, postal_code="99999")
    saved = ann.post(f"{url}/address", data={**ann_form, "csrf_token": ann_csrf})
    assert "Shipping address saved" in saved.text
    refused = bob.post(f"{url}/address", data={**bob_form, "csrf_token": bob_csrf})
    assert refused.status_code == 409
    assert f"changed by Desk ({ann_user.email}) at" in refused.text
    assert 'value="99999"' in refused.text  # Bob's value is kept in the form
    assert "Now saved: <strong>Shelbyville</strong>" in refused.text  # and Ann's is shown
    stored = od.get(f"/orders/{order['id']}").json()["order"]["shipping"]
    assert (stored["city"], stored["postal_code"]) == (
        "Shelbyville",
        order["shipping"]["postal_code"],
    )
    # Bob saves again from the page he got back: a deliberate overwrite of what he saw.
    again = {**bob_form, "revision": hidden_value(refused.text, "revision")}
    again["shipping_city"] = "Shelbyville"
    assert (
        "Shipping address saved"
        in bob.post(f"{url}/address", data={**again, "csrf_token": bob_csrf}).text
    )
    stored = od.get(f"/orders/{order['id']}").json()["order"]["shipping"]
    assert (stored["city"], stored["postal_code"]) == ("Shelbyville", "99999")


def test_an_address_form_without_its_revision_is_refused(two: list[Signed], od: OrderDesk) -> None:
    ann, csrf = two[0].client, two[0].csrf
    order = od.create_order()
    form = _address_form(ann.get(f"/desk/orders/{order['id']}").text, order, city="X")
    del form["revision"]
    response = ann.post(f"/desk/orders/{order['id']}/address", data={**form, "csrf_token": csrf})
    assert response.status_code == 400 and "out of date" in response.text
    assert od.get(f"/orders/{order['id']}").json()["order"]["shipping"]["city"] != "X"


def test_a_stock_edit_against_a_newer_item_is_refused(two: list[Signed], od: OrderDesk) -> None:
    ann_user, bob_user = two
    (ann, ann_csrf), (bob, bob_csrf) = (
        (ann_user.client, ann_user.csrf),
        (bob_user.client, bob_user.csrf),
    )
    item = od.post("/inventory-items", json={"name": "Cap", "code": "CAP", "stock": 5, "price": 3})
    url = f"/desk/inventory/{item.json()['inventory_item']['id']}"
    ann_version = hidden_value(ann.get(url).text, "version")
    bob_version = hidden_value(bob.get(url).text, "version")
    ann.post(
        url, data={"stock": "8", "price": "3.00", "version": ann_version, "csrf_token": ann_csrf}
    )
    refused = bob.post(
        url, data={"stock": "2", "price": "4.00", "version": bob_version, "csrf_token": bob_csrf}
    )
    assert refused.status_code == 409
    assert f"changed by Desk ({ann_user.email})" in refused.text
    assert "Now saved: <strong>8</strong>" in refused.text and 'value="2"' in refused.text
    stored = od.get(url.replace("/desk/inventory", "/inventory-items")).json()["inventory_item"]
    assert (stored["stock"], stored["price"]) == (8, 3)


@pytest.mark.parametrize(
    "action, data, section",
    [
        ("move", {"folder_id": "{paid}"}, "move"),
        ("shipments", {"tracking_number": "1Z1", "what": "all"}, "shipment"),
        ("cancel", {"confirm": "yes"}, "cancel"),
    ],
)
def test_a_move_shipment_or_cancel_from_a_stale_page_is_refused(
    two: list[Signed], od: OrderDesk, database: Database, store: stores.NewStore,
    action: str, data: dict[str, str], section: str,
) -> None:  # fmt: skip
    ann, bob = two
    order = od.create_order()
    url = f"/desk/orders/{order['id']}"
    seen = hidden_value(bob.client.get(url).text, "revision")
    ann.post(f"{url}/notes", {"note": "Customer called: hold it"})
    paid = str(folder_id(database, store.store.id, "Paid"))
    form = {k: v.format(paid=paid) for k, v in data.items()}
    before = od.get(f"/orders/{order['id']}").json()["order"]
    refused = bob.post(f"{url}/{action}", {**form, "revision": seen})
    assert refused.status_code == 409, refused.text[:300]
    assert f"changed by Desk ({ann.email})" in refused.text
    after = od.get(f"/orders/{order['id']}").json()["order"]
    kept = ("folder_id", "order_shipments", "fulfillment_status")
    assert [after.get(k) for k in kept] == [before.get(k) for k in kept]
    current = hidden_value(refused.text, "revision")
    again = bob.post(f"{url}/{action}", {**form, "revision": current}, follow_redirects=False)
    assert again.status_code == 303
