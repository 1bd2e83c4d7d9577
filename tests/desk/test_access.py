"""What a browser hides, checked over HTTP on both databases: sign-in and sessions, CSRF,
rate limits, roles, and per-store isolation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderhub.app import create_app
from orderhub.domain.dates import utcnow
from orderhub.storage import stores
from orderhub.storage.database import Database
from orderhub.storage.desk_sessions import hash_id
from orderhub.storage.desk_tables import desk_sessions
from tests.desk.helpers import DeskUser, csrf_of, desk_client, login_token, make_user, sign_in
from tests.helpers import OrderDesk, make_settings


@pytest.fixture
def owner(database: Database, store: stores.NewStore) -> DeskUser:
    return make_user(database, store, "owner")


@pytest.fixture
def browser(desk_app: Any) -> TestClient:
    return desk_client(desk_app)


def _history(od: OrderDesk, order_id: int) -> list[str]:
    order = od.get(f"/orders/{order_id}").json()["order"]
    return [entry["note"] for entry in order["order_history"]]


def test_home_sends_a_visitor_to_sign_in_and_a_user_to_the_desk(
    browser: TestClient, owner: DeskUser
) -> None:
    first = browser.get("/", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/login")
    assert (
        browser.get("/desk/inventory", follow_redirects=False)
        .headers["location"]
        .startswith("/login?next=/desk/inventory")
    )
    sign_in(browser, owner)
    assert browser.get("/", follow_redirects=False).headers["location"] == "/desk"


def test_the_session_cookie_is_http_only_and_same_site_lax(
    browser: TestClient, owner: DeskUser, app: Any, database: Database
) -> None:
    token = login_token(browser)
    response = browser.post(
        "/login",
        data={"email": owner.email, "password": owner.password, "login_token": token},
        follow_redirects=False,
    )
    cookie = next(v for k, v in response.headers.multi_items() if v.startswith("orderhub_desk="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    secure_app = create_app(make_settings(desk_secure_cookies=True), database=database)
    secure = TestClient(secure_app, base_url="https://testserver")  # Secure: sent over TLS only
    token = login_token(secure)
    response = secure.post(
        "/login",
        data={"email": owner.email, "password": owner.password, "login_token": token},
        follow_redirects=False,
    )
    cookie = next(v for k, v in response.headers.multi_items() if v.startswith("orderhub_desk="))
    assert "Secure" in cookie


def test_a_wrong_password_is_refused_with_a_clear_message(
    browser: TestClient, owner: DeskUser
) -> None:
    token = login_token(browser)
    response = browser.post(
        "/login", data={"email": owner.email, "password": "nope", "login_token": token}
    )
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert "orderhub_desk" not in browser.cookies


def test_sign_in_always_starts_a_new_session(
    browser: TestClient, owner: DeskUser, database: Database
) -> None:
    browser.cookies.set("orderhub_desk", "planted-by-an-attacker", domain="testserver.local")
    sign_in(browser, owner)
    first = browser.cookies["orderhub_desk"]
    assert first != "planted-by-an-attacker"
    sign_in(browser, owner)
    second = browser.cookies["orderhub_desk"]
    assert second != first
    stale = desk_client(browser.app)
    stale.cookies.set("orderhub_desk", first, domain="testserver.local")
    assert stale.get("/desk/inventory", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_on_the_server(browser: TestClient, owner: DeskUser) -> None:
    csrf = sign_in(browser, owner)
    cookie = browser.cookies["orderhub_desk"]
    assert (
        browser.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    replay = desk_client(browser.app)
    replay.cookies.set("orderhub_desk", cookie, domain="testserver.local")
    assert (
        replay.get("/desk/inventory", follow_redirects=False)
        .headers["location"]
        .startswith("/login")
    )


@pytest.mark.parametrize(
    "column, age",
    [("last_seen_at", timedelta(minutes=121)), ("created_at", timedelta(hours=25))],
    ids=["idle", "absolute"],
)
def test_an_expired_session_signs_the_user_out(
    browser: TestClient, owner: DeskUser, database: Database, column: str, age: timedelta
) -> None:
    sign_in(browser, owner)
    assert browser.get("/desk/inventory", follow_redirects=False).status_code == 200
    with database.write() as conn:
        conn.execute(
            update(desk_sessions)
            .where(desk_sessions.c.id_hash == hash_id(browser.cookies["orderhub_desk"]))
            .values({column: utcnow() - age})
        )
    response = browser.get("/desk/inventory", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    browser: TestClient, owner: DeskUser, od: OrderDesk
) -> None:
    order_id = od.create_order()["id"]
    csrf = sign_in(browser, owner)
    before = _history(od, order_id)
    for token in (None, "", "wrong", csrf[:-1]):
        data = {"note": "forged"} | ({"csrf_token": token} if token is not None else {})
        response = browser.post(f"/desk/orders/{order_id}/notes", data=data)
        assert response.status_code == 403
        assert "nothing was changed" in response.text
    settings = browser.post("/desk/settings", data={"negative_stock": "reject", "csrf_token": "x"})
    assert settings.status_code == 403
    key = browser.post("/desk/settings/api-key", data={"confirm": "yes"})
    assert key.status_code == 403
    assert _history(od, order_id) == before
    assert od.get("/test").status_code == 200  # the key was not rotated
    assert "negative_stock" not in od.get("/store").text or "reject" not in od.get("/store").text


def test_another_stores_order_is_not_found(
    browser: TestClient, od: OrderDesk, make_store: Callable[..., stores.NewStore],
    database: Database,
) -> None:  # fmt: skip
    order_id = od.create_order()["id"]
    other = make_store("Store B")
    staff_of_b = make_user(database, other, "staff")
    csrf = sign_in(browser, staff_of_b)
    folder_of_a = od.get(f"/orders/{order_id}").json()["order"]["folder_id"]
    for path in (
        f"/desk/orders/{order_id}",
        f"/desk/orders/{order_id}/slip",
        f"/desk/folders/{folder_of_a}",
        f"/desk/folders/{folder_of_a}/export.csv",
    ):
        assert browser.get(path).status_code == 404, path
    before = _history(od, order_id)
    for action, data in (
        ("notes", {"note": "hi"}),
        ("cancel", {"confirm": "yes"}),
        ("shipments", {"tracking_number": "X1", "what": "all"}),
        ("address", {"shipping_first_name": "Eve", "shipping_last_name": "X"}),
    ):
        response = browser.post(
            f"/desk/orders/{order_id}/{action}", data={**data, "csrf_token": csrf}
        )
        assert response.status_code == 404, action
    moved = browser.post(
        "/desk/orders/move",
        data={"order_id": str(order_id), "folder_id": str(folder_of_a), "csrf_token": csrf},
        follow_redirects=True,
    )
    assert "Choose a folder of this store" in moved.text
    with database.read() as conn:
        folder_of_b = stores.list_folders(conn, other.store.id)[1].id
    moved = browser.post(
        "/desk/orders/move",
        data={"order_id": str(order_id), "folder_id": str(folder_of_b), "csrf_token": csrf},
        follow_redirects=True,
    )
    assert f"Moved 0 orders; not found: {order_id}" in moved.text
    switched = browser.post(
        "/desk/store", data={"store_id": str(od.store.store.id), "csrf_token": csrf}
    )
    assert switched.status_code == 404
    assert _history(od, order_id) == before


def test_staff_cannot_reach_the_owners_pages(
    browser: TestClient, database: Database, store: stores.NewStore
) -> None:
    staff = make_user(database, store, "staff")
    csrf = sign_in(browser, staff)
    assert browser.get("/desk/settings").status_code == 403
    response = browser.post("/desk/settings/api-key", data={"confirm": "yes", "csrf_token": csrf})
    assert response.status_code == 403
    assert (
        browser.post("/desk/settings/pod-credentials", data={"csrf_token": csrf}).status_code == 403
    )


def test_a_user_of_two_stores_switches_between_them(
    browser: TestClient, database: Database, make_store: Callable[..., stores.NewStore]
) -> None:
    first, second = make_store("First Shop"), make_store("Second Shop")
    user = make_user(database, first, "owner")
    make_user(database, second, "staff", email=user.email)
    csrf = sign_in(browser, user)
    assert "First Shop" in browser.get("/desk/inventory").text
    response = browser.post(
        "/desk/store", data={"store_id": str(second.store.id), "csrf_token": csrf},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code == 200
    page = browser.get("/desk/inventory").text
    assert f'<option value="{second.store.id}" selected>Second Shop' in page
    assert browser.get("/desk/settings").status_code == 403  # staff there


def test_failed_sign_ins_are_limited_per_account(
    database: Database, store: stores.NewStore
) -> None:
    app = create_app(make_settings(desk_login_attempts=3), database=database)
    client = desk_client(app)
    user = make_user(database, store, "owner")
    for _ in range(3):
        token = login_token(client)
        response = client.post(
            "/login", data={"email": user.email, "password": "guess", "login_token": token}
        )
        assert response.status_code == 401
    token = login_token(client)
    response = client.post(
        "/login", data={"email": user.email, "password": user.password, "login_token": token}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "orderhub_desk" not in client.cookies


def test_failed_sign_ins_are_limited_per_client_address(
    database: Database, store: stores.NewStore
) -> None:
    app = create_app(make_settings(desk_login_attempts_per_address=2), database=database)
    client = desk_client(app)
    for n in range(2):
        token = login_token(client)
        response = client.post(
            "/login", data={"email": f"x{n}@shop.test", "password": "guess", "login_token": token}
        )
        assert response.status_code == 401
    user = make_user(database, store, "owner")
    token = login_token(client)
    response = client.post(
        "/login", data={"email": user.email, "password": user.password, "login_token": token}
    )
    assert response.status_code == 429


def test_a_flood_from_one_address_does_not_lock_the_owner_out_from_another(
    database: Database, store: stores.NewStore
) -> None:
    """The ASGI scope's client address is what the limits read (`request.client.host`)."""
    app = create_app(
        make_settings(desk_login_attempts=3, desk_login_attempts_per_address=5), database=database
    )
    attacker = TestClient(app, base_url="http://testserver", client=("127.0.0.2", 40000))
    owner_client = TestClient(app, base_url="http://testserver", client=("127.0.0.1", 40001))
    user = make_user(database, store, "owner")
    statuses = []
    for _ in range(8):
        token = login_token(attacker)
        data = {"email": user.email, "password": "guess", "login_token": token}
        statuses.append(attacker.post("/login", data=data).status_code)
    assert statuses == [401] * 3 + [429] * 5
    token = login_token(owner_client)
    response = owner_client.post(
        "/login",
        data={"email": user.email, "password": user.password, "login_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "orderhub_desk" in owner_client.cookies


def test_the_sign_in_form_needs_its_own_token(browser: TestClient, owner: DeskUser) -> None:
    browser.get("/login")
    response = browser.post(
        "/login", data={"email": owner.email, "password": owner.password, "login_token": "forged"}
    )
    assert response.status_code == 403
    assert "orderhub_desk" not in browser.cookies


def test_csrf_token_is_per_session(browser: TestClient, owner: DeskUser, od: OrderDesk) -> None:
    order_id = od.create_order()["id"]
    first = sign_in(browser, owner)
    other = desk_client(browser.app)
    second = sign_in(other, owner)
    assert first != second
    response = other.post(f"/desk/orders/{order_id}/notes", data={"note": "x", "csrf_token": first})
    assert response.status_code == 403
    assert csrf_of(other) == second


@pytest.mark.redis
def test_sign_in_limits_are_shared_by_processes_through_redis(
    database: Database, store: stores.NewStore
) -> None:
    import redis

    from tests.conftest import REDIS_URL, service_missing

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis not reachable at ORDERHUB_TEST_REDIS_URL: {exc}")
    settings = make_settings(
        redis_url=REDIS_URL, desk_login_attempts=2, desk_login_attempts_per_address=10_000
    )
    first = desk_client(create_app(settings, database=database))
    second = desk_client(create_app(settings, database=database))
    user = make_user(database, store, "owner")
    for client in (first, second):
        token = login_token(client)
        response = client.post(
            "/login", data={"email": user.email, "password": "guess", "login_token": token}
        )
        assert response.status_code == 401
    token = login_token(first)
    response = first.post(
        "/login", data={"email": user.email, "password": user.password, "login_token": token}
    )
    assert response.status_code == 429
    redis.Redis.from_url(REDIS_URL).delete(
        f"orderhub:rl:desk-login:account:{user.email}|testclient"
    )


def test_the_desk_works_under_a_proxy_prefix(desk_app: Any, owner: DeskUser, od: OrderDesk) -> None:
    """`orderhub serve --root-path /orderhub`: links, forms and redirects keep the prefix."""
    order_id = od.create_order()["id"]
    client = TestClient(desk_app, base_url="http://testserver", root_path="/orderhub")
    assert client.get("/orderhub/", follow_redirects=False).headers["location"] == "/orderhub/login"
    form = client.get("/orderhub/login")
    assert (
        'action="/orderhub/login"' in form.text
        and 'href="/orderhub/desk/static/desk.css"' in form.text
    )
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token
    signed = client.post(
        "/orderhub/login",
        data={"email": owner.email, "password": owner.password, "login_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/orderhub/desk"
    page = client.get(f"/orderhub/desk/orders/{order_id}")
    assert page.status_code == 200
    assert f'action="/orderhub/desk/orders/{order_id}/notes"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    noted = client.post(
        f"/orderhub/desk/orders/{order_id}/notes",
        data={"note": "behind the proxy", "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert noted.headers["location"] == f"/orderhub/desk/orders/{order_id}"
    assert client.get("/orderhub/desk/static/desk.css").status_code == 200


@pytest.mark.parametrize("digits", ["²", "١", "１", "99999999999999999999999"])
def test_ids_in_desk_urls_and_forms_are_ascii_numbers_in_range(
    browser: TestClient, owner: DeskUser, digits: str
) -> None:
    csrf = sign_in(browser, owner)
    for path in (f"/desk/folders/{digits}", f"/desk/orders/{digits}", f"/desk/inventory/{digits}"):
        assert browser.get(path).status_code == 404, path
    switched = browser.post(
        "/desk/store", data={"store_id": digits, "csrf_token": csrf}, follow_redirects=True
    )
    assert switched.status_code == 200 and "Choose a store from the list" in switched.text
    inventory = browser.get("/desk/inventory", params={"offset": digits})
    assert inventory.status_code == 200
