"""The import pipeline itself: worker processes give exactly what one process gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from orderhub.domain.queries import OrderQuery
from orderhub.orderfiles import byte_ranges, run_import
from orderhub.orderfiles import pipeline as order_files
from orderhub.services import imports
from orderhub.storage import migrate, stores
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database
from tests.helpers import sample_order


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]) -> Database:
    database = Database(fresh_database_url(request.param))
    migrate.upgrade(database)
    request.addfinalizer(database.dispose)
    return database


def a_file(path: Path) -> Path:
    good = [
        sample_order(source_id=f"P{i}", date_added=f"2024-06-{1 + i % 28:02d} 10:00:00")
        for i in range(30)
    ]
    lines = [orjson.dumps(o) for o in good[:10]]
    lines += [b'{"source_id": "broken"', b"[1, 2]", orjson.dumps(sample_order(order_items="x"))]
    lines += [orjson.dumps(o) for o in good[10:]]
    lines += [
        orjson.dumps(good[3]),
        orjson.dumps(sample_order(source_id=None, date_added="2024-01-01 00:00:00")),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def stored(db: Database, store_id: int) -> list[dict[str, Any]]:
    """What was written, without what differs by nature between two stores."""
    with db.read() as conn:
        ids = order_storage.search_order_ids(
            conn, store_id, OrderQuery(sort="source_id", descending=False), limit=100, offset=0
        )
        found = order_storage.load_orders(conn, store_id, ids, with_history=False)
    rows = []
    for order in found:
        row = {k: v for k, v in vars(order).items() if k not in ("id", "store_id", "folder_id")}
        row["date_updated"] = None
        row["items"] = [{**vars(i), "id": None} for i in order.items]
        rows.append(row)
    return rows


def test_workers_import_exactly_what_one_process_imports(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_files, "CHUNK_SIZE", 4)  # many chunks in flight, out of step
    monkeypatch.setattr(order_files, "BATCH_SIZE", 7)  # with the write batches
    path = a_file(tmp_path / "orders.jsonl")
    with db.write() as conn:
        alone = stores.create_store(conn, "one process").store.id
        spread = stores.create_store(conn, "workers").store.id

    single = run_import(db, alone, path, "jsonl", quiet=True, jobs=1)
    parallel = run_import(db, spread, path, "jsonl", quiet=True, jobs=2)

    assert (single.imported, single.duplicates) == (31, 1)
    assert [line for line, _ in single.rejected] == [11, 12, 13]
    assert "malformed JSON" in single.rejected[0][1]
    assert "expected a JSON object" in single.rejected[1][1]
    assert "order_items" in single.rejected[2][1]
    assert parallel == single
    assert stored(db, spread) == stored(db, alone)

    again = run_import(db, spread, path, "jsonl", quiet=True, jobs=2)
    assert (again.imported, again.duplicates) == (0, 32)
    # Dates converted in a worker are stored as the API stores them.
    with db.read() as conn:
        on_the_second = OrderQuery(
            added_from=datetime(2024, 6, 28, 10), added_to=datetime(2024, 6, 28, 10)
        )
        assert order_storage.count_orders(conn, spread, on_the_second) == 1


def test_workers_reading_byte_ranges_number_lines_as_the_file_does(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ranges of a few hundred bytes: cuts fall inside lines, next to blank lines, and the
    # file's last line has no newline.
    monkeypatch.setattr(byte_ranges, "RANGE_BYTES", 300)
    monkeypatch.setattr(order_files, "BATCH_SIZE", 5)
    text = a_file(tmp_path / "base.jsonl").read_bytes().replace(b"\n", b"\n\n", 3)
    path = tmp_path / "orders.jsonl"
    path.write_bytes(text + b'{"source_id": "last"')
    with db.write() as conn:
        alone = stores.create_store(conn, "one process").store.id
        spread = stores.create_store(conn, "workers").store.id

    single = run_import(db, alone, path, "jsonl", quiet=True, jobs=1)
    parallel = run_import(db, spread, path, "jsonl", quiet=True, jobs=2)

    assert [line for line, _ in single.rejected] == [14, 15, 16, 39]
    assert parallel == single
    assert stored(db, spread) == stored(db, alone)


def test_large_files_use_one_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(order_files.os, "cpu_count", lambda: 6)
    assert order_files.default_jobs(order_files.PARALLEL_FROM_BYTES) == 6
    assert order_files.default_jobs(order_files.PARALLEL_FROM_BYTES - 1) == 1


def test_imported_orders_fire_order_created_unless_told_not_to(
    db: Database, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from orderhub.storage import webhooks
    from orderhub.storage.webhook_tables import webhook_deliveries

    with db.write() as conn:
        hooked = stores.create_store(conn, "Hooked").store.id
        quiet = stores.create_store(conn, "Quiet").store.id
        for store_id in (hooked, quiet):
            webhooks.add_endpoint(
                conn, store_id, "http://127.0.0.1:9/hook", ["order.created"], "form", "s"
            )
    path = a_file(tmp_path / "orders.jsonl")
    told = run_import(db, hooked, path, "jsonl", quiet=True, jobs=1)
    not_told = run_import(db, quiet, path, "jsonl", quiet=True, jobs=1, publish_events=False)
    assert told.imported == not_told.imported > 0

    def deliveries(store_id: int) -> int:
        with db.read() as conn:
            query = select(func.count()).where(webhook_deliveries.c.store_id == store_id)
            return int(conn.execute(query).scalar_one())

    assert deliveries(hooked) == told.imported
    assert deliveries(quiet) == 0


def test_a_failed_batch_on_the_writer_thread_fails_the_import(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_files, "BATCH_SIZE", 7)
    path = a_file(tmp_path / "orders.jsonl")
    with db.write() as conn:
        store_id = stores.create_store(conn, "failing").store.id
    written = imports.import_batch
    calls = []

    def fail_the_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return written(*args, **kwargs)

    monkeypatch.setattr(imports, "import_batch", fail_the_second)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(db, store_id, path, "jsonl", quiet=True, jobs=2)
    with db.read() as conn:
        assert order_storage.count_orders(conn, store_id, OrderQuery()) == 7  # the first batch only
