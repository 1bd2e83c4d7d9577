"""`orderhub orders ...`: bulk import and export, and everyday order commands.

Import streams the file (constant memory), validates each order exactly as the API does,
and writes batches of orders in one transaction each. Bad lines are reported with their line
number and never stop the good ones; orders the store already has (same source name and
source id) are skipped, so re-running the same file creates nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table
from sqlalchemy.exc import IntegrityError

from orderhub.api.orderdesk.models import OrderIn, describe_errors
from orderhub.api.orderdesk.params import parse_order_query
from orderhub.api.orderdesk.wire import order_dict
from orderhub.config import Settings
from orderhub.domain.errors import OrderhubError
from orderhub.domain.orders import Order, fill_create_defaults
from orderhub.storage import bulk, migrate, stores
from orderhub.storage import orders as repo
from orderhub.storage.database import Database

orders_app = typer.Typer(help="Import, export and inspect orders.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

BATCH_SIZE = 2000
EXPORT_PAGE = 1000

# CSV: one row per item; the order's columns repeat on each of its rows, and consecutive rows
# with the same source_id form one order.
CSV_ORDER_COLUMNS = (
    "source_id",
    "source_name",
    "email",
    "date_added",
    "folder_name",
    "shipping_method",
    "shipping_total",
    "handling_total",
    "tax_total",
    "payment_status",
    "payment_type",
    "customer_id",
    "shipping_first_name",
    "shipping_last_name",
    "shipping_company",
    "shipping_address1",
    "shipping_address2",
    "shipping_city",
    "shipping_state",
    "shipping_postal_code",
    "shipping_country",
    "shipping_phone",
    "customer_first_name",
    "customer_last_name",
    "customer_company",
    "customer_address1",
    "customer_address2",
    "customer_city",
    "customer_state",
    "customer_postal_code",
    "customer_country",
    "customer_phone",
)
CSV_ITEM_COLUMNS = ("item_name", "item_code", "item_price", "item_quantity", "item_weight")
CSV_COLUMNS = ("id", *CSV_ORDER_COLUMNS, *CSV_ITEM_COLUMNS, "order_total")


def _database() -> Database:
    db = Database(Settings().effective_database_url)
    problem = migrate.schema_state(db).problem()
    if problem:
        err.print(f"[bold red]error:[/] {problem}")
        raise typer.Exit(1)
    return db


def _require_store(db: Database, store_id: int) -> stores.Store:
    try:
        with db.read() as conn:
            return stores.get_store(conn, store_id)
    except OrderhubError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(1) from None


@dataclass
class Parsed:
    line: int
    order: Order | None = None
    error: str | None = None


def _to_order(data: Any, line: int, raw: bytes) -> Parsed:
    if not isinstance(data, dict):
        return Parsed(line, error="expected a JSON object")
    try:
        parsed = OrderIn.model_validate(data)
        order = parsed.to_domain()
        fill_create_defaults(order)
    except OrderhubError as exc:
        return Parsed(line, error=exc.message)
    except Exception as exc:  # pydantic.ValidationError
        if hasattr(exc, "errors"):
            return Parsed(line, error=describe_errors(exc))  # type: ignore[arg-type]
        raise
    if not order.source_id:
        # A deterministic key, so that a re-run of the same file recognises the order.
        order.source_id = "import-" + hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:20]
    return Parsed(line, order=order)


def _read_jsonl(
    stream: IO[bytes], progress: Any, task: Any, folders: dict[str, int]
) -> Iterator[Parsed]:
    for number, raw in enumerate(stream, start=1):
        progress.advance(task, len(raw))
        if not raw.strip():
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield Parsed(number, error=f"malformed JSON ({exc})")
            continue
        yield _to_order(data, number, raw)


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


def _read_csv(
    stream: IO[bytes], progress: Any, task: Any, folders: dict[str, int]
) -> Iterator[Parsed]:
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    reader = csv.DictReader(text)
    missing = {"source_id", "item_name"} - set(reader.fieldnames or ())
    if missing:
        yield Parsed(1, error=f"CSV header lacks the column(s): {', '.join(sorted(missing))}")
        return
    group: list[dict[str, str]] = []
    start_line = 2
    last_position = 0
    for row in reader:
        position = stream.tell() if stream.seekable() else last_position
        progress.advance(task, max(0, position - last_position))
        last_position = position
        if group and row["source_id"] != group[0]["source_id"]:
            yield _csv_parsed(group, start_line, folders)
            start_line = reader.line_num
            group = []
        group.append(row)
    if group:
        yield _csv_parsed(group, start_line, folders)


def _csv_parsed(group: list[dict[str, str]], line: int, folders: dict[str, int]) -> Parsed:
    data = _csv_group_to_order(group, folders)
    return _to_order(data, line, orjson.dumps(data))


@dataclass
class ImportSummary:
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _flush(db: Database, store_id: int, batch: list[Parsed], summary: ImportSummary) -> None:
    orders = [p.order for p in batch if p.order is not None]
    for attempt in range(3):
        try:
            with db.write() as conn:
                result = bulk.import_batch(conn, store_id, orders)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    summary.imported += len(result.imported)
    summary.duplicates += len(result.duplicates)
    summary.rejected.extend((batch[pos].line, reason) for pos, reason in result.rejected)


def run_import(
    db: Database,
    store_id: int,
    path: Path,
    fmt: str,
    *,
    quiet: bool,
    folder: stores.Folder | None = None,
) -> ImportSummary:
    """`folder`, when given, receives every imported order (whatever the file says)."""
    summary = ImportSummary()
    with db.read() as conn:
        folders = {f.name: f.id for f in stores.list_folders(conn, store_id)}
    size = path.stat().st_size
    columns = (
        TextColumn("[bold]importing"),
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[done]} orders"),
    )
    with path.open("rb") as stream, Progress(*columns, console=err, disable=quiet) as progress:
        task = progress.add_task("import", total=size, done=0)
        reader = _read_csv if fmt == "csv" else _read_jsonl
        batch: list[Parsed] = []
        next_analyze = BATCH_SIZE  # statistics after the first batch, then as the store doubles
        for parsed in reader(stream, progress, task, folders):
            if parsed.order is not None and folder is not None:
                parsed.order.folder_id = folder.id
            if parsed.error is not None:
                summary.rejected.append((parsed.line, parsed.error))
                continue
            batch.append(parsed)
            if len(batch) >= BATCH_SIZE:
                _flush(db, store_id, batch, summary)
                if summary.imported >= next_analyze:
                    with db.write() as conn:
                        bulk.refresh_statistics(conn)
                    next_analyze = max(2 * summary.imported, 10 * BATCH_SIZE)
                progress.update(task, done=summary.imported + summary.duplicates)
                batch = []
        if batch:
            _flush(db, store_id, batch, summary)
        if summary.imported:
            with db.write() as conn:
                bulk.refresh_statistics(conn)
        progress.update(task, completed=size, done=summary.imported + summary.duplicates)
    return summary


def _format_for(path: Path, given: str | None) -> str:
    if given:
        return given
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


@orders_app.command("import")
def import_orders(
    store_id: Annotated[int, typer.Argument(help="the store to import into")],
    file: Annotated[Path, typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) file")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: by suffix)")
    ] = None,
    folder_name: Annotated[
        str | None, typer.Option("--folder", help="put every order in this folder")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Import orders in bulk. Safe to re-run: orders already present are skipped.

    JSON Lines: one Order Desk order object per line (what `orders export` writes).
    CSV: one row per item, columns as in docs/cli.md; rows with the same source_id form one order.

    Example: orderhub orders import 1 orders.jsonl
    """
    if not file.is_file():
        err.print(f"[bold red]error:[/] cannot read {file}: no such file")
        raise typer.Exit(1)
    fmt = _format_for(file, fmt)
    if fmt not in ("jsonl", "csv"):
        err.print("[bold red]error:[/] --format must be jsonl or csv")
        raise typer.Exit(1)
    db = _database()
    _require_store(db, store_id)
    folder = None
    if folder_name is not None:
        with db.read() as conn:
            folder = stores.find_folder(conn, store_id, name=folder_name)
        if folder is None:
            err.print(f"[bold red]error:[/] store {store_id} has no folder named {folder_name!r}")
            raise typer.Exit(1)
    summary = run_import(db, store_id, file, fmt, quiet=quiet, folder=folder)
    console.print(
        f"imported {summary.imported}, skipped {summary.duplicates} as duplicates, "
        f"rejected {len(summary.rejected)}"
    )
    for line, reason in summary.rejected[:50]:
        console.print(f"  line {line}: {reason}")
    if len(summary.rejected) > 50:
        console.print(f"  ... and {len(summary.rejected) - 50} more")
    if summary.rejected:
        raise typer.Exit(2)


