"""Reads on the event loop (storage/async_reads.py): the same rows as the driver's query on
the engine's connection, the engine's session options, one pool per loop, and None (read in
the thread pool) for whatever does not go as planned."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.dialects.postgresql.psycopg2 import PGDialect_psycopg2
from sqlalchemy.engine import make_url

from orderhub.storage import async_reads, migrate, stores
from orderhub.storage.async_reads import LoopReads
from orderhub.storage.database import Database
from orderhub.storage.driver import DriverQuery
from orderhub.storage.orders import revisions
from tests.helpers import take_orders

pytestmark = pytest.mark.postgres

_SETTING = DriverQuery(select(func.current_setting("log_parameter_max_length_on_error").label("v")))
_PID = DriverQuery(select(func.pg_backend_pid().label("pid")))


@pytest.fixture(scope="module")
def pg(fresh_database_url: Callable[[str], str]) -> Iterator[Database]:
    db = Database(fresh_database_url("postgres"))
    migrate.upgrade(db)
    yield db
    db.dispose()


def test_the_stamps_read_on_the_loop_are_the_threaded_reads(pg: Database) -> None:
    with pg.write() as conn:
        store, other = stores.create_store(conn, "A"), stores.create_store(conn, "B")
    ids = take_orders(pg, store, ["a@x.example", "a@x.example", "", "b@x.example"])
    [foreign] = take_orders(pg, other, ["a@x.example"])
    reads = LoopReads(pg.engine, size=2)

    async def on_loop() -> list[dict[int, Any] | None]:
        reads.start()
        try:
            return [
                await revisions.stamps_on_loop(reads, store.store.id, wanted, email_count=flag)
                for wanted in ([ids[0]], ids, [*ids, foreign, 999_999_999], [ids[2], ids[0]], [])
                for flag in (True, False)
            ]
        finally:
            await reads.close()

    found = asyncio.run(on_loop())
    expected = []
    with pg.read() as conn:
        for wanted in ([ids[0]], ids, [*ids, foreign, 999_999_999], [ids[2], ids[0]], []):
            for flag in (True, False):
                expected.append(revisions.stamps(conn, store.store.id, wanted, email_count=flag))
    assert found == expected
    assert all(foreign not in rows for rows in found if rows is not None)
    assert found[2] is not None and type(found[2][ids[0]]) is type(expected[2][ids[0]])


def test_sessions_carry_the_engines_options(fresh_database_url: Callable[[str], str]) -> None:
    """Failing statements are logged without their parameters, as the engine's sessions are,
    and options given in the URL are kept."""
    url = fresh_database_url("postgres")
    name = make_url(url).database
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET log_parameter_max_length_on_error = -1')
    engine = create_engine(f"{url}?options={quote('-c statement_timeout=4321')}")
    reads = LoopReads(engine)
    timeout = DriverQuery(select(func.current_setting("statement_timeout").label("v")))

    async def on_loop() -> tuple[Any, Any]:
        reads.start()
        try:
            return await reads.rows(_SETTING, {}), await reads.rows(timeout, {})
        finally:
            await reads.close()

    setting, statement_timeout = asyncio.run(on_loop())
    assert [tuple(r) for r in setting] == [("0",)]
    assert [tuple(r) for r in statement_timeout] == [("4321ms",)]
    engine.dispose()


def test_a_loop_reads_only_between_start_and_close_and_each_loop_has_its_own(
    pg: Database,
) -> None:
    reads = LoopReads(pg.engine)

    async def session() -> tuple[Any, Any, Any]:
        before = await reads.rows(_PID, {})  # not started: read in the thread pool
        reads.start()
        during = await reads.rows(_PID, {})
        await reads.close()
        after = await reads.rows(_PID, {})
        return before, during, after

    first = asyncio.run(session())
    second = asyncio.run(session())  # a new loop, as after an app's restart
    for before, during, after in (first, second):
        assert before is None and after is None
        assert during is not None and len(during) == 1
    assert first[1] != second[1]  # a connection of its own, not the first loop's


def test_concurrent_reads_share_a_few_connections(pg: Database) -> None:
    reads = LoopReads(pg.engine, size=2)

    async def many() -> list[Any]:
        reads.start()
        try:
            return await asyncio.gather(*(reads.rows(_PID, {}) for _ in range(20)))
        finally:
            await reads.close()

    found = asyncio.run(many())
    assert all(rows is not None for rows in found)
    assert 1 <= len({rows[0].pid for rows in found}) <= 2


def test_the_connections_are_closed_with_the_loops_pool(pg: Database) -> None:
    reads = LoopReads(pg.engine, size=3)

    async def serve() -> set[int]:
        reads.start()
        found = await asyncio.gather(*(reads.rows(_PID, {}) for _ in range(6)))
        await reads.close()
        return {rows[0].pid for rows in found}

    pids = asyncio.run(serve())
    alive: list[Any] = []
    for _ in range(50):  # a backend leaves pg_stat_activity a moment after its client goes
        with pg.read() as conn:
            alive = conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%(pids)s)", {"pids": list(pids)}
            ).all()
        if not alive:
            break
        time.sleep(0.05)
    assert alive == []


def test_a_failed_read_answers_none_and_the_next_read_works(pg: Database) -> None:
    reads = LoopReads(pg.engine, size=1)
    broken = DriverQuery(select(func.no_such_function().label("v")))

    async def run() -> tuple[Any, Any]:
        reads.start()
        try:
            return await reads.rows(broken, {}), await reads.rows(_PID, {})
        finally:
            await reads.close()

    failed, then = asyncio.run(run())
    assert failed is None
    assert then is not None and len(then) == 1


def test_an_unreachable_server_answers_none(pg: Database) -> None:
    url = make_url(str(pg.engine.url.render_as_string(hide_password=False)))
    engine = create_engine(url.set(port=1, query={"connect_timeout": "2"}))
    reads = LoopReads(engine, size=1)

    async def run() -> list[Any]:
        reads.start()
        try:
            return [await reads.rows(_PID, {}) for _ in range(3)]
        finally:
            await reads.close()

    assert asyncio.run(run()) == [None, None, None]
    engine.dispose()


def test_a_cancelled_read_drops_its_connection(pg: Database) -> None:
    reads = LoopReads(pg.engine, size=1)
    slow = DriverQuery(select(func.pg_sleep(3).label("v")))

    async def run() -> tuple[Any, Any]:
        reads.start()
        try:
            first = await reads.rows(_PID, {})
            task = asyncio.ensure_future(reads.rows(slow, {}))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return first, await asyncio.wait_for(reads.rows(_PID, {}), 3)
        finally:
            await reads.close()

    first, after = asyncio.run(run())
    assert first is not None and after is not None
    assert first[0].pid != after[0].pid  # a new session, not the one left mid-statement


def test_sqlite_reads_stay_where_they_are(tmp_path: Any) -> None:
    db = Database(f"sqlite:///{tmp_path / 'o.db'}")
    assert async_reads.for_engine(db.engine) is None
    with pytest.raises(ValueError, match="PostgreSQL"):
        LoopReads(db.engine)
    db.dispose()


def test_only_psycopg_3_engines_read_on_the_loop(pg: Database) -> None:
    assert isinstance(async_reads.for_engine(pg.engine), LoopReads)
    psycopg2_engine: Any = SimpleNamespace(dialect=PGDialect_psycopg2(), url=pg.engine.url)
    assert async_reads.for_engine(psycopg2_engine) is None
