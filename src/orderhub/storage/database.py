"""Engine set-up and the two kinds of transaction the service uses: read and write.

SQLite: WAL, synchronous=NORMAL, a busy timeout, and write transactions that take the write
lock up front (BEGIN IMMEDIATE) so that two writers never deadlock upgrading a read lock.
Writers first queue on a mutex (threads of one process) and an advisory file lock beside the
database (processes): SQLite's own busy handler sleeps in growing steps of up to 100 ms,
which wastes throughput and ruins tail latency when several workers write at once; a queue
hands the lock over the moment it is released.

A write from the event loop (`write_async`) runs on the loop itself when both locks are free,
one such write per process at a time: handed to a thread, a short write would hold the lock
while it competed with the loop for the GIL (docs/performance.md "Write path"). Only when
another process (or a thread of this one) holds the lock does the write wait for it in a
thread.

PostgreSQL: psycopg 3, READ COMMITTED; writers lock the rows they change in a fixed order
(see the repositories), so lost updates are impossible without SERIALIZABLE. Writes from the
event loop run in threads, two at a time per process: more keep no more of the server busy
and only compete for the GIL, each thread waiting its turn after every round trip, so that
the slowest creates took three times as long (docs/performance.md "Write path"). Every session
starts with `log_parameter_max_length_on_error=0`, so that the server's log of a failing
statement never carries its parameters (customers' emails, names, addresses).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

T = TypeVar("T")

# Writes from one event loop that run at once on PostgreSQL (see the module's docstring).
_POSTGRES_LOOP_WRITERS = 2

# Startup options of every PostgreSQL session. A failing statement is logged with its bind
# parameter values unless this is 0; the server's default is 0, but a server or database
# may be configured otherwise. Any role may set it (pg_settings.context = 'user'), unlike
# log_parameter_max_length (superuser only), which governs the statement logging an
# operator turns on deliberately.
POSTGRES_SESSION_OPTIONS = "-c log_parameter_max_length_on_error=0"


class Database:
    def __init__(self, url: str, *, pool_size: int = 8, max_overflow: int = 16) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        self._write_mutex = threading.Lock() if self.is_sqlite else None
        self._lock_file: int | None = None
        # How many writes from one event loop run at once (see the module's docstring), per
        # loop: tests and CLI commands run several loops in turn.
        self._loop_writers = 1 if self.is_sqlite else _POSTGRES_LOOP_WRITERS
        self._loop_turns: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, asyncio.Semaphore
        ] = weakref.WeakKeyDictionary()
        if self.is_sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                self._lock_path = f"{parsed.database}.writelock"
            self.engine = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=max_overflow,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            _configure_sqlite(self.engine)
        else:
            self.engine = create_engine(
                url,
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_pre_ping=False,
                connect_args={"options": postgres_options(parsed)},
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading. On PostgreSQL it runs in autocommit: under READ
        COMMITTED each statement sees its own snapshot anyway, and skipping BEGIN/COMMIT
        saves two round trips per request. On SQLite a deferred transaction gives the
        reads one snapshot at no cost."""
        if self._write_mutex is None:
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; commits on success, rolls back on any exception."""
        if self._write_mutex is None:
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._write_mutex, self._process_lock(), self.engine.connect() as conn:
            with self._begin_immediate(conn):
                yield conn

    @staticmethod
    @contextmanager
    def _begin_immediate(conn: Connection) -> Iterator[None]:
        immediate = _BEGIN_IMMEDIATE.set(True)
        try:
            transaction = conn.begin()
        finally:
            _BEGIN_IMMEDIATE.reset(immediate)
        with transaction:
            yield

    async def write_async(self, work: Callable[[Connection], T]) -> T:
        """`work` in a write transaction, from the event loop, in its turn (see the
        module's docstring). On SQLite it runs on the loop when the write lock is free, else
        in a thread that waits for the lock; on PostgreSQL, whose statements wait on the
        network, always in a thread."""
        async with self._loop_turn():
            if self._write_mutex is not None and self._write_mutex.acquire(blocking=False):
                if self._try_process_lock():
                    with self._holding_write_locks() as conn:
                        return work(conn)
                self._write_mutex.release()
            return await anyio.to_thread.run_sync(self._write_work, work)

    def _write_work(self, work: Callable[[Connection], T]) -> T:
        with self.write() as conn:
            return work(conn)

    def _loop_turn(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        turn = self._loop_turns.get(loop)
        if turn is None:
            turn = self._loop_turns[loop] = asyncio.Semaphore(self._loop_writers)
        return turn

    @contextmanager
    def _holding_write_locks(self) -> Iterator[Connection]:
        """SQLite: the write transaction of a caller that has just taken the mutex and the
        file lock; releases both when it ends."""
        assert self._write_mutex is not None
        try:
            with self.engine.connect() as conn:
                with self._begin_immediate(conn):
                    yield conn
        finally:
            self._unlock_process()
            self._write_mutex.release()

    @contextmanager
    def _process_lock(self) -> Iterator[None]:
        fd = self._lock_fd()
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            self._unlock_process()

    def _try_process_lock(self) -> bool:
        """Take the file lock if no other process holds it."""
        fd = self._lock_fd()
        if fd is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock_process(self) -> None:
        fd = self._lock_fd()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _lock_fd(self) -> int | None:
        """The file lock's descriptor (None for an in-memory database: one process)."""
        if not hasattr(self, "_lock_path"):
            return None
        if self._lock_file is None:
            self._lock_file = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._lock_file

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None


def autovacuum_is_off(db: Database) -> bool:
    """Whether PostgreSQL's autovacuum is off. Then nothing refreshes the planner's
    statistics as tables grow, and a table that was never analyzed gets plans that walk a
    whole store's index for a one-order read (measured: 6 ms per cached GET at 12,000
    orders, growing with the table)."""
    if db.is_sqlite:
        return False
    with db.read() as conn:
        return conn.exec_driver_sql("SHOW autovacuum").scalar() == "off"


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other engines and in-memory databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def display_url(url: str) -> str:
    """The URL to show an operator: the file for SQLite, the URL without its password else."""
    path = sqlite_file(url)
    if path is not None:
        return str(path.resolve())
    return make_url(url).render_as_string(hide_password=True)


def postgres_options(url: URL) -> str:
    """Our session options after any the URL already carries (`?options=...`), which
    `connect_args` would otherwise replace."""
    given = url.query.get("options", ())
    parts = [given] if isinstance(given, str) else list(given)
    return " ".join([*parts, POSTGRES_SESSION_OPTIONS])


# Set while `Database.write` begins its transaction: SQLite's BEGIN is then IMMEDIATE.
_BEGIN_IMMEDIATE: ContextVar[bool] = ContextVar("orderhub_begin_immediate", default=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Driver-level autocommit: the dialect's `do_begin` below issues BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    # The dialect's own hook for starting a transaction (a no-op for pysqlite, which the
    # driver-level autocommit above would leave in autocommit), rather than SQLAlchemy's
    # "begin" event: any connection-event listener makes every statement of the engine pay
    # for event dispatch (~8 % of the Python calls of a create).
    def _do_begin(dbapi_conn: Any) -> None:
        statement = "BEGIN IMMEDIATE" if _BEGIN_IMMEDIATE.get() else "BEGIN"
        dbapi_conn.driver_connection.execute(statement)

    engine.dialect.do_begin = _do_begin  # type: ignore[method-assign,assignment]