def iter_export(db: Database, store: stores.Store, params: dict[str, str]) -> Iterator[Order]:
    """Every matching order, oldest id first, a page at a time (keyset on id)."""
    with db.read() as conn:
        query = parse_order_query(conn, store, params)
    query.sort, query.descending = "id", False
    last_id = 0
    while True:
        query.since_id = last_id
        with db.read() as conn:
            ids = repo.search_order_ids(conn, store.id, query, limit=EXPORT_PAGE, offset=0)
            page = repo.load_orders(conn, store.id, ids, with_history=False)
        yield from page
        if len(ids) < EXPORT_PAGE:
            return
        last_id = ids[-1]


def _csv_rows(order: Order, folder_names: dict[int, str]) -> Iterator[list[Any]]:
    wire = order_dict(order)
    wire["folder_name"] = folder_names.get(order.folder_id or 0, "")
    base = [wire["id"]]
    for col in CSV_ORDER_COLUMNS:
        prefix, _, rest = col.partition("_")
        if prefix in ("shipping", "customer") and rest in wire[prefix]:
            base.append(wire[prefix][rest])
        else:
            base.append(wire.get(col, ""))
    for item in wire["order_items"]:
        yield [
            *base,
            item["name"],
            item["code"],
            item["price"],
            item["quantity"],
            item["weight"],
            wire["order_total"],
        ]


