"""Test harness for forwarding: a second orderhub (`orderhub serve` in a subprocess, on its
own SQLite database) playing the print provider, and a proxy in front of it that can lose
responses or answer 503 for a while."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from orderhub.storage import migrate, stores
from orderhub.storage.database import Database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Any, seconds: float = 15, what: str = "condition") -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class SupplierHub:
    """orderhub B: its own process and database; each test gets a store of its own there."""

    def __init__(self, workdir: Path, *, wait: bool = True) -> None:
        """`wait=False` returns once the process is started; `wait_until_up()` then waits
        (so several suppliers start side by side)."""
        self.url_db = f"sqlite:///{workdir / 'b.db'}"
        self.db = Database(self.url_db)
        migrate.upgrade(self.db)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "ORDERHUB_DATABASE_URL": self.url_db,
            "ORDERHUB_RATE_LIMIT_CAPACITY": "0",
            "ORDERHUB_NOTIFY_POLL_SECONDS": "0.2",
            "ORDERHUB_NOTIFY_BACKOFF_SECONDS": "0.2",
            "ORDERHUB_FORWARD_POLL_SECONDS": "0",
            # B notifies hub A on loopback: allowed only when said so
            "ORDERHUB_OUTBOUND_ALLOW_PRIVATE": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orderhub", "serve", "--port", str(self.port)],
            cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        if wait:
            self.wait_until_up()

    def wait_until_up(self) -> None:
        wait_for(self._up, 30, "orderhub B to serve")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"orderhub B exited: {self.process.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            httpx.get(self.url + "/api/v2/test", timeout=1)
        except httpx.TransportError:
            return False
        return True

    def new_store(self, **settings: Any) -> stores.NewStore:
        with self.db.write() as conn:
            return stores.create_store(conn, "Printer B", settings=settings)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.db.dispose()


class FaultyProxy:
    """Forwards every request to `target`, except that the next requests can be made to
    fail: "down" answers 503 without forwarding; "lost" forwards the request (the supplier
    does the work) and then hangs up without answering."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.faults: list[str] = []
        self.seen: list[tuple[str, str, str]] = []  # (method, path, outcome)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fault = proxy.faults.pop(0) if proxy.faults else "pass"
                proxy.seen.append((self.command, self.path.split("?")[0], fault))
                if fault == "down":
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                headers = {
                    k: v for k, v in self.headers.items()
                    if k.lower() in ("content-type", "idempotency-key")
                }  # fmt: skip
                response = httpx.request(
                    self.command, proxy.target + self.path, content=body, headers=headers,
                    timeout=10,
                )  # fmt: skip
                if fault == "lost":
                    self.close_connection = True
                    return
                self.send_response(response.status_code)
                self.send_header("Content-Type", response.headers.get("content-type", ""))
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            do_GET = do_POST = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def supplier_hub(workdir: Path) -> Iterator[SupplierHub]:
    hub = SupplierHub(workdir)
    try:
        yield hub
    finally:
        hub.close()
