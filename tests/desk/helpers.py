"""Shared by the desk's tests: a store with a desk user and some orders, and a signed-in
TestClient that carries the CSRF token."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from orderhub.domain import passwords
from orderhub.storage import accounts, stores
from orderhub.storage.database import Database

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class DeskUser:
    email: str
    password: str
    store: stores.NewStore


def make_user(
    db: Database, store: stores.NewStore, role: str = "owner", email: str | None = None
) -> DeskUser:
    email = email or f"u{secrets.token_hex(4)}@shop.test"
    with db.write() as conn:
        found = accounts.find_user(conn, email)
        user = (
            found[0]
            if found
            else accounts.create_user(conn, email, passwords.hash_password(PASSWORD))
        )
        accounts.set_membership(conn, user.id, store.store.id, role)
    return DeskUser(email, PASSWORD, store)


def login_token(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def sign_in(client: TestClient, user: DeskUser) -> str:
    """Signs the client in; returns the CSRF token of the session."""
    token = login_token(client)
    response = client.post(
        "/login",
        data={"email": user.email, "password": user.password, "login_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client)


def csrf_of(client: TestClient, path: str = "/desk/inventory") -> str:
    page = client.get(path)
    match = _CSRF.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def hidden_value(html: str, name: str) -> str:
    """The value of a form's hidden input (the revision a form carries, say)."""
    match = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def desk_client(app: Any) -> TestClient:
    """A client of its own (own cookies), sharing the session-scoped app."""
    return TestClient(app, base_url="http://testserver")
