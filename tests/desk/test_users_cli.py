"""`orderhub user ...` and the quickstart's demo user."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from orderhub.cli import app
from orderhub.domain import passwords
from orderhub.storage import accounts
from orderhub.storage.database import Database
from tests.desk.conftest import _free_port

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(app, ["store", "create", "First"])
    runner.invoke(app, ["store", "create", "Second"])
    return url


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def _hash_of(url: str, email: str) -> str:
    db = Database(url)
    with db.read() as conn:
        found = accounts.find_user(conn, email)
    db.dispose()
    assert found is not None
    return found[1]


def test_user_lifecycle(env: str) -> None:
    code, out = run("user", "create", "Jane@Shop.com", "--store", "1", "--role", "owner")
    assert code == 0, out
    password = re.search(r"password: (\S+)", out)
    assert password and passwords.verify_password(password.group(1), _hash_of(env, "jane@shop.com"))
    code, out = run("user", "create", "jane@shop.com", "--store", "2")
    assert code == 0 and "now works in store 2 as staff" in out and "password" not in out
    code, out = run("user", "list")
    assert "jane@shop.com" in out and "1 First (owner)" in out and "2 Second (staff)" in out
    code, out = run("user", "reset-password", "jane@shop.com", "--password-stdin",
                    stdin="a much longer secret\n")  # fmt: skip
    assert code == 0 and "sessions are ended" in out
    assert passwords.verify_password("a much longer secret", _hash_of(env, "jane@shop.com"))
    code, out = run("user", "delete", "jane@shop.com")
    assert code == 0
    code, out = run("user", "list")
    assert "jane@shop.com" not in out


def test_a_user_without_a_store_joins_by_invitation(env: str) -> None:
    code, out = run("user", "create", "sam@shop.com")
    assert code == 0 and "User created:" in out and "no store yet" in out, out
    code, out = run("user", "list")
    assert "sam@shop.com" in out and "First" not in out.split("sam@shop.com", 1)[1]
    code, out = run("user", "create", "sam@shop.com")
    assert code != 0 and "already exists" in out


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (("user", "create", "nobody", "--store", "1"), None, "is not an email address"),
        (("user", "create", "a@b.co", "--store", "9"), None, "store 9 not found"),
        (("user", "create", "a@b.co", "--store", "1", "--role", "boss"), None, "owner or staff"),
        (("user", "create", "a@b.co", "--store", "1", "--password-stdin"), "short\n",
         "at least 10 characters"),
        (("user", "reset-password", "ghost@b.co"), None, "no user ghost@b.co"),
        (("user", "delete", "ghost@b.co"), None, "no user ghost@b.co"),
    ],
)  # fmt: skip
def test_user_commands_refuse_bad_input(
    env: str, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    code, out = run(*args, stdin=stdin)
    assert code == 1 and message in out, out


def test_every_user_command_has_an_example() -> None:
    for command in ("create", "list", "reset-password", "delete"):
        code, out = run("user", command, "--help")
        assert code == 0 and "Example: orderhub user" in out, command


def test_quickstart_prints_a_demo_user_who_can_sign_in(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERHUB_")}
    env.update(ORDERHUB_DATA_DIR=str(tmp_path / "data"), ORDERHUB_PORT=str(port), COLUMNS="80")
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderhub", "quickstart"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output = ""
        deadline = time.monotonic() + 30
        assert proc.stdout is not None
        while "Serving on" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output += line
        found = re.search(r"sign in as (\S+) with password (\S+)", output)
        assert found and f"The desk (back office): http://127.0.0.1:{port}/" in output, output
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as client:
            while time.monotonic() < deadline:
                try:
                    form = client.get("/login")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            token = re.search(r'name="login_token" value="([^"]+)"', form.text)
            assert token
            response = client.post(
                "/login",
                data={"email": found.group(1), "password": found.group(2),
                      "login_token": token.group(1)},
            )  # fmt: skip
            assert response.status_code == 303
            assert "Demo Store" in client.get("/desk", follow_redirects=True).text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=15)
