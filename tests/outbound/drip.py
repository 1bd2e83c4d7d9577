"""A receiver on loopback that never finishes its answer: it reads the request, starts a
`200` status line and then sends one byte of a header every `interval` seconds, so a client
that only bounds each read waits forever. It records when each connection opened and when
the client gave up on it."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Connection:
    opened: float
    closed: float | None = None


class Drip:
    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.connections: list[Connection] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Drip:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            record = Connection(time.monotonic())
            self.connections.append(record)
            threading.Thread(target=self._drip, args=(conn, record), daemon=True).start()

    def _drip(self, conn: socket.socket, record: Connection) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)  # the request (small enough for one read here)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Drip: ")
                sent = time.monotonic()
                conn.settimeout(0.05)
                while not self._stop.is_set():
                    if self._closed_by_client(conn):
                        break
                    if time.monotonic() - sent >= self.interval:
                        conn.sendall(b"a")
                        sent = time.monotonic()
            except OSError:
                pass
        record.closed = time.monotonic()

    @staticmethod
    def _closed_by_client(conn: socket.socket) -> bool:
        """Reads what is left of the request; True once the client has closed its end."""
        try:
            return conn.recv(4096) == b""
        except TimeoutError:
            return False

    def wait_for_connection(self, timeout: float = 10.0) -> Connection:
        deadline = time.monotonic() + timeout
        while not self.connections:
            if time.monotonic() > deadline:
                raise AssertionError("nobody connected to the drip receiver")
            time.sleep(0.02)
        return self.connections[0]
