"""`Database.write_async`: on SQLite a write from the event loop runs on the loop when the
write lock is free, one at a time per process; when another process or a thread of this one
holds the lock it waits in a thread, and the loop stays free meanwhile. Every way out
releases both locks. On PostgreSQL it runs in a thread, two at a time per loop."""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from orderhub.storage import migrate
from orderhub.storage.database import Database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 't.db'}")
    migrate.upgrade(db)
    with db.write() as conn:
        conn.execute(text("CREATE TABLE marks (n INTEGER NOT NULL, thread TEXT NOT NULL)"))
    yield db
    db.dispose()


def _mark(n: int) -> Callable[[Connection], str]:
    def work(conn: Connection) -> str:
        name = threading.current_thread().name
        conn.execute(text("INSERT INTO marks (n, thread) VALUES (:n, :t)"), {"n": n, "t": name})
        return name

    return work


def _marks(db: Database) -> list[int]:
    with db.read() as conn:
        return list(conn.execute(text("SELECT n FROM marks ORDER BY n")).scalars())


def _file_lock_is_free(db: Database) -> bool:
    """Whether another process could take the file lock now (a second open file
    description conflicts with the first one, as another process's would)."""
    fd = os.open(f"{db.engine.url.database}.writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_free_lock_runs_the_write_on_the_loop(sqlite_db: Database) -> None:
    async def main() -> str:
        return await sqlite_db.write_async(_mark(1))

    assert asyncio.run(main()) == threading.current_thread().name
    assert _marks(sqlite_db) == [1]
    assert _file_lock_is_free(sqlite_db)


def test_another_process_holding_the_lock_does_not_stall_the_loop(sqlite_db: Database) -> None:
    other = os.open(f"{sqlite_db.engine.url.database}.writelock", os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)

    async def main() -> str:
        write = asyncio.create_task(sqlite_db.write_async(_mark(1)))
        for _ in range(20):  # the loop keeps running while the write waits
            await asyncio.sleep(0.005)
        assert not write.done()
        fcntl.flock(other, fcntl.LOCK_UN)
        return await asyncio.wait_for(write, 10)

    try:
        thread = asyncio.run(main())
    finally:
        os.close(other)
    assert thread != threading.current_thread().name  # it waited for the lock in a thread
    assert _marks(sqlite_db) == [1]
    assert _file_lock_is_free(sqlite_db)


def test_a_thread_holding_the_lock_is_waited_for_in_a_thread(sqlite_db: Database) -> None:
    holding, release = threading.Event(), threading.Event()

    def threaded_writer() -> None:
        with sqlite_db.write() as conn:
            _mark(1)(conn)
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=threaded_writer)
    writer.start()
    holding.wait(10)

    async def main() -> str:
        write = asyncio.create_task(sqlite_db.write_async(_mark(2)))
        await asyncio.sleep(0.05)
        assert not write.done()
        release.set()
        return await asyncio.wait_for(write, 10)

    thread = asyncio.run(main())
    writer.join(10)
    assert thread != threading.current_thread().name
    assert _marks(sqlite_db) == [1, 2]


def test_writes_from_one_loop_take_turns_and_all_commit(sqlite_db: Database) -> None:
    async def main() -> None:
        await asyncio.gather(*(sqlite_db.write_async(_mark(n)) for n in range(50)))

    asyncio.run(main())
    assert _marks(sqlite_db) == list(range(50))


def test_a_failing_write_rolls_back_and_releases_both_locks(sqlite_db: Database) -> None:
    def fails(conn: Connection) -> None:
        _mark(1)(conn)
        raise RuntimeError("refused")

    async def main() -> None:
        with pytest.raises(RuntimeError, match="refused"):
            await sqlite_db.write_async(fails)
        await sqlite_db.write_async(_mark(2))

    asyncio.run(main())
    assert _marks(sqlite_db) == [2]
    assert _file_lock_is_free(sqlite_db)
    with sqlite_db.write() as conn:  # the mutex is free too (this would block forever)
        _mark(3)(conn)
    assert _marks(sqlite_db) == [2, 3]


def test_each_event_loop_gets_its_own_turn(sqlite_db: Database) -> None:
    # An asyncio.Lock belongs to one loop; tests and CLI commands run several loops in turn.
    for n in range(3):
        asyncio.run(sqlite_db.write_async(_mark(n)))
    assert _marks(sqlite_db) == [0, 1, 2]


@pytest.mark.postgres
def test_postgres_writes_run_in_threads_two_at_a_time(
    fresh_database_url: Callable[[str], str],
) -> None:
    db = Database(fresh_database_url("postgres"))
    running, most = 0, 0
    counting = threading.Lock()

    def slow_mark(n: int) -> Callable[[Connection], str]:
        def work(conn: Connection) -> str:
            nonlocal running, most
            with counting:
                running += 1
                most = max(most, running)
            time.sleep(0.02)
            with counting:
                running -= 1
            return _mark(n)(conn)

        return work

    async def main() -> list[str]:
        return await asyncio.gather(*(db.write_async(slow_mark(n)) for n in range(12)))

    try:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE marks (n INTEGER NOT NULL, thread TEXT NOT NULL)"))
        threads = asyncio.run(main())
        assert threading.current_thread().name not in threads
        assert most == 2
        assert _marks(db) == list(range(12))
    finally:
        db.dispose()
