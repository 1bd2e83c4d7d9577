"""Which database a command uses, found the same way from any directory: a missing SQLite
file is refused with its absolute path (never silently created), and every database error
names the database (without its password)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderhub.cli import app

runner = CliRunner()

OPENING_COMMANDS = [
    ("store", "list"),
    ("store", "show", "1"),
    ("store", "create", "Shop"),
    ("store", "set", "1", "negative_stock", "reject"),
    ("store", "delete", "1", "--yes"),
    ("key", "rotate", "1"),
    ("orders", "list", "1"),
    ("orders", "export", "1"),
    ("orders", "show", "1", "1"),
    ("folder", "list", "1"),
    ("shipments", "add", "1", "1", "n/a"),
    ("db", "status"),
    ("db", "backup", "copy.db"),
    ("serve",),
]


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with no data dir and no ORDERHUB_* settings."""
    for name in ("ORDERHUB_DATABASE_URL", "ORDERHUB_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", OPENING_COMMANDS, ids=" ".join)
def test_a_missing_sqlite_file_is_refused_not_created(
    elsewhere: Path, command: tuple[str, ...]
) -> None:
    result = runner.invoke(app, list(command), env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    expected = elsewhere / "data" / "orderhub.db"
    assert f"no orderhub database at {expected}" in result.output
    assert "ORDERHUB_DATABASE_URL" in result.output and "ORDERHUB_DATA_DIR" in result.output
    assert not (elsewhere / "data").exists()


def test_data_dir_from_env_file_and_db_upgrade_creates(elsewhere: Path) -> None:
    (elsewhere / ".env").write_text("ORDERHUB_DATA_DIR=state\n")
    result = runner.invoke(app, ["store", "list"], env={"COLUMNS": "300"})
    assert f"no orderhub database at {elsewhere / 'state' / 'orderhub.db'}" in result.output
    result = runner.invoke(app, ["db", "upgrade"], env={"COLUMNS": "300"})
    assert result.exit_code == 0 and str(elsewhere / "state" / "orderhub.db") in result.output
    assert runner.invoke(app, ["store", "list"]).exit_code == 0


def test_database_errors_name_the_database(elsewhere: Path) -> None:
    (elsewhere / "empty.db").touch()
    result = runner.invoke(
        app,
        ["store", "list"],
        env={"ORDERHUB_DATABASE_URL": f"sqlite:///{elsewhere / 'empty.db'}", "COLUMNS": "300"},
    )
    assert result.exit_code == 1
    assert f"database {elsewhere / 'empty.db'}: " in result.output
    assert "orderhub db upgrade" in result.output

    unreachable = "postgresql://app:s3cret-pw@127.0.0.1:1/orderhub"
    for command in (["store", "list"], ["db", "status"], ["db", "upgrade"]):
        result = runner.invoke(
            app, command, env={"ORDERHUB_DATABASE_URL": unreachable, "COLUMNS": "300"}
        )
        assert result.exit_code == 1, result.output
        assert "postgresql+psycopg://app:***@127.0.0.1:1/orderhub" in result.output
        assert "s3cret-pw" not in result.output


def test_a_database_failing_mid_command_is_named_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy.exc import OperationalError

    from orderhub import cli
    from orderhub.storage import stores

    url = f"sqlite:///{tmp_path / 'mid.db'}"
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "300")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0

    def broken(*_: object) -> None:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(stores, "list_stores", broken)
    monkeypatch.setattr("sys.argv", ["orderhub", "store", "list"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    out = capsys.readouterr()
    assert f"database {tmp_path / 'mid.db'}: disk I/O error" in out.err
    assert "Traceback" not in out.err + out.out
