"""The desk's search box finds an order by tracking number, item code or name, phone,
country and metadata value, besides id, source id, email and name, within the folder and
dates chosen. Both databases."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, folder_id, owner_app, signed
from tests.helpers import sample_order

__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def staff(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "staff")


def test_search_finds_an_order_by_each_of_its_facts(
    staff: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    shipping = {**sample_order()["shipping"], "phone": "+44 7700 900123", "country": "GB"}
    items = [
        {"name": "Hoodie Deluxe", "code": "JH001", "price": 30, "quantity": 2},
        {"name": "Sticker", "code": "ST-9", "price": 1, "quantity": 1},
    ]
    found = od.create_order(
        shipping=shipping, order_items=items, order_metadata={"channel": "etsy-shop-42"}
    )
    other = od.create_order()
    item_id = found["order_items"][1]["id"]
    shipped = od.post(
        f"/orders/{found['id']}/shipments",
        json={"tracking_number": "1ZTRACK9876", "order_items": [{"id": item_id, "quantity": 1}]},
    )
    assert shipped.status_code == 200, shipped.text
    received = folder_id(database, store.store.id, "Received")
    for term in ("1ZTRACK9876", "JH001", "hoodie", "7700 900", "gb", "etsy-shop-42"):
        page = staff.client.get(f"/desk/folders/{received}", params={"q": term}).text
        assert f">#{found['id']}<" in page, term
        assert f">#{other['id']}<" not in page, term
    # Combined with the dates: nothing was added in 2020.
    page = staff.client.get(
        f"/desk/folders/{received}", params={"q": "JH001", "to": "2020-01-01"}
    ).text
    assert f">#{found['id']}<" not in page
    # An exact match only for tracking numbers and codes; another store's never.
    for term in ("1ZTRACK", "JH00"):
        page = staff.client.get(f"/desk/folders/{received}", params={"q": term}).text
        assert f">#{found['id']}<" not in page, term


def test_the_store_wide_search_finds_an_order_in_any_folder_of_this_store_only(
    staff: Signed, database: Database, store: stores.NewStore, od: Any, other_od: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    found, second = od.create_order(), od.create_order()
    stranger = other_od.create_order()
    shipped = folder_id(database, store.store.id, "Shipped")
    for order, client in ((found, od), (second, od), (stranger, other_od)):
        item = order["order_items"][0]["id"]
        shipment = {"tracking_number": "1ZSTORE42", "order_items": [{"id": item, "quantity": 1}]}
        assert client.post(f"/orders/{order['id']}/shipments", json=shipment).status_code == 200
    moved = {"order_id_list": [found["id"]], "destination_folder_id": shipped}
    assert od.post("/move-orders", json=moved).status_code == 200

    page = staff.client.get("/desk/search", params={"q": "1ZSTORE42"}).text
    assert '<option value="">All folders</option>' in page
    assert f">#{found['id']}<" in page and f">#{second['id']}<" in page
    assert f">#{stranger['id']}<" not in page and "2 orders" in page
    # One folder chosen; a date range; another store's folder is not in the list.
    page = staff.client.get("/desk/search", params={"q": "1ZSTORE42", "folder": shipped}).text
    assert f">#{found['id']}<" in page and f">#{second['id']}<" not in page
    page = staff.client.get("/desk/search", params={"q": "1ZSTORE42", "to": "2020-01-01"}).text
    assert f">#{found['id']}<" not in page
    theirs = folder_id(database, other_od.store.store.id, "Shipped")
    refused = staff.client.get("/desk/search", params={"q": "1ZSTORE42", "folder": theirs})
    assert refused.status_code == 400 and "Choose a folder from the list" in refused.text
    assert f">#{stranger['id']}<" not in refused.text
    # Keyset-paged like a folder: the next page's link stays on the search.
    monkeypatch.setattr("orderhub.desk.queries.PAGE_SIZE", 1)
    first = staff.client.get("/desk/search", params={"q": "1ZSTORE42"}).text
    link = first.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.startswith("/desk/search?q=1ZSTORE42&cursor=")
    after = staff.client.get(link).text
    assert f">#{second['id']}<" in first and f">#{second['id']}<" not in after  # newest first
    assert f">#{found['id']}<" not in first and f">#{found['id']}<" in after
