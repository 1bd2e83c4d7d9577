"""The one query of a cached read, run on the event loop (PostgreSQL).

A cached order GET costs one small query (its revision). Through `Database.read` it pays a
hop to the thread pool and back and a checkout of the engine's pool, several times what
the query itself costs the server process. `LoopReads` keeps a few autocommit psycopg
`AsyncConnection`s per event loop instead and runs a `DriverQuery` on them, with the same
statement, parameters and result rows as `DriverQuery.rows` on the engine's connection.

- One pool per event loop: `start()` makes it for the running loop (an app's lifespan),
  `close()` closes it; a loop without one (an app served without its lifespan, another
  loop) gets None and reads through the thread pool as before. Connections are opened on
  first use, at most `size` per loop; a request waits for one when all are busy.
- The sessions are the engine's: its connection arguments (the URL's, the dialect's type
  adapters) and the same startup options (`log_parameter_max_length_on_error=0`).
- Nothing here raises for the database: a failed connect or query answers None (the caller
  reads through the thread pool, which reports the problem as every read does) and drops
  the connection. A query interrupted by cancellation drops its connection too.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Engine

from orderhub.storage.database import postgres_options
from orderhub.storage.driver import DriverQuery

log = logging.getLogger("orderhub.storage.async_reads")

DEFAULT_SIZE = 4


class _Pool:
    """The connections of one event loop. `_idle` holds idle connections, or None for a
    place freed by a dropped connection (whoever takes it opens a new one)."""

    def __init__(self, connect: dict[str, Any], size: int) -> None:
        self._connect = connect
        self._size = size
        self._opened = 0
        self._idle: asyncio.Queue[psycopg.AsyncConnection[Any] | None] = asyncio.Queue()
        self._busy: set[psycopg.AsyncConnection[Any]] = set()
        self.closed = False

    async def rows(self, sql: str, values: Any) -> list[Any] | None:
        conn = await self._acquire()
        if conn is None:
            return None
        done = False
        try:
            cursor = conn.cursor()
            await cursor.execute(sql, values)
            found = await cursor.fetchall()
            done = True
            return found
        except Exception as exc:  # the caller reads through the thread pool instead
            log.debug("read on the event loop failed (%s); reading in the thread pool", type(exc))
            return None
        finally:
            await self._release(conn, keep=done)

    async def _acquire(self) -> psycopg.AsyncConnection[Any] | None:
        if self._idle.empty() and self._opened < self._size:
            self._opened += 1
            return await self._open()
        conn = await self._idle.get()
        if conn is None:
            return await self._open()
        self._busy.add(conn)
        return conn

    async def _open(self) -> psycopg.AsyncConnection[Any] | None:
        """A new connection in a place already counted in `_opened`."""
        try:
            conn = await psycopg.AsyncConnection.connect(**self._connect, autocommit=True)
        except Exception as exc:
            log.debug("connect on the event loop failed (%s)", type(exc))
            self._drop_place()
            return None
        except BaseException:
            self._drop_place()
            raise
        self._busy.add(conn)
        return conn

    async def _release(self, conn: psycopg.AsyncConnection[Any], *, keep: bool) -> None:
        self._busy.discard(conn)
        if keep and not self.closed and not conn.closed:
            self._idle.put_nowait(conn)
            return
        await conn.close()  # does not wait on the network (no pool of psycopg's)
        self._drop_place()

    def _drop_place(self) -> None:
        self._opened -= 1
        if not self.closed:
            self._idle.put_nowait(None)  # a waiter, if any, opens a new connection
            self._opened += 1

    async def close(self) -> None:
        self.closed = True
        while not self._idle.empty():
            conn = self._idle.get_nowait()
            if conn is not None:
                await conn.close()
        for conn in list(self._busy):  # their requests fall back to the thread pool
            await conn.close()
        self._busy.clear()
        self._opened = 0


def for_engine(engine: Engine) -> LoopReads | None:
    """Reads on the loop for a PostgreSQL engine on psycopg 3; None for any other (SQLite's
    reads already run on the loop)."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return None
    return LoopReads(engine)


class LoopReads:
    """Per event loop pools of async connections to the engine's PostgreSQL database."""

    def __init__(self, engine: Engine, *, size: int = DEFAULT_SIZE) -> None:
        if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
            raise ValueError("reads on the event loop are for PostgreSQL through psycopg 3")
        self.dialect = engine.dialect
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        if cargs:
            raise ValueError("the engine's URL gives positional connection arguments")
        self._connect = {**cparams, "options": postgres_options(engine.url)}
        self.size = size
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = (
            weakref.WeakKeyDictionary()
        )

    def start(self) -> None:
        """Serve reads on the running loop from now on (connections open on first use)."""
        loop = asyncio.get_running_loop()
        if loop not in self._pools:
            self._pools[loop] = _Pool(self._connect, self.size)

    async def close(self) -> None:
        """Close the running loop's connections; its reads go through the thread pool."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def serving(self) -> bool:
        """Whether the running loop has a pool (`start` was called on it, `close` not yet)."""
        return asyncio.get_running_loop() in self._pools

    async def rows(
        self, query: DriverQuery, params: Mapping[str, int | Sequence[int]]
    ) -> list[Any] | None:
        """`query.rows(conn, params)`'s rows, read on the running loop; None when this loop
        has no pool or the read did not succeed (read through the thread pool then)."""
        pool = self._pools.get(asyncio.get_running_loop())
        if pool is None:
            return None
        sql, values, made = query.prepared(self.dialect, params)
        found = await pool.rows(sql, values)
        return None if found is None else made(found)
