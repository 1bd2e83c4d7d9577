"""Group commit: one writer thread per process runs queued write units in one transaction.

A write unit is a function of a connection. Requests hand their unit to the writer and wait
on its future (an async handler awaits it on the event loop: no thread-pool hop). The writer
takes every unit queued while the last commit was in flight and runs them in one write
transaction (on SQLite: one turn of the write mutex and file lock, one BEGIN IMMEDIATE and
one COMMIT for the lot), each in a savepoint so that a failing unit rolls back alone. A
future is answered only after the COMMIT that holds its unit returned, so no acknowledged
write is lost; if the COMMIT fails, every unit of the batch gets the error.

The writer never waits to fill a batch: a unit that arrives at an idle writer runs at once,
alone, without a savepoint — what a plain `Database.write` would cost.

On PostgreSQL a batch holds the row locks of all its units until its COMMIT, so two
processes' batches can deadlock where single transactions (locking in a fixed order) would
not. The database then aborts one statement; that unit is rolled back to its savepoint (its
locks released) and run again, alone, after the batch commits.
"""

from __future__ import annotations

import contextvars
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from orderhub.storage.database import Database

T = TypeVar("T")
Unit = Callable[[Connection], T]

# SQLSTATEs of a lock conflict the database resolved by aborting one side: worth a retry.
_RETRYABLE = {"40P01", "40001"}


class _Queued:
    __slots__ = ("context", "future", "unit")

    def __init__(self, unit: Unit[Any]) -> None:
        self.unit = unit
        self.future: Future[Any] = Future()
        # The unit runs in the submitter's context (request id for logs, rule cascades).
        self.context = contextvars.copy_context()


class GroupWriter:
    """The writer of one `Database` in this process (see `writer`)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._queue: list[_Queued] = []
        self._ready = threading.Condition(threading.Lock())
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="orderhub-writer", daemon=True)
        self._thread.start()

    def submit(self, unit: Unit[T]) -> Future[T]:
        """Queue `unit`; its future holds what it returned (or raised) once committed."""
        queued = _Queued(unit)
        with self._ready:
            if self._stopping:
                raise RuntimeError("the database's writer is stopped")
            self._queue.append(queued)
            if len(self._queue) == 1:
                self._ready.notify()
        return queued.future

    def stop(self) -> None:
        """Run what is queued, then end the thread."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue and not self._stopping:
                    self._ready.wait()
                batch, self._queue = self._queue, []
            if not batch:
                return
            for queued in self._commit(batch):
                self._commit([queued])

    def _commit(self, batch: list[_Queued]) -> list[_Queued]:
        """Run `batch` in one transaction and answer its futures; the units to run again
        alone (they lost a lock conflict to another process's transaction)."""
        outcomes: list[tuple[_Queued, bool, Any]] = []
        again: list[_Queued] = []
        try:
            with self._db.write() as conn:
                if len(batch) == 1:
                    outcomes.append((batch[0], *_run_unit(batch[0], conn)))
                else:
                    for queued in batch:
                        savepoint = conn.begin_nested()
                        ok, result = _run_unit(queued, conn)
                        if ok:
                            savepoint.commit()
                        else:
                            savepoint.rollback()
                        if not ok and _retryable(result):
                            again.append(queued)
                        else:
                            outcomes.append((queued, ok, result))
                if len(batch) == 1 and not outcomes[0][1]:
                    raise outcomes[0][2]
        except BaseException as exc:  # BEGIN, a savepoint or COMMIT failed: nothing holds
            if len(batch) == 1:
                _answer(batch[0], False, exc)
                return []
            for queued in batch:
                _answer(queued, False, exc)
            return []
        for queued, ok, result in outcomes:
            _answer(queued, ok, result)
        return again


def _run_unit(queued: _Queued, conn: Connection) -> tuple[bool, Any]:
    try:
        return True, queued.context.run(queued.unit, conn)
    except Exception as exc:
        return False, exc


def _retryable(exc: BaseException) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, OperationalError) and code in _RETRYABLE


def _answer(queued: _Queued, ok: bool, result: Any) -> None:
    if queued.future.done():
        return
    if ok:
        queued.future.set_result(result)
    else:
        queued.future.set_exception(result)


_lock = threading.Lock()
_writers: weakref.WeakKeyDictionary[Database, tuple[int, GroupWriter]] = weakref.WeakKeyDictionary()


def writer(db: Database) -> GroupWriter:
    """The database's writer in this process, started on first use (so a process forked
    after the database was opened gets its own)."""
    pid = os.getpid()
    found = _writers.get(db)
    if found is not None and found[0] == pid:
        return found[1]
    with _lock:
        found = _writers.get(db)
        if found is None or found[0] != pid:
            found = _writers[db] = (pid, GroupWriter(db))
            db.on_dispose(found[1].stop)
        return found[1]
