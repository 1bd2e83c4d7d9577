"""Notifications to a real local HTTP receiver: delivered after commit, signed, retried, and
never lost when the process stops between the change and the delivery."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.app import create_app
from orderhub.outbound.notifier import Notifier
from orderhub.storage import notifications
from tests.helpers import OrderDesk, make_settings
from tests.pod.helpers import Pod, sha1


class Receiver(BaseHTTPRequestHandler):
    failures_left = 0
    received: list[tuple[dict[str, list[str]], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cls = type(self)
        if cls.failures_left > 0:
            cls.failures_left -= 1
            self.send_response(503)
        else:
            cls.received.append((parse_qs(urlsplit(self.path).query), body))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received, Receiver.failures_left = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook?src=orderhub"
    server.shutdown()


def later_settings(**overrides: Any) -> Any:
    """A worker run by hand, on loopback receivers (which the guards allow only when told)."""
    values = {"notify_poll_seconds": 1, "notify_backoff_seconds": 0, "outbound_allow_private": True}
    return make_settings(**{**values, **overrides})


def wait_for(predicate: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_shipment_is_notified_signed_after_retries(
    database: Any, make_store: Any, receiver: str
) -> None:
    store = make_store(settings={"pod_notification_url": receiver})
    Receiver.failures_left = 2
    settings = make_settings(
        notify_poll_seconds=0.05, notify_backoff_seconds=0.05, outbound_allow_private=True
    )
    with TestClient(create_app(settings, database=database)) as client:
        pod, od = Pod(client, store), OrderDesk(client, store)
        created = pod.create(external_id="N-1")
        assert Receiver.received == []  # creation is not an update
        od.post(f"/orders/{created['id']}/shipments", json={"tracking_number": "AB123456789GB"})
        wait_for(lambda: len(Receiver.received) >= 1)
    params, body = Receiver.received[0]
    assert params["src"] == ["orderhub"] and params["AppId"] == [store.store.pod_app_id]
    assert params["Signature"] == [sha1(body, store.pod_secret)]
    order = orjson.loads(body)["order"]
    assert order["id"] == created["id"] and order["external_id"] == "N-1"
    assert order["status"] == "shipped" and order["shipping"]["trackingNumber"] == "AB123456789GB"
    with database.read() as conn:
        rows = notifications.history(conn, store.store.id, int(created["id"]))
    assert rows[0]["attempts"] == 3 and rows[0]["delivered_at"] is not None


def test_updates_are_notified_and_nothing_without_a_url(
    database: Any, make_store: Any, receiver: str
) -> None:
    quiet, loud = (
        make_store("Quiet"),
        make_store("Loud", settings={"pod_notification_url": receiver}),
    )
    settings = make_settings(notify_poll_seconds=0.05, outbound_allow_private=True)
    with TestClient(create_app(settings, database=database)) as client:
        for store in (quiet, loud):
            order = OrderDesk(client, store).create_order()
            OrderDesk(client, store).post(
                "/move-orders",
                json={"order_id_list": [order["id"]], "destination_folder_name": "Printing"},
            )
        wait_for(lambda: len(Receiver.received) >= 1)
        time.sleep(0.3)
    assert len(Receiver.received) == 1
    assert orjson.loads(Receiver.received[0][1])["order"]["status"] == "printing"
    with database.read() as conn:
        assert notifications.history(conn, quiet.store.id, int(order["id"])) == []


def test_nothing_is_lost_when_the_process_stops_before_delivery(
    database: Any, make_store: Any, receiver: str
) -> None:
    store = make_store(settings={"pod_notification_url": receiver})
    no_worker = make_settings(notify_poll_seconds=0)
    with TestClient(create_app(no_worker, database=database)) as client:
        od = OrderDesk(client, store)
        order = od.create_order()
        od.put(f"/orders/{order['id']}", json={"shipping": {"company": "Changed"}})
    assert Receiver.received == []  # "the process stopped"

    async def later_process() -> int:
        notifier = Notifier(database, later_settings(notify_max_attempts=3))
        async with notifier.client() as http:
            return await notifier.deliver_due(http)

    assert asyncio.run(later_process()) >= 1
    delivered = [orjson.loads(b)["order"] for _, b in Receiver.received]
    assert any(
        o["id"] == order["id"] and o["shipping_address"]["company"] == "Changed" for o in delivered
    )


def test_gives_up_after_the_bounded_number_of_tries(database: Any, make_store: Any) -> None:
    store = make_store(settings={"pod_notification_url": "http://127.0.0.1:1/closed"})
    with TestClient(create_app(make_settings(notify_poll_seconds=0), database=database)) as client:
        od = OrderDesk(client, store)
        order = od.create_order()
        od.post(f"/orders/{order['id']}/order-history", json={"note": "not an update"})
        od.put(f"/orders/{order['id']}", json={"shipping": {"company": "X"}})

    async def attempts() -> None:
        notifier = Notifier(database, later_settings(notify_max_attempts=2))
        async with notifier.client() as http:
            for _ in range(4):
                await notifier.deliver_due(http)

    asyncio.run(attempts())
    with database.read() as conn:
        rows = notifications.history(conn, store.store.id, int(order["id"]))
    assert len(rows) == 1
    assert rows[0]["attempts"] == 2 and rows[0]["failed_at"] is not None
    assert rows[0]["delivered_at"] is None and "ConnectError" in str(rows[0]["last_error"])
