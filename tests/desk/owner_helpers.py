"""Shared by the tests of the owner's pages: an owner and a staff member of a fresh store,
each with a signed-in client of their own."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.desk.auth import COOKIE
from orderhub.storage import accounts, desk_sessions, stores
from orderhub.storage.database import Database
from tests.desk.helpers import desk_client


@pytest.fixture(scope="session")
def owner_app(database: Database) -> Any:
    """The app as `desk_app`, and allowed to reach loopback (the test receivers)."""
    from orderhub.app import create_app
    from tests.helpers import make_settings

    return create_app(
        make_settings(
            desk_login_attempts=10_000, desk_login_attempts_per_address=10_000,
            outbound_allow_private=True, webhook_max_attempts=1,
        ),
        database=database,
    )  # fmt: skip


@dataclass
class Signed:
    client: TestClient
    csrf: str
    email: str

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.csrf}, **kwargs)


def signed(app: Any, database: Database, store: stores.NewStore, role: str) -> Signed:
    """A user of `store` with a session of their own, made in the database: the sign-in
    itself has its tests; here it would only cost two Argon2 hashes per user."""
    email = f"u{secrets.token_hex(4)}@shop.test"
    with database.write() as conn:
        user = accounts.create_user(conn, email, "not-a-password-hash")
        accounts.set_membership(conn, user.id, store.store.id, role)
        raw_id, session = desk_sessions.create(conn, user.id, store.store.id)
    client = desk_client(app)
    client.cookies.set(COOKIE, raw_id)
    return Signed(client, session.csrf_secret, email)


def folder_id(database: Database, store_id: int, name: str) -> int:
    with database.read() as conn:
        return next(f.id for f in stores.list_folders(conn, store_id) if f.name == name)


def deliver_webhooks(app: Any) -> int:
    """One pass of the app's webhook worker (the test app runs no background loops)."""
    from orderhub.outbound.worker import WebhookWorker

    async def once() -> int:
        worker = WebhookWorker(app.state.db, app.state.settings)
        async with worker.client() as client:
            return await worker.deliver_due(client)

    return asyncio.run(once())
