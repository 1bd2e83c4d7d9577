"""What an outside review found in the desk, each pinned by a test on both databases: formula
cells in the CSV export, file names from data in the download header, links only to
http(s), cookies that carry `Secure`, and a sign-in token bound to the server's secret."""

from __future__ import annotations

import csv
import io
import re
import secrets
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderhub.app import create_app
from orderhub.domain import passwords
from orderhub.storage import accounts, stores
from orderhub.storage.database import Database
from orderhub.storage.shipment_tables import shipments
from tests.desk.helpers import PASSWORD, desk_client, login_token, make_user, sign_in
from tests.helpers import OrderDesk, make_settings, sample_order

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


def test_every_desk_cookie_is_secure_when_asked(database: Database, store: stores.NewStore) -> None:
    app = create_app(
        make_settings(desk_secure_cookies=True, desk_login_attempts=1000), database=database
    )
    client = TestClient(app, base_url="https://testserver")
    user = make_user(database, store, "owner")
    seen: list[str] = []
    client.event_hooks["response"] = [lambda r: seen.extend(r.headers.get_list("set-cookie"))]
    csrf = sign_in(client, user)  # sign-in token, session and flash cookies
    client.post("/desk/settings", data={"csrf_token": csrf, "timezone": "nowhere"})
    client.post("/logout", data={"csrf_token": csrf})
    names = {cookie.split("=", 1)[0] for cookie in seen}
    assert {"orderhub_login", "orderhub_desk", "orderhub_flash"} <= names
    assert all("; secure" in cookie.lower() for cookie in seen), seen


def test_a_sign_in_token_the_server_did_not_sign_is_refused(
    desk_app: Any, database: Database, store: stores.NewStore
) -> None:
    client = desk_client(desk_app)
    user = make_user(database, store, "owner")
    forged = "attacker-chosen-token"
    client.cookies.set("orderhub_login", forged, path="/login")
    data = {"email": user.email, "password": user.password, "login_token": forged}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403 and "expired" in response.text
    token = login_token(client)  # the page replaces the unsigned cookie with a signed token
    assert token != forged and "." in token
    response = client.post("/login", data={**data, "login_token": token}, follow_redirects=False)
    assert response.status_code == 303


# --- store membership by invitation ---------------------------------------------------------


def _owner_client(
    desk_app: Any, database: Database, store: stores.NewStore
) -> tuple[TestClient, str]:
    client = desk_client(desk_app)
    return client, sign_in(client, make_user(database, store, "owner"))


def _invite(client: TestClient, csrf: str, email: str) -> Any:
    return client.post(
        "/desk/settings/users",
        data={"email": email, "role": "staff", "csrf_token": csrf},
        follow_redirects=False,
    )


def test_another_stores_staff_is_invited_not_pulled_in(
    desk_app: Any, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    owner, csrf = _owner_client(desk_app, database, store)
    other = make_store("Other Shop")
    theirs = make_user(database, other, "staff")
    response = _invite(owner, csrf, theirs.email)
    assert response.status_code == 303
    with database.read() as conn:
        found = accounts.find_user(conn, theirs.email)
        assert found is not None
        assert [m.store_id for m in accounts.memberships_of(conn, found[0].id)] == [other.store.id]
    assert theirs.email in owner.get("/desk/settings").text  # listed as invited
    staff = desk_client(desk_app)
    sign_in(staff, theirs)
    page = staff.get("/desk/inventory").text
    assert "Other Shop" in page and "Invitations (1)" in page  # still at work in their store
    invitations = staff.get("/desk/invitations").text
    invitation_id = re.search(r"/desk/invitations/(\d+)/accept", invitations)
    assert invitation_id
    refused = staff.post(f"/desk/invitations/{invitation_id.group(1)}/accept", data={})
    assert refused.status_code == 403  # CSRF
    csrf_staff = re.search(r'name="csrf_token" value="([^"]+)"', invitations)
    assert csrf_staff
    declined = staff.post(
        f"/desk/invitations/{invitation_id.group(1)}/decline",
        data={"csrf_token": csrf_staff.group(1)},
    )
    assert "Declined the invitation" in declined.text
    with database.read() as conn:
        assert accounts.role_in(conn, found[0].id, store.store.id) is None


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
    desk_app: Any, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    owner, csrf = _owner_client(desk_app, database, store)
    existing = make_user(database, make_store("Elsewhere"), "staff").email
    new = f"nobody-{secrets.token_hex(3)}@shop.test"
    answers = []
    for email in (existing, new):
        response = _invite(owner, csrf, email)
        answers.append(
            (
                response.status_code,
                response.headers["location"],
                response.headers["set-cookie"].replace(quote(email), "EMAIL"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 303


def test_an_account_with_no_store_yet_sees_only_its_invitations(
    desk_app: Any, database: Database, store: stores.NewStore
) -> None:
    owner, csrf = _owner_client(desk_app, database, store)
    email = f"fresh-{secrets.token_hex(3)}@shop.test"
    with database.write() as conn:  # `orderhub user create EMAIL` without --store
        accounts.create_user(conn, email, passwords.hash_password(PASSWORD))
    _invite(owner, csrf, email)
    client = desk_client(desk_app)
    token = login_token(client)
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "login_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/desk/invitations"
    assert client.get("/desk/inventory", follow_redirects=False).headers["location"] == (
        "/desk/invitations"
    )
    page = client.get("/desk/invitations").text
    invitation_id = re.search(r"/desk/invitations/(\d+)/accept", page)
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert invitation_id and csrf_token
    client.post(
        f"/desk/invitations/{invitation_id.group(1)}/accept",
        data={"csrf_token": csrf_token.group(1)},
    )
    assert client.get("/desk/inventory").status_code == 200
