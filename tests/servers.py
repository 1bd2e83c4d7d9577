"""`orderhub serve` as a real subprocess on a free loopback port, for tests that need a
server process (signals, locks, several processes on one database)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**values: str) -> dict[str, str]:
    """The environment without the caller's ORDERHUB_* settings, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERHUB_")}
    env.update(values)
    return env


class Server:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        """Everything the process printed (only once it has exited)."""
        assert self.proc.stdout is not None
        return self.proc.stdout.read()


def start_server(database_url: str, *args: str, **env: str) -> Server:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderhub", "serve", "--port", str(port), *args],
        env=clean_env(ORDERHUB_DATABASE_URL=database_url, COLUMNS="200", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(proc, port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {server.output()}")
        try:
            httpx.get(f"{server.url}/api/v2/test", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"server did not start: {server.output()}")


def stop_server(server: Server, sig: int = signal.SIGTERM) -> int:
    if server.proc.poll() is None:
        server.proc.send_signal(sig)
    try:
        return server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        raise


@contextmanager
def running_server(database_url: str, *args: str, **env: str) -> Iterator[Server]:
    server = start_server(database_url, *args, **env)
    try:
        yield server
    finally:
        stop_server(server)
