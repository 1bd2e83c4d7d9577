"""Order files into a store: JSON Lines and CSV, read as a stream, validated, written in
batches — the bulk path behind `orderhub orders import` and the benchmark's seeding.

Each order is validated exactly as the API validates it: a well-typed JSON line by the
compiled schema (protocol/orderdesk/bulk_schema.py) and straight into rows (rows.py), any
other line by the API's own models, which give the API's verdict and message. For a large
file that is spread over worker processes: a worker turns lines into `bulk.PreparedOrder`
(plain row values, already converted for the database), sent back as plain tuples. This
process hands out byte ranges of a JSON Lines file (byte_ranges.py; CSV it reads itself),
keeps a bounded number of chunks in flight (constant memory), and is the only writer
(batch_writer.py): duplicates, ids and inserts.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from sqlalchemy import Dialect
from sqlalchemy.engine import make_url

from orderhub.domain import values
from orderhub.domain.errors import OrderhubError
from orderhub.domain.orders import fill_create_defaults
from orderhub.domain.stores import Folder
from orderhub.orderfiles.batch_writer import BatchWriter, collector_paused
from orderhub.orderfiles.byte_ranges import byte_ranges, read_lines
from orderhub.orderfiles.rows import prepare_fast, source_id_of
from orderhub.protocol.csv_cells import restore_cell
from orderhub.protocol.orderdesk import bulk_schema
from orderhub.protocol.orderdesk.models import OrderIn, describe_errors
from orderhub.protocol.orderdesk.order_file import CSV_ORDER_COLUMNS
from orderhub.services import imports
from orderhub.storage import bulk, stores
from orderhub.storage.database import Database

BATCH_SIZE = 2000  # orders per write transaction
CHUNK_SIZE = 500  # orders per unit of work sent to a worker process
# Chunks in flight: three batches' worth, so that the workers keep preparing while this
# process writes a batch (with one batch's worth they ran dry half-way through each write).
IN_FLIGHT = 3 * BATCH_SIZE // CHUNK_SIZE
PROGRESS_LINES = 1000
PARALLEL_FROM_BYTES = 4 * 1024 * 1024  # smaller files: starting workers costs more than it saves

# One order of the file: its first line, and the raw JSON line or the order built from CSV rows.
Unit = tuple[int, bytes | dict[str, Any]]


@dataclass(slots=True)
class Parsed:
    line: int
    order: bulk.PreparedOrder | None = None
    error: str | None = None


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


# --- one order: parse, validate, prepare (in a worker or in this process) -----------------


def prepare_unit(dialect: Dialect, line: int, payload: bytes | dict[str, Any]) -> Parsed:
    """The compiled schema and the rows built from it when they can judge the line (nearly
    every good one), else the API's own models, which give the API's verdict and message."""
    if isinstance(payload, bytes):
        decoded = bulk_schema.decode(payload)
        if decoded is not None:
            prepared = prepare_fast(decoded, payload, dialect)
            if prepared is not None:
                return Parsed(line, order=prepared)
    return prepare_with_models(dialect, line, payload)


def prepare_with_models(dialect: Dialect, line: int, payload: bytes | dict[str, Any]) -> Parsed:
    """The unit judged by the API's own models and built through the domain order: the
    reference the fast path must agree with, and the path of every line it cannot judge."""
    if isinstance(payload, bytes):
        try:
            data = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            return Parsed(line, error=f"malformed JSON ({exc})")
        raw = payload
    else:
        data, raw = payload, orjson.dumps(payload)
    if not isinstance(data, dict):
        return Parsed(line, error="expected a JSON object")
    # What the API asks of every request body before its fields, with the API's message.
    problem = values.json_problem(data)
    if problem:
        return Parsed(line, error=f"request body: {problem}")
    try:
        order = OrderIn.model_validate(data).to_domain()
        fill_create_defaults(order)
        if not order.source_id:
            order.source_id = source_id_of(raw)
        # Totals out of range are refused here, as the API refuses them.
        prepared = bulk.prepare(order, dialect)
    except OrderhubError as exc:
        return Parsed(line, error=exc.message)
    except Exception as exc:  # pydantic.ValidationError
        if hasattr(exc, "errors"):
            return Parsed(line, error=describe_errors(exc))  # type: ignore[arg-type]
        raise
    return Parsed(line, order=prepared)


def _dialect(drivername: str) -> Dialect:
    """The dialect alone (no connection): all a worker needs to convert values."""
    dialect: Dialect = make_url(f"{drivername}://").get_dialect()()
    return dialect


_worker_dialect: Dialect | None = None


def _start_worker(drivername: str) -> None:
    global _worker_dialect
    _worker_dialect = _dialect(drivername)


# A prepared unit as it travels back from a worker: plain tuples pickle in a third of the
# time dataclasses take, on both sides (the writer's side is the import's bottleneck).
Wire = tuple[int, tuple[Any, ...] | None, str | None]


def _prepare_chunk(units: list[Unit]) -> list[Wire]:
    assert _worker_dialect is not None
    wire: list[Wire] = []
    for line, payload in units:
        parsed = prepare_unit(_worker_dialect, line, payload)
        order = parsed.order
        fields = None
        if order is not None:
            fields = (order.source_name, order.source_id, order.folder_id, order.date_added,
                      order.order_values, order.item_values)  # fmt: skip
        wire.append((parsed.line, fields, parsed.error))
    return wire


def _from_wire(chunk: list[Wire]) -> Iterator[Parsed]:
    for line, fields, error in chunk:
        yield Parsed(line, None if fields is None else bulk.PreparedOrder(*fields), error)


def _chunks(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    chunk: list[Unit] = []
    for unit in units:
        chunk.append(unit)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pool(drivername: str, jobs: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent holds database connections and a progress-bar thread.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(drivername,)
    )


def prepare_all(units: Iterable[Unit], drivername: str, jobs: int) -> Iterator[Parsed]:
    """Every unit prepared, in file order: here when `jobs` is 1, else in `jobs` worker
    processes with at most IN_FLIGHT chunks in flight (constant memory)."""
    if jobs <= 1:
        dialect = _dialect(drivername)
        for line, payload in units:
            yield prepare_unit(dialect, line, payload)
        return
    with _pool(drivername, jobs) as pool:
        pending: deque[Future[list[Wire]]] = deque()
        for chunk in _chunks(units, CHUNK_SIZE):
            pending.append(pool.submit(_prepare_chunk, chunk))
            if len(pending) >= max(IN_FLIGHT, 2 * jobs):
                yield from _from_wire(pending.popleft().result())
        while pending:
            yield from _from_wire(pending.popleft().result())


def _prepare_range(path: str, start: int, end: int) -> tuple[int, list[Wire]]:
    """A byte range of a JSON Lines file, read and prepared in a worker: its line count and
    its orders, numbered from 1 within the range."""
    lines = read_lines(path, start, end)
    units: list[Unit] = [(n, raw) for n, raw in enumerate(lines, start=1) if raw.strip()]
    return len(lines), _prepare_chunk(units)


def prepare_jsonl_ranges(
    path: Path, drivername: str, jobs: int, progress: Any, task: Any
) -> Iterator[Parsed]:
    """A JSON Lines file prepared by `jobs` worker processes that read it by byte ranges
    (no line passes through this process), in file order, IN_FLIGHT ranges in flight."""
    size = path.stat().st_size
    with _pool(drivername, jobs) as pool:
        pending: deque[tuple[int, Future[tuple[int, list[Wire]]]]] = deque()
        lines_before = 0
        for start, end in byte_ranges(path, size):
            pending.append((end - start, pool.submit(_prepare_range, str(path), start, end)))
            if len(pending) >= max(IN_FLIGHT, 2 * jobs):
                lines_before = yield from _next_range(pending, lines_before, progress, task)
        while pending:
            lines_before = yield from _next_range(pending, lines_before, progress, task)


def _next_range(
    pending: deque[tuple[int, Future[tuple[int, list[Wire]]]]],
    lines_before: int,
    progress: Any,
    task: Any,
) -> Generator[Parsed, None, int]:
    """The oldest range's orders with their line in the file; returns the lines so far."""
    length, future = pending.popleft()
    count, wire = future.result()
    progress.advance(task, length)
    for line, fields, error in wire:
        order = None if fields is None else bulk.PreparedOrder(*fields)
        yield Parsed(lines_before + line, order, error)
    return lines_before + count


