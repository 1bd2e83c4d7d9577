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
