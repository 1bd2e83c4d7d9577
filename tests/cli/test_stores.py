"""The operator's CLI: migrations, stores, keys, and the quickstart the README promises."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.storage import stores
from orderhub.storage.database import Database

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    return url


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_commands_refuse_an_unmigrated_database(env: str) -> None:
    code, out = run("store", "list")
    assert code == 1 and "orderhub db upgrade" in out
    code, out = run("db", "status")
    assert code == 1 and "(none)" in out


def test_store_lifecycle(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("store", "create", "Corner Shop", "--timezone", "Europe/London")
    assert code == 0, out
    key = re.search(r"ORDERDESK-API-KEY\s+(\w{50})", out)
    app_id = re.search(r"(APP-\d{8})", out)
    assert key and app_id
    store_id = int(re.search(r"ORDERDESK-STORE-ID\s+(\d+)", out).group(1))  # type: ignore[union-attr]

    code, out = run("store", "list")
    assert code == 0 and "Corner Shop" in out and key.group(1) not in out
    code, out = run("store", "show", str(store_id))
    assert code == 0 and "Europe/London" in out and "Received" in out and "Canceled" in out
    assert key.group(1) not in out

    code, out = run("key", "rotate", str(store_id))
    assert code == 0
    new_key = re.search(r"(\w{50})", out)
    assert new_key and new_key.group(1) != key.group(1)
    db = Database(env)
    with db.read() as conn:
        assert stores.authenticate(conn, store_id, key.group(1)) is None
        assert stores.authenticate(conn, store_id, new_key.group(1)) is not None
    db.dispose()


def test_bad_input_gets_a_clear_error(env: str) -> None:
    run("db", "upgrade")
    code, out = run("store", "create", "X", "--timezone", "Mars/Base")
    assert code == 1 and "IANA time zone" in out
    code, out = run("store", "show", "999")
    assert code == 1 and "store 999 not found" in out
    code, out = run("key", "rotate", "999")
    assert code == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_quickstart_serves_a_ready_store(tmp_path: Path) -> None:
    """The README's `make run` path: migrate, create a demo store, print credentials, serve."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERHUB_")}
    env.update(ORDERHUB_DATA_DIR=str(tmp_path / "data"), ORDERHUB_PORT=str(port), COLUMNS="80")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderhub", "quickstart"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 30
        assert proc.stdout is not None
        while "Serving on" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output += line
        key = re.search(r"ORDERDESK-API-KEY\s+(\w{50})", output)
        store_id = re.search(r"ORDERDESK-STORE-ID\s+(\d+)", output)
        assert key and store_id, output
        assert f"http://127.0.0.1:{port}" in output
        # The curl line stays one line on a narrow terminal, so it can be pasted as is.
        curl = re.search(r"curl .*'ORDERDESK-API-KEY: (\w{50})' http://\S+/api/v2/test", output)
        assert curl and curl.group(1) == key.group(1), output
        headers = {"ORDERDESK-STORE-ID": store_id.group(1), "ORDERDESK-API-KEY": key.group(1)}
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v2/test", headers=headers)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None and response.status_code == 200
        assert response.json()["message"] == "Connection Successful"
        assert (tmp_path / "data" / "orderhub.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)


def test_store_settings(env: str) -> None:
    run("db", "upgrade")
    run("store", "create", "S")
    code, out = run("store", "set", "1", "rate_limit_capacity", "0")
    assert code == 0, out
    db = Database(env)
    with db.read() as conn:
        assert stores.get_store(conn, 1).settings == {"rate_limit_capacity": 0}
    code, out = run("store", "set", "1", "rate_limit_capacity", "lots")
    assert code == 1 and "whole number" in out
    code, out = run("store", "set", "1", "no_such_setting", "1")
    assert code == 1 and "not a store setting" in out
    assert run("store", "unset", "1", "rate_limit_capacity")[0] == 0
    with db.read() as conn:
        assert stores.get_store(conn, 1).settings == {}
    code, out = run("store", "settings")
    assert code == 0 and "rate_limit_refill_per_second" in out
    db.dispose()