def default_jobs(size: int) -> int:
    return (os.cpu_count() or 1) if size >= PARALLEL_FROM_BYTES else 1


# --- reading files -------------------------------------------------------------------------


def _jsonl_units(stream: IO[bytes], progress: Any, task: Any) -> Iterator[Unit]:
    # The bar moves every PROGRESS_LINES lines: a call per line costs the writer's process
    # more than a tenth of what it spends per order.
    unreported = 0
    for number, raw in enumerate(stream, start=1):
        unreported += len(raw)
        if number % PROGRESS_LINES == 0:
            progress.advance(task, unreported)
            unreported = 0
        if raw.strip():
            yield number, raw
    progress.advance(task, unreported)


def _csv_group_to_order(rows: list[dict[str, str]], folders: dict[str, int]) -> dict[str, Any]:
    first = rows[0]
    order: dict[str, Any] = {
        k: first[k]
        for k in CSV_ORDER_COLUMNS
        if first.get(k) and not k.startswith(("shipping_", "customer_")) and k != "folder_name"
    }
    if first.get("folder_name"):
        # An unknown name becomes an id no folder has, so the order is rejected with a reason.
        order["folder_id"] = folders.get(first["folder_name"], -1)
    for k in ("shipping_method", "shipping_total"):
        if first.get(k):
            order[k] = first[k]
    for prefix in ("shipping", "customer"):
        order[prefix] = {
            col[len(prefix) + 1 :]: first[col]
            for col in CSV_ORDER_COLUMNS
            if col.startswith(prefix + "_")
            and col not in ("shipping_method", "shipping_total")
            and first.get(col)
        }
    order["order_items"] = [
        {
            "name": r.get("item_name", ""),
            "code": r.get("item_code", ""),
            "price": r.get("item_price") or 0,
            "quantity": r.get("item_quantity") or 1,
            "weight": r.get("item_weight") or 0,
        }
        for r in rows
    ]
    return order


