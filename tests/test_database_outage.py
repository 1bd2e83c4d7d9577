"""An unreachable database answers 503 with Retry-After in each door's shape (Order Desk
envelope, print-on-demand `{"error": ...}`, a desk page), logged once per outage and counted
in /metrics; a real bug is still a 500; and the server recovers by itself when the database
is back (a PostgreSQL "restart" simulated by a loopback TCP proxy that is closed and reopened,
so the shared PostgreSQL server is never stopped)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from orderhub.app import create_app
from orderhub.storage import migrate, stores
from orderhub.storage.availability import is_unavailable
from orderhub.storage.database import Database
from tests.helpers import make_settings
from tests.pod.helpers import sha1
from tests.test_observability import sample

OD_HEADERS = {"ORDERDESK-STORE-ID": "1", "ORDERDESK-API-KEY": "k" * 32}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable_answers(client: TestClient) -> None:
    od = client.get("/api/v2/orders", headers=OD_HEADERS)
    assert od.status_code == 503, od.text
    assert od.json()["status"] == "error" and "database cannot be reached" in od.json()["message"]
    assert od.headers["retry-after"] == "5"
    query = "AppId=abc&ids=1"
    pod = client.get(f"/api/orders.php?{query}&Signature={sha1(query.encode(), 'secret')}")
    assert pod.status_code == 503 and pod.headers["retry-after"] == "5"
    assert list(pod.json()) == ["error"] and "database cannot be reached" in pod.json()["error"]
    page = client.get("/login")
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert page.headers["content-type"].startswith("text/html")
    assert "Try again in a moment" in page.text


@pytest.mark.postgres
def test_a_database_on_a_closed_port_is_503_logged_once_and_counted(
    proxied: tuple[Proxy, Database], caplog: pytest.LogCaptureFixture
) -> None:
    proxy, db = proxied
    app = create_app(make_settings(metrics="on"), database=db)  # checks the schema: up
    proxy.close()  # now the database's port is closed
    counter = app.state.metrics.database_unavailable
    before = counter._value.get()
    with caplog.at_level(logging.WARNING, logger="orderhub"):
        client = TestClient(app)
        _unavailable_answers(client)
        _unavailable_answers(client)
    assert counter._value.get() - before == 6
    warnings = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(warnings) == 1
    assert not [r for r in caplog.records if "unhandled error" in r.getMessage()]


@pytest.mark.postgres
def test_only_unreachable_counts_as_unavailable(
    tmp_path: Any, fresh_database_url: Callable[[str], str]
) -> None:
    """A missing table or a syntax error is a bug (500), on either database."""
    sqlite = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(DBAPIError) as missing, sqlite.read() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    assert not is_unavailable(missing.value)
    sqlite.dispose()
    url = make_url(fresh_database_url("postgres"))
    postgres = Database(url.render_as_string(hide_password=False))
    with pytest.raises(DBAPIError) as syntax, postgres.read() as conn:
        conn.execute(text("SELEC 1"))
    assert not is_unavailable(syntax.value)
    postgres.dispose()
    closed = Database(url.set(port=_closed_port()).render_as_string(hide_password=False))
    with pytest.raises(DBAPIError) as refused, closed.read() as conn:
        conn.execute(text("SELECT 1"))
    assert is_unavailable(refused.value)
    closed.dispose()


class Proxy:
    """A TCP relay on loopback that can be closed (listener and every relayed connection:
    what clients see when PostgreSQL restarts) and reopened on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _closed_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.open()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def proxied(fresh_database_url: Callable[[str], str]) -> Iterator[tuple[Proxy, Database]]:
    url = make_url(fresh_database_url("postgres"))
    direct = Database(url.render_as_string(hide_password=False))
    migrate.upgrade(direct)
    direct.dispose()
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    db = Database(url.set(port=proxy.port).render_as_string(hide_password=False))
    yield proxy, db
    db.dispose()
    proxy.close()


@pytest.mark.postgres
def test_a_postgresql_restart_under_load_is_503_then_recovers(
    proxied: tuple[Proxy, Database], caplog: pytest.LogCaptureFixture
) -> None:
    proxy, db = proxied
    with db.write() as conn:
        store = stores.create_store(conn, "Outage")
    headers = {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}
    app = create_app(make_settings(metrics="on", auth_cache_seconds=0), database=db)
    client = TestClient(app)

    def call(_: int) -> int:
        return client.get("/api/v2/orders", headers=headers).status_code

    with ThreadPoolExecutor(6) as pool, caplog.at_level(logging.WARNING, logger="orderhub"):
        assert set(pool.map(call, range(12))) == {200}  # the pool holds live connections
        before = sample(client.get("/metrics").text, "orderhub_database_unavailable_total")
        proxy.close()  # the "restart": every connection dropped, nothing listening
        during = list(pool.map(call, range(24)))
        assert set(during) == {503}, during
        proxy.open()
        after = list(pool.map(call, range(12)))
    assert set(after) == {200}, after
    counted = sample(client.get("/metrics").text, "orderhub_database_unavailable_total") - before
    assert counted == 24
    messages = [r.getMessage() for r in caplog.records]
    assert sum("cannot be reached" in m for m in messages) == 1
    assert sum("reachable again" in m for m in messages) == 1
    assert not [m for m in messages if "unhandled error" in m]
