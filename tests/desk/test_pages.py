"""The list's keyset paging, the CSV export of the current view, and packing slips for a
selection, over HTTP on both databases."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.desk import queries
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.desk.helpers import desk_client, make_user, sign_in
from tests.helpers import OrderDesk


@pytest.fixture
def signed_in(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, make_user(database, store, "staff"))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="order_id" value="(\d+)"', html)]


def test_pages_follow_the_cursor_without_gaps_or_repeats(
    signed_in: tuple[TestClient, str], od: OrderDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = signed_in
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    created = [int(od.create_order()["id"]) for _ in range(10)]
    folder = od.get(f"/orders/{created[0]}").json()["order"]["folder_id"]
    seen: list[int] = []
    url = f"/desk/folders/{folder}?sort=oldest"
    while True:
        page = client.get(url).text
        seen += _ids(page)
        following = re.search(r'rel="next" href="([^"]+)"', page)
        if following is None:
            break
        url = following.group(1).replace("&amp;", "&")
        assert "sort=oldest" in url and "cursor=" in url
    assert seen == created
    newest = _ids(client.get(f"/desk/folders/{folder}").text)
    assert newest == created[::-1][:4]


def test_the_csv_export_is_the_current_view(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, _ = signed_in
    od.create_order(email="keep@example.com")
    od.create_order(email="other@example.com")
    folder = od.create_order(email="keep@example.com")["folder_id"]
    response = client.get(f"/desk/folders/{folder}/export.csv?q=keep@example.com")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {row["email"] for row in rows} == {"keep@example.com"}
    assert len({row["id"] for row in rows}) == 2


def test_packing_slips_for_a_selection_skip_other_stores_orders(
    signed_in: tuple[TestClient, str], od: OrderDesk, other_od: OrderDesk
) -> None:
    client, csrf = signed_in
    mine = [od.create_order()["id"] for _ in range(2)]
    theirs = other_od.create_order()["id"]
    response = client.post(
        "/desk/slips",
        data={"order_id": [str(i) for i in (*mine, theirs)], "csrf_token": csrf},
    )
    assert response.status_code == 200
    assert response.text.count('<article class="slip">') == 2
    assert f"Order #{theirs}<" not in response.text
    assert 'media="print"' in response.text


def test_times_are_shown_in_the_stores_time_zone(
    desk_app: Any, database: Database, make_store: Any
) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    shop = make_store("New York Shop", timezone="America/New_York")
    client = desk_client(desk_app)
    sign_in(client, make_user(database, shop, "staff"))
    od = OrderDesk(client, shop)
    order = od.create_order()
    added = datetime.strptime(order["date_added"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    local = added.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M")
    page = client.get(f"/desk/orders/{order['id']}").text
    assert f"added {local}" in page
