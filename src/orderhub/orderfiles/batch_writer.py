"""The import's one writer: full batches written in order, one transaction each, on a second
thread, so that this process receives and assembles the next batch while SQLite (whose
`executemany` releases the GIL) or PostgreSQL works on the last one.

At most one batch is being written and one assembled: `submit` waits for the previous batch
first, so batches commit in file order through one writer at a time, ids are allocated in
that order, and the duplicate check of a batch sees every batch before it. A batch's
outcome joins the summary where it would have without the thread (its rejections after
those of the lines read before it was full), and a failure is raised in the caller.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Protocol

from orderhub.domain.channel import Channel
from orderhub.domain.stores import Store
from orderhub.services import imports
from orderhub.storage import bulk
from orderhub.storage.database import Database

# Batches between full collections while the collector is paused (see `collector_paused`).
COLLECT_EVERY = 50


class Summary(Protocol):
    imported: int
    duplicates: int
    rejected: list[tuple[int, str]]


class BatchWriter:
    """Writes batches of (line, prepared order) in order; see the module docstring."""

    def __init__(
        self,
        db: Database,
        store: Store,
        summary: Summary,
        *,
        publish_events: bool,
        run_rules: bool,
        batch_size: int,
        after_batch: Callable[[], None],
        overlap: bool,
    ) -> None:
        self.db, self.store, self.summary = db, store, summary
        self.publish_events, self.run_rules = publish_events, run_rules
        self.after_batch = after_batch
        self.batch_size, self.batches = batch_size, 0
        self.next_analyze = batch_size  # statistics after the first batch, then as it doubles
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="import") if overlap else None
        # The batch being written, and where its rejections go in `summary.rejected`.
        self._pending: tuple[Future[bulk.BatchResult], list[int], int] | None = None

    def submit(self, lines: list[int], orders: list[bulk.PreparedOrder]) -> None:
        """Write one batch (`lines[i]` is the file line of `orders[i]`)."""
        self._settle()
        mark = len(self.summary.rejected)
        if self._thread is None:
            self._record(self._write(orders), lines, mark)
            return
        self._pending = (self._thread.submit(self._write, orders), lines, mark)

    def finish(self) -> None:
        """Wait for the last batch; raises what writing it raised."""
        try:
            self._settle()
        finally:
            if self._thread is not None:
                self._thread.shutdown()

    def _settle(self) -> None:
        if self._pending is not None:
            future, lines, mark = self._pending
            self._pending = None
            self._record(future.result(), lines, mark)

    def _write(self, orders: list[bulk.PreparedOrder]) -> bulk.BatchResult:
        result = imports.import_batch(
            self.db, self.store, orders, channel=Channel.importer(),
            publish_events=self.publish_events, run_rules=self.run_rules,
        )  # fmt: skip
        self.batches += 1
        imported_so_far = self.summary.imported + len(result.imported)
        if imported_so_far >= self.next_analyze:
            imports.refresh_statistics(self.db)
            self.next_analyze = max(2 * imported_so_far, 10 * self.batch_size)
        if self.batches % COLLECT_EVERY == 0:
            gc.collect()
        return result

    def _record(self, result: bulk.BatchResult, lines: list[int], mark: int) -> None:
        self.summary.imported += len(result.imported)
        self.summary.duplicates += len(result.duplicates)
        self.summary.rejected[mark:mark] = [(lines[pos], why) for pos, why in result.rejected]
        self.after_batch()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while an import runs (the writer collects every
    COLLECT_EVERY batches instead): the rows in flight are hundreds of thousands of tuples,
    which the collector otherwise scans again and again — a fifth of the writer's CPU."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
