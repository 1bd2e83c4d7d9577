"""`orderhub webhook ...` on both engines: add (refusing refused hosts, printing the secret
once), list, deliveries, attempts, resend, remove."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain.stores import Store
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.storage import migrate, stores, webhooks
from orderhub.storage.database import Database
from orderhub.storage.webhook_tables import webhook_deliveries
from orderhub.storage.webhook_tables import webhook_endpoints as endpoints

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def shop(
    backend: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Database, Store]:
    url = fresh_database_url(backend)
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    for name in ("ALLOW_PRIVATE", "ALLOW_HOSTS", "DENY_HOSTS"):
        monkeypatch.delenv(f"ORDERHUB_OUTBOUND_{name}", raising=False)
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        store = stores.create_store(conn, "CLI Shop").store
    yield db, store  # type: ignore[misc]
    db.dispose()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "http://169.254.169.254/", "ftp://example.com/"]
)
def test_add_refuses_a_refused_host(shop: tuple[Database, Store], url: str) -> None:
    db, store = shop
    code, out = run("webhook", "add", str(store.id), url, "--event", "order.created")
    assert code == 1 and "error" in out
    with db.read() as conn:
        assert webhooks.list_endpoints(conn, store.id) == []


def test_add_refuses_a_denied_host(
    shop: tuple[Database, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store = shop
    monkeypatch.setenv("ORDERHUB_OUTBOUND_DENY_HOSTS", "erp.example.com")
    code, out = run(
        "webhook", "add", str(store.id), "https://erp.example.com/h", "--event", "order.created"
    )
    assert code == 1 and "DENY_HOSTS" in out


def test_add_list_deliveries_resend_remove(
    shop: tuple[Database, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, store = shop
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "1")
    code, out = run(
        "webhook", "add", str(store.id), "http://127.0.0.1:9/hook",
        "--event", "order.created", "--event", "shipment.created",
    )  # fmt: skip
    assert code == 0, out
    secret = re.search(r"signing secret \(shown once\): (\w+)", out)
    assert secret and len(secret.group(1)) == 48
    code, out = run(
        "webhook", "add", str(store.id), "http://127.0.0.1:9/json",
        "--event", "*", "--format", "json", "--secret", "my-order-desk-key",
    )  # fmt: skip
    assert code == 0 and "shown once" not in out
    with db.read() as conn:
        assert [row.secret for row in conn.execute(endpoints.select())] == [
            secret.group(1),
            "my-order-desk-key",
        ]

    code, out = run("webhook", "list", str(store.id))
    assert code == 0 and "http://127.0.0.1:9/hook" in out and "json" in out
    assert secret.group(1) not in out and "my-order-desk-key" not in out

    with db.write() as conn:
        events.publish(conn, store, OrderEvent(events.ORDER_CREATED, 42))
        conn.execute(webhook_deliveries.update().values(status="failed", last_status=500))
    code, out = run("webhook", "deliveries", str(store.id), "--failed")
    assert code == 0, out
    ids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", out)
    assert len(ids) == 2 and "failed" in out

    code, out = run("webhook", "resend", ids[0])
    assert code == 0 and "queued again" in out
    code, out = run("webhook", "deliveries", str(store.id), "--failed")
    assert ids[0] not in out and ids[1] in out
    code, out = run("webhook", "resend", ids[0])
    assert code == 1 and "still pending" in out
    code, out = run("webhook", "attempts", ids[1])
    assert code == 0
    code, out = run("webhook", "resend", "no-such-delivery")
    assert code == 1 and "not found" in out

    code, out = run("webhook", "disable", str(store.id), "1")
    assert code == 0 and "disabled" in out
    assert " no " in run("webhook", "list", str(store.id))[1]
    code, out = run("webhook", "enable", str(store.id), "1")
    assert code == 0 and "enabled" in out
    code, out = run("webhook", "enable", str(store.id), "99")
    assert code == 1 and "not found" in out
    code, out = run("webhook", "remove", str(store.id), "1")
    assert code == 0
    code, out = run("webhook", "remove", str(store.id), "1")
    assert code == 1 and "not found" in out
    with db.read() as conn:
        assert len(webhooks.list_deliveries(conn, store.id)) == 1


def test_add_checks_events_format_and_secret(
    shop: tuple[Database, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store = shop
    monkeypatch.setenv("ORDERHUB_OUTBOUND_ALLOW_PRIVATE", "1")
    base = ("webhook", "add", str(store.id), "http://127.0.0.1:9/")
    code, out = run(*base, "--event", "order.exploded")
    assert code == 1 and "unknown event" in out
    code, out = run(*base, "--event", "order.created", "--format", "xml")
    assert code == 1 and "--format" in out
    code, out = run(*base, "--event", "order.created", "--secret", "short")
    assert code == 1 and "--secret" in out
    code, out = run("webhook", "add", "999", "http://127.0.0.1:9/", "--event", "order.created")
    assert code == 1 and "999" in out


def test_every_command_has_an_example() -> None:
    for command in (
        "add",
        "list",
        "remove",
        "disable",
        "enable",
        "deliveries",
        "attempts",
        "resend",
    ):
        code, out = run("webhook", command, "--help")
        assert code == 0 and "Example:" in out, command
