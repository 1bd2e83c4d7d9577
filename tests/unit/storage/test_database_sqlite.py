"""SQLite transactions: a write takes the write lock up front (BEGIN IMMEDIATE), a read
takes a snapshot (deferred BEGIN) that never blocks the writer, and no connection-event
listener makes every statement pay for event dispatch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.events import ConnectionEvents

from orderhub.storage import migrate
from orderhub.storage.database import Database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> tuple[Database, Path]:
    path = tmp_path / "t.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    yield db, path
    db.dispose()


def _other_writer_can_begin(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_a_write_holds_the_write_lock_from_its_first_statement(
    sqlite_db: tuple[Database, Path],
) -> None:
    db, path = sqlite_db
    with db.write() as conn:
        assert conn.connection.driver_connection.in_transaction  # type: ignore[union-attr]
        assert not _other_writer_can_begin(path)  # before it has written anything
    assert _other_writer_can_begin(path)


def test_a_read_is_one_snapshot_that_does_not_block_a_writer(
    sqlite_db: tuple[Database, Path],
) -> None:
    db, path = sqlite_db
    with db.read() as conn:
        before = conn.execute(text("SELECT count(*) FROM stores")).scalar_one()
        assert conn.connection.driver_connection.in_transaction  # type: ignore[union-attr]
        assert _other_writer_can_begin(path)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute(
            "INSERT INTO stores (name, api_key_hash, api_key_hint, pod_app_id, pod_secret,"
            " timezone, settings, created_at) VALUES ('s', x'00', 'h', 'app-t', 's', 'UTC',"
            " '{}', '2026-01-01 00:00:00')"
        )
        other.close()
        assert conn.execute(text("SELECT count(*) FROM stores")).scalar_one() == before
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM stores")).scalar_one() == before + 1


def test_a_failed_write_leaves_nothing(sqlite_db: tuple[Database, Path]) -> None:
    db, _ = sqlite_db
    with pytest.raises(RuntimeError), db.write() as conn:
        conn.execute(text("DELETE FROM stores"))
        conn.execute(
            text(
                "INSERT INTO stores (name, api_key_hash, api_key_hint, pod_app_id, pod_secret,"
                " timezone, settings, created_at) VALUES ('gone', x'00', 'h', 'app-g', 's',"
                " 'UTC', '{}', '2026-01-01 00:00:00')"
            )
        )
        raise RuntimeError("the use case failed")
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM stores WHERE name = 'gone'")).scalar() == 0


def test_the_engine_has_no_connection_event_listeners(sqlite_db: tuple[Database, Path]) -> None:
    db, _ = sqlite_db
    names = [n for n in dir(ConnectionEvents) if not n.startswith("_") and n != "dispatch"]
    assert names and all(len(getattr(db.engine.dispatch, n)) == 0 for n in names)
