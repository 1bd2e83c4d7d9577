"""The production layout of docs/deploy.md in small: two `orderhub serve` processes on one
PostgreSQL database and one Redis. What the processes share must behave as one service:
the rate limit, idempotency keys, and print-on-demand notifications (each delivered once,
none lost)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson
import pytest
import redis
from sqlalchemy import text

from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from tests.conftest import REDIS_URL, service_missing
from tests.helpers import sample_order
from tests.servers import running_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Receiver(BaseHTTPRequestHandler):
    bodies: list[bytes] = []
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            self.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notify"
    server.shutdown()


@pytest.fixture
def shared_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing(f"Redis not reachable at ORDERHUB_TEST_REDIS_URL: {exc}")
    yield client
    client.close()


def headers(new: stores.NewStore) -> dict[str, str]:
    return {"ORDERDESK-STORE-ID": str(new.store.id), "ORDERDESK-API-KEY": new.api_key}


def wait_for(predicate: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_servers_share_limits_keys_and_notifications(
    fresh_database_url: Callable[[str], str], shared_redis: redis.Redis, receiver: str
) -> None:
    url = fresh_database_url("postgres")
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        # Store ids of their own, so no other test run's bucket in the shared Redis is hit.
        first_id = secrets.randbelow(10**9) + 10**6
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence('stores', 'id'), :n)"), {"n": first_id}
        )
        limited = stores.create_store(conn, "Limited")
        busy = stores.create_store(
            conn, "Busy", settings={"pod_notification_url": receiver, "rate_limit_capacity": 0}
        )
    db.dispose()
    bucket = f"orderhub:rl:store:{limited.store.id}"
    shared_redis.delete(bucket)
    env = {
        "ORDERHUB_REDIS_URL": REDIS_URL,
        "ORDERHUB_RATE_LIMIT_CAPACITY": "8",
        "ORDERHUB_RATE_LIMIT_REFILL_PER_SECOND": "0.001",
        "ORDERHUB_NOTIFY_POLL_SECONDS": "0.2",
        "ORDERHUB_OUTBOUND_ALLOW_PRIVATE": "1",  # the receiver is on loopback
    }
    try:
        with (
            running_server(url, **env) as one,
            running_server(url, **env) as two,
            httpx.Client(base_url=one.url, timeout=20) as a,
            httpx.Client(base_url=two.url, timeout=20) as b,
        ):
            # 1. One bucket: alternating between the processes, the tokens run out together.
            statuses = [
                (a if i % 2 == 0 else b).get("/api/v2/test", headers=headers(limited)).status_code
                for i in range(12)
            ]
            assert statuses == [200] * 8 + [429] * 4, statuses

            # 2. One idempotency key, sent to both processes at once: one order.
            payload = sample_order(source_id="same-key")
            with ThreadPoolExecutor(4) as pool:
                answers = list(
                    pool.map(
                        lambda client: client.post(
                            "/api/v2/orders",
                            json=payload,
                            headers={**headers(busy), "Idempotency-Key": "checkout-42"},
                        ),
                        [a, b, a, b],
                    )
                )
            assert [r.status_code for r in answers] == [200] * 4, [r.text for r in answers]
            assert len({r.json()["order"]["id"] for r in answers}) == 1
            found = a.get("/api/v2/orders", params={"source_id": "same-key"}, headers=headers(busy))
            assert found.json()["total_records"] == 1

            # 3. Notifications: every shipment, through either process, notified exactly once.
            order_ids = []
            for i in range(12):
                client = a if i % 2 == 0 else b
                created = client.post("/api/v2/orders", json=sample_order(), headers=headers(busy))
                order_ids.append(str(created.json()["order"]["id"]))
            for i, order_id in enumerate(order_ids):
                client = b if i % 2 == 0 else a
                shipped = client.post(
                    f"/api/v2/orders/{order_id}/shipments",
                    json={"tracking_number": f"1Z{int(order_id):08d}"},
                    headers=headers(busy),
                )
                assert shipped.status_code == 200, shipped.text
            wait_for(lambda: len(Receiver.bodies) >= len(order_ids))
            time.sleep(1.0)  # both workers poll several more times: nothing may come twice
            delivered = sorted(str(orjson.loads(body)["order"]["id"]) for body in Receiver.bodies)
            assert delivered == sorted(order_ids), delivered
    finally:
        shared_redis.delete(bucket)