@orders_app.command("export")
def export_orders(
    store_id: Annotated[int, typer.Argument(help="the store to export from")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file (default stdout)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    folder_id: Annotated[str | None, typer.Option(help="folder id or comma list")] = None,
    folder_name: Annotated[str | None, typer.Option(help="exact folder name")] = None,
    source_name: Annotated[str | None, typer.Option(help="source name")] = None,
    source_id: Annotated[str | None, typer.Option(help="source id")] = None,
    email: Annotated[str | None, typer.Option(help="customer email")] = None,
    start: Annotated[str | None, typer.Option(help="added on/after (UTC date or datetime)")] = None,
    end: Annotated[str | None, typer.Option(help="added on/before (UTC date or datetime)")] = None,
    modified_start: Annotated[str | None, typer.Option(help="updated on/after (UTC)")] = None,
    modified_end: Annotated[str | None, typer.Option(help="updated on/before (UTC)")] = None,
) -> None:
    """Export orders as JSON Lines or CSV, with the filters of GET /orders, streamed.

    Example: orderhub orders export 1 --format csv --start 2026-01-01 -o january.csv
    """
    if fmt not in ("jsonl", "csv"):
        err.print("[bold red]error:[/] --format must be jsonl or csv")
        raise typer.Exit(1)
    db = _database()
    store = _require_store(db, store_id)
    params = {
        key: value
        for key, value in {
            "folder_id": folder_id,
            "folder_name": folder_name,
            "source_name": source_name,
            "source_id": source_id,
            "email": email,
            "search_start_date": start,
            "search_end_date": end,
            "modified_start_date": modified_start,
            "modified_end_date": modified_end,
        }.items()
        if value is not None
    }
    with db.read() as conn:
        folder_names = {f.id: f.name for f in stores.list_folders(conn, store_id)}
    sink = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        with Progress(
            TextColumn("[bold]exporting"),
            TextColumn("{task.completed} orders"),
            console=err,
            disable=output is None,
        ) as progress:
            task = progress.add_task("export", total=None)
            writer = csv.writer(sink) if fmt == "csv" else None
            if writer is not None:
                writer.writerow(CSV_COLUMNS)
            for order in iter_export(db, store, params):
                if writer is not None:
                    writer.writerows(_csv_rows(order, folder_names))
                else:
                    sink.write(orjson.dumps(order_dict(order)).decode() + "\n")
                count += 1
                progress.advance(task)
    except OrderhubError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(1) from None
    finally:
        if output:
            sink.close()
    err.print(f"exported {count} orders")


@orders_app.command("list")
def list_orders(
    store_id: Annotated[int, typer.Argument(help="the store")],
    limit: Annotated[int, typer.Option(help="how many (newest first)")] = 20,
    folder_name: Annotated[str | None, typer.Option(help="only this folder")] = None,
) -> None:
    """Show the newest orders as a table.

    Example: orderhub orders list 1 --folder-name Received
    """
    db = _database()
    store = _require_store(db, store_id)
    params = {"folder_name": folder_name} if folder_name else {}
    try:
        with db.read() as conn:
            query = parse_order_query(conn, store, params)
            ids = repo.search_order_ids(conn, store.id, query, limit=limit, offset=0)
            found = repo.load_orders(conn, store.id, ids, with_history=False)
            folders = {f.id: f.name for f in stores.list_folders(conn, store.id)}
    except OrderhubError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(1) from None
    table = Table("id", "added (UTC)", "source", "name", "email", "items", "total", "folder")
    for o in found:
        name = " ".join(filter(None, (o.shipping.get("first_name"), o.shipping.get("last_name"))))
        table.add_row(
            str(o.id),
            str(o.date_added),
            f"{o.source_name}:{o.source_id}",
            name or o.shipping.get("company", ""),
            o.email,
            str(o.quantity_total),
            str(o.order_total),
            folders.get(o.folder_id or 0, ""),
        )
    console.print(table)


@orders_app.command("show")
def show_order(
    store_id: Annotated[int, typer.Argument(help="the store")],
    order_id: Annotated[int, typer.Argument(help="the order id")],
) -> None:
    """Print one order as JSON (the Order Desk wire format), with its history."""
    db = _database()
    _require_store(db, store_id)
    try:
        with db.read() as conn:
            order = repo.get_order(conn, store_id, order_id, with_history=True)
    except OrderhubError as exc:
        err.print(f"[bold red]error:[/] {exc.message}")
        raise typer.Exit(1) from None
    console.print_json(orjson.dumps(order_dict(order)).decode())