class CsvHeaderError(Exception):
    pass


def _csv_units(
    stream: IO[bytes], progress: Any, task: Any, folders: dict[str, int]
) -> Iterator[Unit]:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    reader = csv.DictReader(text)
    missing = {"source_id", "item_name"} - set(reader.fieldnames or ())
    if missing:
        raise CsvHeaderError(f"CSV header lacks the column(s): {', '.join(sorted(missing))}")
    group: list[dict[str, str]] = []
    start_line = 2
    last_position = 0
    for row in reader:
        position = stream.tell() if stream.seekable() else last_position
        progress.advance(task, max(0, position - last_position))
        last_position = position
        row = {k: restore_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        if group and row["source_id"] != group[0]["source_id"]:
            yield start_line, _csv_group_to_order(group, folders)
            start_line = reader.line_num
            group = []
        group.append(row)
    if group:
        yield start_line, _csv_group_to_order(group, folders)


# --- writing -------------------------------------------------------------------------------


def run_import(
    db: Database,
    store_id: int,
    path: Path,
    fmt: str,
    *,
    quiet: bool,
    folder: Folder | None = None,
    jobs: int | None = None,
    console: Console | None = None,
    publish_events: bool = True,
    run_rules: bool = True,
) -> ImportSummary:
    """`folder`, when given, receives every imported order (whatever the file says).
    `jobs` is the number of worker processes (default: one per core for large files).
    `publish_events` off: no `order.created` event (so no webhook) for the imported orders.
    `run_rules` off: the store's `order.created` rules do not run on them (docs/rules.md)."""
    summary = ImportSummary()
    with db.read() as conn:
        store = stores.get_store(conn, store_id)
        folders = {f.name: f.id for f in stores.list_folders(conn, store_id)}
    size = path.stat().st_size
    jobs = default_jobs(size) if jobs is None else jobs
    columns = (
        TextColumn("[bold]importing"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[done]} orders"),
    )
    progress = Progress(*columns, console=console or Console(stderr=True), disable=quiet)
    with path.open("rb") as stream, progress:
        task = progress.add_task("import", total=size, done=0)
        units = (
            _csv_units(stream, progress, task, folders)
            if fmt == "csv"
            else _jsonl_units(stream, progress, task)
        )
        drivername = db.engine.url.drivername
        prepared = (
            prepare_jsonl_ranges(path, drivername, jobs, progress, task)
            if fmt != "csv" and jobs > 1
            else prepare_all(units, drivername, jobs)
        )
        writer = BatchWriter(
            db, store, summary, publish_events=publish_events, run_rules=run_rules,
            batch_size=BATCH_SIZE, overlap=jobs > 1,
            after_batch=lambda: progress.update(task, done=summary.imported + summary.duplicates),
        )  # fmt: skip
        lines: list[int] = []
        batch: list[bulk.PreparedOrder] = []
        try:
            with collector_paused():
                try:
                    for parsed in prepared:
                        order = parsed.order
                        if order is None:
                            summary.rejected.append((parsed.line, parsed.error or ""))
                            continue
                        if folder is not None:
                            order.folder_id = folder.id
                        lines.append(parsed.line)
                        batch.append(order)
                        if len(batch) >= BATCH_SIZE:
                            writer.submit(lines, batch)
                            lines, batch = [], []
                except CsvHeaderError as exc:
                    summary.rejected.append((1, str(exc)))
                if batch:
                    writer.submit(lines, batch)
        finally:
            writer.finish()
        if summary.imported:
            imports.settle_after_import(db)
        progress.update(task, completed=size, done=summary.imported + summary.duplicates)
    return summary
