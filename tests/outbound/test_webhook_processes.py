"""Webhook delivery across real `orderhub serve` processes: a process killed between the
commit and the delivery loses nothing, and two processes never send one delivery twice."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.storage import migrate, stores, webhooks
from orderhub.storage.database import Database
from tests.helpers import sample_order
from tests.outbound.receiver import Receiver


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`orderhub serve` in a subprocess, on its own port."""

    def __init__(self, url: str, **settings: str) -> None:
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERHUB_")}
        env.update(
            ORDERHUB_DATABASE_URL=url,
            ORDERHUB_PORT=str(self.port),
            ORDERHUB_OUTBOUND_ALLOW_PRIVATE="1",
            ORDERHUB_NOTIFY_POLL_SECONDS="0",
            ORDERHUB_RATE_LIMIT_CAPACITY="0",
            **{f"ORDERHUB_{k.upper()}": v for k, v in settings.items()},
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "orderhub", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> Server:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/api/v2/test", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("orderhub serve did not start")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(15)


@pytest.fixture
def setup(
    backend: str, fresh_database_url: Callable[[str], str]
) -> Iterator[tuple[str, Database, stores.NewStore]]:
    url = fresh_database_url(backend)
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        shop = stores.create_store(conn, "Process Shop")
    yield url, db, shop
    db.dispose()


def _create_order(server: Server, shop: stores.NewStore) -> int:
    headers = {"ORDERDESK-STORE-ID": str(shop.store.id), "ORDERDESK-API-KEY": shop.api_key}
    response = httpx.post(server.base + "/api/v2/orders", json=sample_order(), headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["order"]["id"])


def _publish(db: Database, shop: stores.NewStore, name: str, order_id: int) -> None:
    with db.write() as conn:
        events.publish(conn, shop.store, OrderEvent(name, order_id, {}))


def _statuses(db: Database, shop: stores.NewStore) -> list[str]:
    with db.read() as conn:
        return [d.status for d in webhooks.list_deliveries(conn, shop.store.id)]


def test_a_process_killed_before_delivery_loses_nothing(setup: Any) -> None:
    url, db, shop = setup
    with Receiver() as receiver:
        # The first process polls once at start, then not for an hour: the change below is
        # committed while it runs, and it dies before delivering it.
        first = Server(url, webhook_poll_seconds="3600").wait_ready()
        try:
            with db.write() as conn:
                webhooks.add_endpoint(conn, shop.store.id, receiver.url, ["*"], "form", "s3cret!!")
            order_id = _create_order(first, shop)  # committed, with its delivery queued
            assert _statuses(db, shop) == ["pending"]
        finally:
            first.kill()
        assert receiver.received == []
        second = Server(url, webhook_poll_seconds="0.2").wait_ready()
        try:
            got = receiver.wait_for(1)
        finally:
            second.stop()
    assert [r.headers["X-ORDERHUB-EVENT"] for r in got] == ["order.created"]
    assert f'"id":"{order_id}"' in parse_qs(got[0].body.decode())["order"][0]
    assert _statuses(db, shop) == ["delivered"]


def test_two_processes_never_send_a_delivery_twice(setup: Any) -> None:
    url, db, shop = setup
    with Receiver() as receiver:
        servers = [Server(url, webhook_poll_seconds="0.05") for _ in range(2)]
        try:
            for server in servers:
                server.wait_ready()
            order_ids = [_create_order(servers[0], shop) for _ in range(5)]
            with db.write() as conn:
                webhooks.add_endpoint(conn, shop.store.id, receiver.url, ["*"], "form", "s3cret!!")
            for order_id in order_ids:
                for name in (events.ORDER_CREATED, events.ORDER_MOVED, events.SHIPMENT_CREATED):
                    _publish(db, shop, name, order_id)
            got = receiver.wait_for(15)
            time.sleep(1)  # anything sent twice would arrive by now
        finally:
            for server in servers:
                server.stop()
    ids = [r.headers["X-ORDERHUB-DELIVERY"] for r in receiver.received]
    assert len(got) >= 15 and len(ids) == 15 == len(set(ids))
    assert set(_statuses(db, shop)) == {"delivered"}
