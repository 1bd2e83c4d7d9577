"""The connection-level behaviour of a real `orderhub serve` on loopback: a 500 closes its
keep-alive connection cleanly, slow heads and bodies are cut off, a client leaving
mid-body costs one log line, and several workers share one metrics collector.

SQLite only: what is tested is the HTTP server, not the database."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from orderhub.storage import migrate, stores
from orderhub.storage.database import Database
from tests.helpers import sample_order


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, root: Path, *args: str, **env: str) -> None:
        self.db_path = root / "orderhub.db"
        self.log_path = root / "server.log"
        url = f"sqlite:///{self.db_path}"
        db = Database(url)
        migrate.upgrade(db)
        with db.write() as conn:
            self.store = stores.create_store(conn, "Served")
        db.dispose()
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ORDERHUB_")}
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        environment.update(ORDERHUB_DATABASE_URL=url, ORDERHUB_NOTIFY_POLL_SECONDS="0", **env)
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "orderhub", "serve", "--port", str(self.port), *args],
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"server did not start:\n{self.logs()}")

    @property
    def headers(self) -> dict[str, str]:
        return {
            "ORDERDESK-STORE-ID": str(self.store.store.id),
            "ORDERDESK-API-KEY": self.store.api_key,
        }

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return sock

    def logs(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(
        tmp_path_factory.mktemp("served"),
        ORDERHUB_HEADER_TIMEOUT_SECONDS="1",
        ORDERHUB_BODY_TIMEOUT_SECONDS="1",
    )
    yield running
    running.stop()


def _read_until_closed(sock: socket.socket, limit: float = 10) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    start = time.monotonic()
    sock.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def _request(path: str, headers: dict[str, str], method: str = "GET", body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_a_500_closes_its_keep_alive_connection_cleanly(server: Server) -> None:
    # A real failure: the inventory table disappears under the running server.
    with httpx.Client(base_url=server.base, headers=server.headers) as client:
        assert client.get("/api/v2/inventory-items").status_code == 200
        with sqlite3.connect(server.db_path) as conn:
            conn.execute("DROP TABLE inventory_items")
        failed = client.get("/api/v2/inventory-items")
        assert failed.status_code == 500
        assert failed.headers["connection"] == "close"
        request_id = failed.headers["x-request-id"]
        assert failed.json()["message"] == (
            f"Internal error; see the server log (request id {request_id})"
        )
        # The client knows not to reuse the connection: the next request just works.
        assert client.get("/api/v2/test").status_code == 200

    # On the wire: the 500 says Connection: close, then the server closes.
    with server.connect() as sock:
        sock.sendall(_request("/api/v2/inventory-items", server.headers))
        data, _ = _read_until_closed(sock)
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 500") and b"connection: close" in head
    logs = server.logs()
    assert logs.count("unhandled error on") == 2  # one per failed request, by orderhub
    assert "Exception in ASGI application" not in logs
    assert f"[{request_id}] unhandled error on GET /api/v2/inventory-items" in logs


def test_half_a_header_is_cut_off_after_the_header_timeout(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: te")
        data, took = _read_until_closed(sock)
    assert data == b"" and 0.8 < took < 5
    with server.connect() as sock:  # a connection that says nothing at all
        data, took = _read_until_closed(sock)
    assert data == b"" and 0.8 < took < 5


def test_a_slow_but_timely_head_is_served(server: Server) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        time.sleep(0.5)
        sock.sendall(b"Host: test\r\nConnection: close\r\n\r\n")
        data, _ = _read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 200")


def test_a_stalled_body_gets_408_then_the_connection_closes(server: Server) -> None:
    body = orjson.dumps(sample_order())
    with server.connect() as sock:
        sock.sendall(_request("/api/v2/orders", server.headers, "POST", body)[: -len(body) // 2])
        data, took = _read_until_closed(sock)
    head, _, answer = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408") and b"connection: close" in head.lower()
    assert b"not received within 1 seconds" in answer
    assert 0.8 < took < 5


def test_a_client_leaving_mid_body_costs_one_quiet_line(server: Server) -> None:
    body = orjson.dumps(sample_order())
    before = server.logs()
    with server.connect() as sock:
        sock.sendall(_request("/api/v2/orders", server.headers, "POST", body)[: -len(body) // 2])
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while "POST /api/v2/orders 499" not in server.logs()[len(before) :]:
        assert time.monotonic() < deadline, server.logs()[len(before) :]
        time.sleep(0.05)
    new = server.logs()[len(before) :]
    assert "client closed the connection before sending the whole request body" in new
    assert "Traceback" not in new and "ERROR" not in new
    assert len(new) < 600, new


def test_workers_share_one_metrics_collector_on_its_own_port(tmp_path: Path) -> None:
    metrics_port = _free_port()
    server = Server(
        tmp_path, "--workers", "2", "--access-log", "json",
        ORDERHUB_METRICS_PORT=str(metrics_port),
    )  # fmt: skip
    try:
        for _ in range(20):  # new connections: both workers answer some
            assert httpx.get(server.base + "/api/v2/test", headers=server.headers).is_success
        assert httpx.get(server.base + "/metrics").status_code == 404
        text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        line = 'orderhub_http_requests_total{method="GET",route="/api/v2/test",status="200"}'
        assert f"{line} 20.0" in text
        assert "orderhub_outbox_pending 0.0" in text
    finally:
        server.stop()
    access = [
        orjson.loads(line) for line in server.logs().splitlines() if "orderhub.access" in line
    ]
    tests = [line for line in access if line["route"] == "/api/v2/test"]
    assert len(tests) == 20 and {line["status"] for line in tests} == {200}
    assert {"time", "level", "logger", "message", "request_id", "duration_ms"} <= set(tests[0])


def test_any_worker_answers_metrics_for_all_of_them(tmp_path: Path) -> None:
    server = Server(tmp_path, "--workers", "2", ORDERHUB_ACCESS_LOG="off")
    try:
        for _ in range(20):  # new connections: both workers answer some
            assert httpx.get(server.base + "/api/v2/test", headers=server.headers).is_success
        line = 'orderhub_http_requests_total{method="GET",route="/api/v2/test",status="200"}'
        for _ in range(6):  # whichever worker is scraped, it counts every worker's requests
            assert f"{line} 20.0" in httpx.get(server.base + "/metrics").text
    finally:
        server.stop()
    assert "orderhub.access" not in server.logs()


def test_serve_refuses_an_unknown_access_log_format() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "orderhub", "serve", "--access-log", "yaml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--access-log must be text, json or off" in done.stderr
