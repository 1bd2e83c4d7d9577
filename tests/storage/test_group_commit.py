"""The group-commit writer on both databases: units queued together commit together, a
failing unit rolls back alone, and no unit is answered before the commit that holds it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from typing import Any

import pytest
from sqlalchemy import Connection, text

from orderhub.storage import group_commit
from orderhub.storage.database import Database

TABLE = "group_commit_probe"


@pytest.fixture
def probe(database: Database) -> Database:
    with database.write() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (v VARCHAR(20) PRIMARY KEY)"))
        conn.execute(text(f"DELETE FROM {TABLE}"))
    return database


def _insert(value: str, *, fail: bool = False) -> Any:
    def unit(conn: Connection) -> str:
        conn.execute(text(f"INSERT INTO {TABLE} (v) VALUES (:v)"), {"v": value})
        if fail:
            raise ValueError(f"unit {value} fails after its write")
        return value

    return unit


def _stored(db: Database) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(text(f"SELECT v FROM {TABLE}")).scalars())


def test_queued_units_commit_together_and_a_failing_one_rolls_back_alone(
    probe: Database,
) -> None:
    writer = group_commit.writer(probe)
    release = threading.Event()
    started = threading.Event()

    def hold(conn: Connection) -> str:
        started.set()
        assert release.wait(10)
        return "held"

    first = writer.submit(hold)
    assert started.wait(10)
    # Queued while the writer is busy: they run as one batch, in one transaction.
    connections: list[Any] = []

    def seen(conn: Connection) -> None:
        connections.append(conn.connection.dbapi_connection)

    futures: list[Future[Any]] = []
    for i in range(8):
        futures.append(writer.submit(_insert(f"ok-{i}", fail=i == 3)))
        futures.append(writer.submit(seen))
    visible_when_answered: dict[str, bool] = {}

    def check(future: Future[Any]) -> None:
        if future.exception() is None and isinstance(future.result(), str):
            visible_when_answered[future.result()] = future.result() in _stored(probe)

    for future in futures:
        assert not future.done()
        future.add_done_callback(check)
    release.set()
    assert first.result(10) == "held"
    with pytest.raises(ValueError, match="unit ok-3 fails"):
        futures[6].result(10)
    assert [f.result(10) for f in futures[0::2] if f is not futures[6]] == [
        f"ok-{i}" for i in range(8) if i != 3
    ]
    assert _stored(probe) == {f"ok-{i}" for i in range(8) if i != 3}
    assert len({id(c) for c in connections}) == 1  # one batch, one connection
    # Every answer came after the commit: the row was already visible to another reader.
    deadline = time.monotonic() + 10  # the callbacks run just after the results are set
    while len(visible_when_answered) < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert visible_when_answered == {f"ok-{i}": True for i in range(8) if i != 3}


def test_a_lone_unit_runs_at_once_and_its_failure_is_its_own(probe: Database) -> None:
    writer = group_commit.writer(probe)
    with pytest.raises(ValueError):
        writer.submit(_insert("alone", fail=True)).result(10)
    assert writer.submit(_insert("next")).result(10) == "next"
    assert _stored(probe) == {"next"}


def test_a_stopped_writer_finishes_its_queue(tmp_path: Any) -> None:
    db = Database(f"sqlite:///{tmp_path / 'stop.db'}")
    writer = group_commit.writer(db)
    assert group_commit.writer(db) is writer
    future = writer.submit(lambda conn: conn.execute(text("SELECT 1")).scalar())
    db.dispose()
    assert future.result(10) == 1
    with pytest.raises(RuntimeError, match="stopped"):
        writer.submit(lambda conn: None)
