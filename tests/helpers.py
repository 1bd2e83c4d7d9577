"""Helpers shared by the tests: settings for test apps, a valid order, a store-bound client,
orders taken through the service."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from fastapi.testclient import TestClient

from orderhub.config import Settings
from orderhub.domain.channel import Channel
from orderhub.domain.orders import Item, Order
from orderhub.services import orders as order_service
from orderhub.storage import stores
from orderhub.storage.database import Database


def make_settings(**overrides: Any) -> Settings:
    # No background notification delivery unless a test asks for it: the apps of one test run
    # share a database, and one app's worker must not deliver another test's rows.
    values: dict[str, Any] = {
        "rate_limit_capacity": 0,
        "redis_url": None,
        "notify_poll_seconds": 0,
        "forward_poll_seconds": 0,
        "webhook_poll_seconds": 0,
        "email_poll_seconds": 0,
        "smtp_url": None,
        "rule_schedule_poll_seconds": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


test_settings = make_settings
test_settings.__test__ = False  # type: ignore[attr-defined]


class OrderDesk:
    """A TestClient bound to one store's credentials and the /api/v2 prefix."""

    def __init__(self, client: TestClient, store: stores.NewStore) -> None:
        self.client = client
        self.store = store
        self.headers = {
            "ORDERDESK-STORE-ID": str(store.store.id),
            "ORDERDESK-API-KEY": store.api_key,
            "Content-Type": "application/json",
        }

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, "/api/v2" + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def create_order(self, **fields: Any) -> dict[str, Any]:
        response = self.post("/orders", json=sample_order(**fields))
        assert response.status_code == 200, response.text
        return response.json()["order"]


def sample_order(**fields: Any) -> dict[str, Any]:
    """A valid order in the shape of spec §4.8 (fields override the defaults)."""
    order: dict[str, Any] = {
        "source_id": f"cart-{secrets.token_hex(6)}",
        "source_name": "API",
        "email": "jane@example.com",
        "shipping_method": "Ground",
        "shipping_total": 5.5,
        "handling_total": 0.5,
        "tax_total": 1.2,
        "shipping": {
            "first_name": "Jane",
            "last_name": "Doe",
            "address1": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
            "phone": "555-0100",
        },
        "order_items": [
            {"name": "T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 2, "weight": 0.5},
            {"name": "Mug", "code": "MUG-1", "price": "7.25", "quantity": 1, "weight": 1.25},
        ],
    }
    order.update(fields)
    return order


class LiveServer:
    """An app served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def take_orders(db: Database, store: stores.NewStore, emails: list[str]) -> list[int]:
    """One one-item order per email, taken through the service; their ids, in order."""
    ids = []
    for email in emails:
        order = Order(items=[Item(name="Tee")], email=email)
        taken = order_service.take_order(db, store.store, order, channel=Channel.orderdesk())
        assert taken.order is not None and taken.order.id is not None
        ids.append(taken.order.id)
    return ids
