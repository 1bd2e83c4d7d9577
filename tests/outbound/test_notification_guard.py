"""Print-on-demand notifications go out through the outbound guards (finding: a desk owner
could point `pod_notification_url` at a loopback or metadata address and the server posted
signed order JSON there). With `ORDERHUB_OUTBOUND_ALLOW_PRIVATE` unset the notification is
refused — never reaching the listener — and recorded as failed with the reason, the worker
going on with the next; allowed when private addresses are allowed explicitly. The URL is
also refused when it is set (desk: tests/desk/test_forms.py; CLI below)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from orderhub.app import create_app
from orderhub.cli import app as cli
from orderhub.outbound.notifier import Notifier
from orderhub.storage import migrate, notifications, stores
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings
from tests.outbound.receiver import Receiver


def notified_order(database: Database, store: stores.NewStore) -> int:
    """An order of `store` with an update queued for its notification URL."""
    with TestClient(create_app(make_settings(), database=database)) as client:
        shop = OrderDesk(client, store)
        order = shop.create_order()
        shop.put(f"/orders/{order['id']}", json={"shipping": {"company": "Changed"}})
    return int(order["id"])


def deliver(database: Database, **settings: Any) -> None:
    """One pass of a notifier whose outbound settings are exactly `settings` (the process'
    environment left out)."""
    outbound = {"outbound_allow_private": False, "outbound_allow_hosts": "",
                "outbound_deny_hosts": "", **settings}  # fmt: skip

    async def one_pass() -> None:
        notifier = Notifier(database, make_settings(notify_max_attempts=1, **outbound))
        async with notifier.client() as client:
            await notifier.deliver_due(client)

    asyncio.run(one_pass())


def outcome(database: Database, store: stores.NewStore, order_id: int) -> dict[str, Any]:
    with database.read() as conn:
        (row,) = notifications.history(conn, store.store.id, order_id)
    return row


@pytest.mark.parametrize(
    "settings",
    [{}, {"outbound_allow_hosts": "127.0.0.1"}],  # the allow list alone does not lift it
    ids=["default", "allow-hosts-only"],
)
def test_a_notification_to_loopback_is_refused_and_recorded(
    database: Database, make_store: Callable[..., stores.NewStore], settings: dict[str, str]
) -> None:
    with Receiver() as listener:
        # stored directly: a URL set before the check, or a name that resolves elsewhere now
        store = make_store(settings={"pod_notification_url": listener.url + "/steal"})
        order_id = notified_order(database, store)
        deliver(database, **settings)
    assert listener.received == []
    row = outcome(database, store, order_id)
    assert row["failed_at"] is not None and row["delivered_at"] is None
    assert str(row["last_error"]).startswith("refused: host 127.0.0.1 resolves to 127.0.0.1")
    assert "loopback" in str(row["last_error"])


def test_a_refused_notification_does_not_stop_the_others(
    database: Database, make_store: Callable[..., stores.NewStore]
) -> None:
    metadata = make_store(settings={"pod_notification_url": "http://169.254.169.254/latest/"})
    bad_id = notified_order(database, metadata)
    with Receiver() as listener:
        fine = make_store(settings={"pod_notification_url": listener.url + "/n"})
        fine_id = notified_order(database, fine)
        deliver(database, outbound_allow_private=True, outbound_deny_hosts="169.254.169.254")
        assert len(listener.received) == 1
    assert "DENY_HOSTS" in str(outcome(database, metadata, bad_id)["last_error"])
    assert outcome(database, fine, fine_id)["delivered_at"] is not None


def test_a_notification_to_loopback_goes_out_when_private_addresses_are_allowed(
    database: Database, make_store: Callable[..., stores.NewStore]
) -> None:
    with Receiver() as listener:
        store = make_store(settings={"pod_notification_url": listener.url + "/n?x=1"})
        order_id = notified_order(database, store)
        deliver(database, outbound_allow_private=True)
        assert len(listener.received) == 1
    assert listener.received[0].path.startswith("/n?x=1&AppId=")
    assert outcome(database, store, order_id)["delivered_at"] is not None


@pytest.fixture
def cli_store(
    backend: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Database, int]:
    url = fresh_database_url(backend)
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    for name in ("ALLOW_PRIVATE", "ALLOW_HOSTS", "DENY_HOSTS"):
        monkeypatch.delenv(f"ORDERHUB_OUTBOUND_{name}", raising=False)
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        store_id = stores.create_store(conn, "CLI Shop").store.id
    yield db, store_id  # type: ignore[misc]
    db.dispose()


REFUSED = [
    ("http://127.0.0.1:8080/n", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::ffff:10.0.0.1]/n", "IPv4-mapped form of 10.0.0.1"),
]


def test_store_set_refuses_a_notification_url_the_guards_refuse(
    cli_store: tuple[Database, int],
) -> None:
    db, store_id = cli_store
    for url, why in REFUSED:
        result = CliRunner().invoke(
            cli, ["store", "set", str(store_id), "pod_notification_url", url]
        )
        assert result.exit_code == 1 and why in result.output, result.output
        assert "pod_notification_url" in result.output
    with db.read() as conn:
        assert "pod_notification_url" not in stores.get_store(conn, store_id).settings


def test_store_set_takes_a_private_url_when_private_addresses_are_allowed(
    cli_store: tuple[Database, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, store_id = cli_store
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "1")
    url = "http://127.0.0.1:8080/n"
    result = CliRunner().invoke(cli, ["store", "set", str(store_id), "pod_notification_url", url])
    assert result.exit_code == 0, result.output
    with db.read() as conn:
        assert stores.get_store(conn, store_id).settings["pod_notification_url"] == url
