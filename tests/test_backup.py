"""`orderhub db backup` / `db restore`: a consistent copy while orders are being written, a
restore that a served copy answers from, and the refusals (server running, newer schema)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from orderhub.app import create_app
from orderhub.cli import app as cli
from orderhub.storage import backup, migrate, serving, stores
from orderhub.storage.database import Database
from tests.conftest import service_missing
from tests.helpers import OrderDesk, make_settings
from tests.servers import running_server

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def migrated(url: str) -> tuple[Database, stores.NewStore]:
    db = Database(url)
    migrate.upgrade(db)
    with db.write() as conn:
        return db, stores.create_store(conn, "Backed Up")


def test_sqlite_backup_while_writing_then_restore_and_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    db, store = migrated(live_url)
    acknowledged: list[int] = []
    stop = threading.Event()
    with TestClient(create_app(make_settings(), database=db)) as client:
        od = OrderDesk(client, store)

        def write_orders() -> None:
            while not stop.is_set():
                acknowledged.append(od.create_order()["id"])

        writer = threading.Thread(target=write_orders)
        writer.start()
        try:
            while len(acknowledged) < 20:
                time.sleep(0.01)
            before = list(acknowledged)  # acknowledged before the backup started
            monkeypatch.setenv("ORDERHUB_DATABASE_URL", live_url)
            code, out = run("db", "backup", str(tmp_path / "backup.db"))
            written_during = len(acknowledged) - len(before)
        finally:
            stop.set()
            writer.join()
    db.dispose()
    assert code == 0, out
    assert "schema revision" in out
    assert written_during > 0  # the writer really ran while the backup was taken

    restored = tmp_path / "elsewhere" / "orderhub.db"
    restored_url = f"sqlite:///{restored}"
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", restored_url)
    code, out = run("db", "restore", str(tmp_path / "backup.db"), "--yes")
    assert code == 0, out
    assert "db upgrade" not in out  # same revision as the code

    headers = {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}
    with running_server(restored_url) as server, httpx.Client(base_url=server.url) as http:
        for order_id in before:
            response = http.get(f"/api/v2/orders/{order_id}", headers=headers)
            assert response.status_code == 200, (order_id, response.text)
        # A restore never replaces a database a server is using.
        code, out = run("db", "restore", str(tmp_path / "backup.db"), "--yes")
        assert code == 1 and "in use by a running `orderhub serve`" in out, out
        assert str(restored) in out
        assert http.get(f"/api/v2/orders/{before[0]}", headers=headers).status_code == 200


def _with_revision(source: Path, dest: Path, revision: str) -> Path:
    shutil.copy(source, dest)
    with sqlite3.connect(dest) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    return dest


def test_restore_checks_the_schema_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    migrated(url)[0].dispose()
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    assert run("db", "backup", str(tmp_path / "b.db"))[0] == 0
    code, out = run("db", "backup", str(tmp_path / "b.db"))
    assert code == 1 and "--overwrite" in out
    code, out = run("db", "backup", str(tmp_path / "nowhere" / "b.db"))
    assert code == 1 and "does not exist" in out

    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", target_url)
    newer = _with_revision(tmp_path / "b.db", tmp_path / "newer.db", "ffff_from_the_future")
    code, out = run("db", "restore", str(newer), "--yes")
    assert code == 1 and "newer than this version of orderhub" in out, out
    assert not (tmp_path / "target.db").exists()

    older = _with_revision(tmp_path / "b.db", tmp_path / "older.db", "0001")
    code, out = run("db", "restore", str(older), "--yes")
    assert code == 0 and "run `orderhub db upgrade`" in out, out

    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    code, out = run("db", "restore", str(tmp_path / "junk.db"), "--yes")
    assert code == 1 and "junk.db" in out


def test_restore_asks_before_replacing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    migrated(url)[0].dispose()
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", url)
    run("db", "backup", str(tmp_path / "b.db"))
    result = runner.invoke(cli, ["db", "restore", str(tmp_path / "b.db")], input="n\n")
    assert result.exit_code == 1 and "Replace everything in" in result.output


def test_serving_lock_excludes_restore_and_shares_between_servers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    with serving.serving(url), serving.serving(url):
        with pytest.raises(serving.DatabaseBusy), serving.exclusive(url):
            pass
    with serving.exclusive(url):
        with pytest.raises(serving.DatabaseBusy), serving.serving(url):
            pass


def test_postgres_commands_never_carry_the_password() -> None:
    url = "postgresql+psycopg://app:s3cret-pw@db.internal:5432/orderhub?sslmode=require"
    for command in (
        backup.pg_dump_command(url, Path("out.dump")),
        backup.pg_restore_command(url, Path("out.dump")),
    ):
        assert "s3cret-pw" not in " ".join(command.argv)
        assert "s3cret-pw" not in command.shown()
        assert command.env == {"PGPASSWORD": "s3cret-pw"}
        assert "postgresql://app@db.internal:5432/orderhub?sslmode=require" in command.shown()


@pytest.mark.postgres
def test_postgres_backup_and_restore(
    fresh_database_url: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        service_missing("pg_dump/pg_restore not on PATH")
    source_url = fresh_database_url("postgres")  # type: ignore[operator]
    target_url = fresh_database_url("postgres")  # type: ignore[operator]
    db, store = migrated(source_url)
    with TestClient(create_app(make_settings(), database=db)) as client:
        ids = [OrderDesk(client, store).create_order()["id"] for _ in range(5)]
    db.dispose()
    replaced, _ = migrated(target_url)  # restore replaces what is there
    with replaced.write() as conn:
        stores.create_store(conn, "Replaced too")
    replaced.dispose()

    monkeypatch.setenv("ORDERHUB_DATABASE_URL", source_url)
    code, out = run("db", "backup", str(tmp_path / "pg.dump"))
    assert code == 0, out
    assert f"schema revision {migrate.schema_state(Database(target_url)).head}" in out

    monkeypatch.setenv("ORDERHUB_DATABASE_URL", target_url)
    with serving.serving(target_url):  # what `orderhub serve` holds while it runs
        code, out = run("db", "restore", str(tmp_path / "pg.dump"), "--yes")
        assert code == 1 and "in use by a running" in out, out
    code, out = run("db", "restore", str(tmp_path / "pg.dump"), "--yes")
    assert code == 0, out
    restored = Database(target_url)
    try:
        assert migrate.schema_state(restored).up_to_date
        with restored.read() as conn:
            assert stores.get_store(conn, store.store.id).name == "Backed Up"
            assert [s.name for s in stores.list_stores(conn)] == ["Backed Up"]
        with TestClient(create_app(make_settings(), database=restored)) as client:
            od = OrderDesk(client, store)
            for order_id in ids:
                assert od.get(f"/orders/{order_id}").status_code == 200
    finally:
        restored.dispose()


def test_without_pg_dump_the_command_to_run_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump, no pg_restore
    monkeypatch.setenv("ORDERHUB_DATABASE_URL", "postgresql://app:s3cret-pw@db.internal/shop")
    result = runner.invoke(cli, ["db", "backup", str(tmp_path / "x.dump")], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert "pg_dump is not on PATH" in result.output
    assert "PGPASSWORD=... pg_dump --format=custom" in result.output
    assert "postgresql://app@db.internal/shop" in result.output
    (tmp_path / "x.dump").write_bytes(b"PGDMP")
    result = runner.invoke(cli, ["db", "restore", str(tmp_path / "x.dump")], env={"COLUMNS": "300"})
    assert result.exit_code == 1 and "pg_restore --clean" in result.output
    assert "s3cret-pw" not in result.output
