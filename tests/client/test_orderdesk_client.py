"""The Order Desk client against a live orderhub on loopback (no mocks), on both databases."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from orderhub.app import create_app
from orderhub.client import (
    AsyncOrderDeskClient,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OrderDeskClient,
    RateLimitError,
    RetryPolicy,
    TransportError,
    ValidationError,
)
from tests.helpers import LiveServer, make_settings, sample_order


@pytest.fixture(scope="module")
def live(database: Any) -> Iterator[LiveServer]:
    with LiveServer(create_app(make_settings(), database=database)) as server:
        yield server


@pytest.fixture
def client(live: LiveServer, store: Any) -> Iterator[OrderDeskClient]:
    fast = RetryPolicy(attempts=3, backoff=0.01)
    with OrderDeskClient(
        live.url + "/api/v2", store.store.id, store.api_key, retry=fast
    ) as od_client:
        yield od_client


def test_order_lifecycle(client: OrderDeskClient) -> None:
    assert client.test()["message"] == "Connection Successful"
    assert "Received" in client.get_store()["folders"].values()
    order = client.create_order(sample_order(source_id="client-1"))
    assert order["source_id"] == "client-1"
    fetched = client.get_order(order["id"])
    fetched["email"] = "changed@example.com"
    assert client.update_order(order["id"], fetched)["email"] == "changed@example.com"
    item = client.add_item(order["id"], {"name": "Sticker", "price": 1.5, "quantity": 4})
    assert client.update_item(order["id"], item["id"], {"quantity": 5})["quantity"] == 5
    assert len(client.list_items(order["id"])) == 3
    history = client.add_history(order["id"], "checked")["order_history"]
    assert history[-1]["note"] == "checked"
    client.delete_item(order["id"], item["id"])
    client.delete_order(order["id"])
    with pytest.raises(NotFoundError) as err:
        client.get_order(order["id"])
    assert err.value.status_code == 404 and "not found" in err.value.message


def test_errors_are_typed(client: OrderDeskClient, live: LiveServer) -> None:
    client.create_order(sample_order(source_id="dup"))
    with pytest.raises(ConflictError, match="Duplicate order"):
        client.create_order(sample_order(source_id="dup"))
    with pytest.raises(ValidationError, match="order_items"):
        client.create_order(sample_order(order_items=[]))
    with OrderDeskClient(live.url + "/api/v2", 1, "wrong-key") as bad:
        with pytest.raises(AuthenticationError):
            bad.test()


def test_iter_orders_pages_lazily(client: OrderDeskClient) -> None:
    created = {client.create_order(sample_order())["id"] for _ in range(7)}
    seen = [o["id"] for o in client.iter_orders(page_size=3, order_by="id", order="ASC")]
    assert set(seen) == created and len(seen) == 7
    assert seen == sorted(seen, key=int)


def test_async_client(live: LiveServer, store: Any) -> None:
    async def scenario() -> list[str]:
        async with AsyncOrderDeskClient(
            live.url + "/api/v2", store.store.id, store.api_key
        ) as client:
            orders = await asyncio.gather(*(client.create_order(sample_order()) for _ in range(5)))
            ids = [o["id"] async for o in client.iter_orders(page_size=2)]
            assert sorted(ids) == sorted(o["id"] for o in orders)
            with pytest.raises(NotFoundError):
                await client.get_order(999_999_999)
            return ids

    assert len(asyncio.run(scenario())) == 5


class _Flaky(BaseHTTPRequestHandler):
    """Answers 503 (or 429 with X-Retry-After) a few times, then success; records keys."""

    plan: list[tuple[int, dict[str, str]]] = []
    seen_keys: list[str | None] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen_keys.append(self.headers.get("Idempotency-Key"))
        status, headers = type(self).plan.pop(0) if type(self).plan else (200, {})
        body = b'{"status":"success","order":{"id":"1"}}' if status == 200 else b"{}"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Flaky.seen_keys = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_retries_keep_one_idempotency_key(flaky: str) -> None:
    _Flaky.plan = [(503, {}), (429, {"X-Retry-After": "0"})]
    with OrderDeskClient(flaky, 1, "k", retry=RetryPolicy(attempts=4, backoff=0.01)) as client:
        assert client.create_order({"x": 1})["id"] == "1"
    assert len(_Flaky.seen_keys) == 3
    assert _Flaky.seen_keys[0] and len(set(_Flaky.seen_keys)) == 1


def test_gives_up_after_the_attempts(flaky: str) -> None:
    _Flaky.plan = [(429, {"X-Retry-After": "0"})] * 3
    with OrderDeskClient(flaky, 1, "k", retry=RetryPolicy(attempts=3, backoff=0.01)) as client:
        with pytest.raises(RateLimitError) as err:
            client.get_order(1)
    assert err.value.status_code == 429


def test_unreachable_server_raises_transport_error() -> None:
    with OrderDeskClient(
        "http://127.0.0.1:1", 1, "k", retry=RetryPolicy(attempts=2, backoff=0.01)
    ) as client:
        with pytest.raises(TransportError):
            client.test()


def test_back_office_methods(client: OrderDeskClient) -> None:
    """Shipments, inventory, batches, moves and folders through the client, end to end."""
    order = client.create_order(sample_order())
    oid = order["id"]
    mug = order["order_items"][1]

    part = client.add_shipment(
        oid, {"tracking_number": "1Z999AA10123456784", "order_items": [{"id": mug["id"]}]}
    )
    assert part["carrier_code"] == "UPS" and part["tracking_url"].startswith("https://")
    changed = client.update_shipment(oid, part["id"], {"tracking_number": "9400111899223100000000"})
    assert changed["carrier_code"] == "USPS"
    assert client.get_shipment(oid, part["id"])["tracking_number"] == "9400111899223100000000"
    assert [s["id"] for s in client.list_shipments(oid)] == [part["id"]]
    assert client.delete_shipment(oid, part["id"])["message"] == f"Shipment {part['id']} Deleted"
    batch = client.batch_shipments(
        [{"order_id": oid, "tracking_number": "B-1"}, {"order_id": 999_999_999}]
    )
    assert [r["status"] for r in batch["results"]] == ["success", "error"]
    with pytest.raises(ConflictError, match="Shipment Not Added"):
        client.add_shipment(oid, {"tracking_number": "B-1"})

    item = client.create_inventory_item({"name": "Tee", "code": "CLIENT-TS", "stock": 3})
    assert item["stock"] == 3
    assert client.update_inventory_item(item["id"], {**item, "stock": 9})["stock"] == 9
    assert client.get_inventory_item(item["id"])["stock"] == 9
    listed = client.list_inventory(code=["CLIENT-TS"])
    assert [i["code"] for i in listed["inventory_items"]] == ["CLIENT-TS"]
    saved = client.batch_inventory(
        [{"id": item["id"], "name": "Tee", "code": "CLIENT-TS", "stock": 1}, {"code": "nameless"}]
    )
    assert [r["status"] for r in saved["results"]] == ["success", "error"]
    client.delete_inventory_item(item["id"])
    with pytest.raises(NotFoundError):
        client.get_inventory_item(item["id"])

    folder = client.create_folder("Client test")
    assert client.rename_folder(folder["id"], "Client tested")["name"] == "Client tested"
    shipped_in = client.get_order(oid)["folder_id"]  # fully shipped by the batch above
    moved = client.move_orders([oid, 999_999_999], folder_id=folder["id"])
    assert moved["message"] == "1 Order Moved"
    assert [str(r["order_id"]) for r in moved["results"]] == [oid, "999999999"]
    assert moved["results"][0]["original_folder_id"] == shipped_in
    assert moved["results"][1]["status"] == "error"
    assert client.get_order(oid)["folder_id"] == folder["id"]
    counts = {f["name"]: f["order_count"] for f in client.list_folders()}
    assert counts["Client tested"] == 1
    with pytest.raises(ConflictError, match="still holds 1 orders"):
        client.delete_folder(folder["id"])
    client.move_orders([oid], folder_name="Received")
    client.delete_folder(folder["id"])
    assert "Client tested" not in client.get_store()["folders"].values()
