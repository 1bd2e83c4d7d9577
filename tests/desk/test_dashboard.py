"""The dashboard, the desk's home: orders in per day by door, per folder, shipped, the
median time to ship, and what gave up with links to fix it (owners). Charts are inline SVG
with the numbers as tables. Both databases."""

from __future__ import annotations

import re
from typing import Any

import pytest

from orderhub.storage import notifications, stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, owner_app, signed

__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def owner(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "owner")


def test_the_dashboard_counts_a_store_with_orders_in_every_folder(
    owner_app: Any, owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    with database.read() as conn:
        folders = stores.list_folders(conn, store.store.id)
    ids = [int(od.create_order(folder_id=f.id)["id"]) for f in folders]
    od.post(f"/orders/{ids[-1]}/shipments", json={"tracking_number": "1Z999AA10123456784"})
    with database.write() as conn:
        notifications.enqueue(conn, store.store.id, ids[0], "shipped", "http://127.0.0.1:9/")
        [row] = notifications.history(conn, store.store.id, ids[0])
        notifications.failed_attempt(conn, row["id"], status=500, error="down", retry_at=None)
    home = owner.client.get("/desk")
    assert home.status_code == 200
    html = home.text
    assert html.count('<svg class="chart') == 3 and "<title>Orders in per day" in html
    # The numbers as text: today's row of the arrivals table, and every folder with 1 order.
    today = re.search(r"to (\d{4}-\d\d-\d\d)\)", html)
    assert today is not None
    row = html.split(f'<td class="nowrap">{today.group(1)}</td>', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">10</td>' in row  # ten orders in through the Order Desk API
    for folder in folders:
        assert f'>{folder.name}</a></td><td class="num">1</td>' in html
    assert '1</span><span class="stat-l">shipments' in html
    assert "1</strong> print-on-demand notifications gave up" in html
    assert 'href="/desk/notifications"' in html
    staff = signed(owner_app, database, store, "staff")
    staff_home = staff.client.get("/desk").text
    assert "print-on-demand notifications gave up" in staff_home
    assert 'href="/desk/notifications"' not in staff_home


def test_signing_in_opens_the_dashboard(owner: Signed) -> None:
    response = owner.client.get("/", follow_redirects=True)
    assert response.url.path == "/desk" and "Orders in per day" in response.text


def test_a_delivery_that_gives_up_shows_at_the_next_view(
    owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    """Giving up changes no order (the store's count generation stays), yet the very next
    view of the dashboard says so."""
    order_id = int(od.create_order()["id"])
    with database.write() as conn:
        notifications.enqueue(conn, store.store.id, order_id, "shipped", "http://127.0.0.1:9/")
    assert "gave up" not in owner.client.get("/desk").text
    with database.write() as conn:
        [row] = notifications.history(conn, store.store.id, order_id)
        notifications.failed_attempt(conn, row["id"], status=500, error="down", retry_at=None)
    assert "1</strong> print-on-demand notifications gave up" in owner.client.get("/desk").text
