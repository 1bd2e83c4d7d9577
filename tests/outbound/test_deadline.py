"""One overall deadline per outbound request, and receivers served side by side: a receiver
that drips a byte a second (tests/outbound/drip.py) is cut at the deadline — whoever sends
(notifications, webhooks, the forwarder's print-on-demand client) — and meanwhile another
store's delivery to a healthy receiver arrives at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.app import create_app
from orderhub.client import AsyncPrintOnDemandClient, RetryPolicy, TransportError
from orderhub.outbound import net
from orderhub.storage import notifications, webhooks
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings
from tests.outbound.drip import Drip
from tests.outbound.receiver import Answer, Receiver
from tests.outbound.supplier import wait_for

PRIVATE_OK = net.OutboundPolicy(allow_private=True)
DEADLINE = 1.5


def test_a_dripping_answer_is_cut_at_the_deadline() -> None:
    async def send() -> None:
        async with net.OutboundClient(PRIVATE_OK, deadline=DEADLINE) as client:
            await client.send("POST", drip.url + "/hook", content=b"{}")

    with Drip() as drip:
        started = time.monotonic()
        with pytest.raises(net.DeadlineExceeded):
            asyncio.run(send())
        elapsed = time.monotonic() - started
        assert DEADLINE - 0.1 < elapsed < DEADLINE + 1.0
        wait_for(lambda: drip.connections[0].closed, 5, "the connection to be closed")


def test_the_forwarders_client_is_cut_at_the_deadline_and_reads_a_bounded_answer() -> None:
    """The print-on-demand client the forwarder uses, with net.py's transport."""

    def client(url: str, **bounds: Any) -> AsyncPrintOnDemandClient:
        return AsyncPrintOnDemandClient(
            url, "APP-1", "secret", retry=RetryPolicy(attempts=1),
            transport=net.transport(PRIVATE_OK, **bounds),
        )  # fmt: skip

    async def list_orders(url: str, **bounds: Any) -> None:
        async with client(url, **bounds) as supplier:
            await supplier.list_orders(limit=1)

    with Drip() as drip:
        started = time.monotonic()
        with pytest.raises(TransportError, match="within 1 s"):
            asyncio.run(list_orders(drip.url, deadline=1.0))
        assert time.monotonic() - started < 2.0
    with Receiver(Answer(200, b'{"orders": []}' + b" " * 300_000)) as receiver:
        with pytest.raises(TransportError, match="longer than 100000 bytes"):
            asyncio.run(list_orders(receiver.url, deadline=5, max_response_bytes=100_000))
        asyncio.run(list_orders(receiver.url, deadline=5, max_response_bytes=400_000))


def _settings(**overrides: Any) -> Any:
    return make_settings(outbound_allow_private=True, **overrides)


def test_a_slow_notification_receiver_does_not_hold_back_another_store(
    database: Database, make_store: Any
) -> None:
    with Drip() as drip, Receiver() as healthy:
        slow = make_store("Slow", settings={"pod_notification_url": drip.url + "/n"})
        quick = make_store("Quick", settings={"pod_notification_url": healthy.url + "/n"})
        settings = _settings(notify_poll_seconds=0.05, notify_timeout_seconds=DEADLINE,
                             notify_max_attempts=1)  # fmt: skip
        with TestClient(create_app(settings, database=database)) as client:
            slow_order = OrderDesk(client, slow).create_order()
            OrderDesk(client, slow).put(
                f"/orders/{slow_order['id']}", json={"shipping": {"company": "A"}}
            )
            held = drip.wait_for_connection()
            quick_shop = OrderDesk(client, quick)
            order = quick_shop.create_order()
            queued = time.monotonic()
            quick_shop.put(f"/orders/{order['id']}", json={"shipping": {"company": "B"}})
            arrived = healthy.wait_for(1, timeout=10)[0].at
            assert arrived - queued < 1.0
            assert held.closed is None or arrived < held.closed  # while the drip was held
            wait_for(lambda: held.closed, 10, "the slow notification to be cut")
            assert held.closed - held.opened < DEADLINE + 1.0

            def recorded() -> Any:
                with database.read() as conn:
                    rows = notifications.history(conn, slow.store.id, int(slow_order["id"]))
                return rows and rows[0]["failed_at"] and rows[0]

            row = wait_for(recorded, 10, "the slow notification to be recorded as failed")
    assert row["last_error"] == f"timed out after {DEADLINE:g} s"


def test_a_slow_webhook_endpoint_does_not_hold_back_another_store(
    database: Database, make_store: Any
) -> None:
    with Drip() as drip, Receiver() as healthy:
        slow, quick = make_store("Slow hooks"), make_store("Quick hooks")
        with database.write() as conn:
            for store, url in ((slow, drip.url), (quick, healthy.url)):
                webhooks.add_endpoint(
                    conn, store.store.id, url + "/hook", ["order.created"], "form", "secret-1"
                )
        settings = _settings(webhook_poll_seconds=0.05, webhook_timeout_seconds=DEADLINE)
        with TestClient(create_app(settings, database=database)) as client:
            OrderDesk(client, slow).create_order()
            held = drip.wait_for_connection()
            queued = time.monotonic()
            OrderDesk(client, quick).create_order()
            arrived = healthy.wait_for(1, timeout=10)[0].at
            assert arrived - queued < 1.0
            assert held.closed is None or arrived < held.closed
            wait_for(lambda: held.closed, 10, "the slow delivery to be cut")
            assert held.closed - held.opened < DEADLINE + 1.0

            def attempted() -> Any:
                with database.read() as conn:
                    found = webhooks.list_deliveries(conn, slow.store.id)
                return found and found[0].last_error and found[0]

            delivery = wait_for(attempted, 10, "the slow delivery's attempt to be logged")
    assert delivery.last_error == f"timed out after {DEADLINE:g} s"
    assert delivery.status == "pending"  # retried later, like any failed attempt
