"""`orderhub serve` as an operator runs it: a taken port, SIGTERM with a request in flight,
a reverse proxy's prefix and headers, and `--help` showing the defaults."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from orderhub.cli import app as cli
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from orderhub.storage.tables import orders
from tests.helpers import sample_order
from tests.servers import clean_env, running_server, start_server, stop_server


@pytest.fixture
def served(tmp_path: Path) -> tuple[str, stores.NewStore]:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        new = stores.create_store(conn, "Served")
    db.dispose()
    return url, new


@pytest.mark.parametrize("command", ["serve", "quickstart"])
def test_a_taken_port_is_reported_before_serving(
    served: tuple[str, stores.NewStore], command: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "orderhub", command, "--port", str(port)],
            env=clean_env(ORDERHUB_DATABASE_URL=served[0], COLUMNS="200"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in output
    assert "--port" in output and "ORDERHUB_PORT" in output
    assert "Serving" not in output and "startup complete" not in output
    assert "Store 1 created" not in output  # quickstart changed nothing


def test_sigterm_lets_the_request_in_flight_finish(served: tuple[str, stores.NewStore]) -> None:
    url, new = served
    server = start_server(url)
    try:
        body = orjson.dumps(sample_order(source_id="in-flight"))
        head = (
            f"POST /api/v2/orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"ORDERDESK-STORE-ID: {new.store.id}\r\nORDERDESK-API-KEY: {new.api_key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=20) as conn:
            conn.sendall(head + body[:20])  # the request has started; its body is still coming
            time.sleep(0.5)
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            assert server.proc.poll() is None  # draining, not gone
            conn.sendall(body[20:])
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["order"]["source_id"] == "in-flight"
        assert server.proc.wait(timeout=30) == 0
        output = server.output()
        assert "Application shutdown complete" in output, output
        assert "Traceback" not in output
    finally:
        stop_server(server, signal.SIGKILL)
    # The answer was committed, not just sent.
    db = Database(url)
    with db.read() as conn:
        assert stores.get_store(conn, new.store.id).name == "Served"
    db.dispose()


def test_behind_a_reverse_proxy(served: tuple[str, stores.NewStore]) -> None:
    url, new = served
    options = ("--root-path", "/orderhub", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")
    with running_server(url, *options) as server, httpx.Client(base_url=server.url) as http:
        # The proxy strips the prefix; errors still answer in the protocol's own shape.
        response = http.get("/api/v2/test")
        assert response.status_code == 401 and response.json()["status"] == "error"
        headers = {"ORDERDESK-STORE-ID": str(new.store.id), "ORDERDESK-API-KEY": new.api_key}
        assert http.get("/api/v2/test", headers=headers).status_code == 200
        assert "/orderhub/openapi.json" in http.get("/docs").text
        # Trusted X-Forwarded-Proto: redirects the app makes point at the public https URL.
        moved = http.get(
            "/api/v2/orders/",
            headers={**headers, "X-Forwarded-Proto": "https", "Host": "shop.example"},
        )
        assert moved.status_code == 307
        assert moved.headers["location"].startswith("https://shop.example/orderhub/api/v2/orders")


def test_help_shows_defaults() -> None:
    out = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "ORDERHUB_PORT or 8000" in out and "ORDERHUB_WORKERS or 1" in out
    assert "--root-path" in out and "--forwarded-allow-ips" in out and "127.0.0.1" in out
    assert "default: 30" in out  # --graceful-timeout
    out = CliRunner().invoke(cli, ["quickstart", "--help"], env={"COLUMNS": "200"}).output
    assert "ORDERHUB_HOST or 127.0.0.1" in out


def test_keep_alive_requests_are_not_held_back_by_nagle(
    served: tuple[str, stores.NewStore],
) -> None:
    """Every request after the first on a kept-alive connection used to wait ~40 ms for a
    delayed ACK: the listening socket handed to uvicorn is taken for a Unix socket, so Nagle's
    algorithm stayed on. The median of 15 requests is far below that now."""
    with running_server(served[0]) as server, httpx.Client(base_url=server.url) as client:
        client.get("/healthz")
        times = []
        for _ in range(15):
            start = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            times.append(time.perf_counter() - start)
    assert sorted(times)[7] < 0.025, times


def test_sigkill_loses_no_acknowledged_create(served: tuple[str, stores.NewStore]) -> None:
    """Creates from 16 connections and the server killed mid-stream: every create that was
    answered 200 is in the database (an answer never precedes its commit)."""
    url, new = served
    server = start_server(url)
    headers = {"ORDERDESK-STORE-ID": str(new.store.id), "ORDERDESK-API-KEY": new.api_key}
    acknowledged: list[str] = []
    stop = threading.Event()

    def post_until_killed(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
            for i in range(10_000):
                source_id = f"k-{worker}-{i}"
                try:
                    response = http.post("/api/v2/orders", json=sample_order(source_id=source_id))
                except httpx.HTTPError:
                    return
                if response.status_code == 200:
                    acknowledged.append(source_id)
                if stop.is_set():
                    return

    try:
        threads = [threading.Thread(target=post_until_killed, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop_server(server, signal.SIGKILL)
    assert len(acknowledged) >= 100
    db = Database(url)
    with db.read() as conn:
        stored = set(
            conn.execute(
                select(orders.c.source_id).where(orders.c.store_id == new.store.id)
            ).scalars()
        )
    db.dispose()
    assert set(acknowledged) <= stored
