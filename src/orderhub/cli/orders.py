"""`orderhub orders ...`: bulk import and export, and everyday order commands.

Import (see `orderhub.order_files`) streams the file, validates each order exactly as the API
does, and writes batches of orders in one transaction each. Bad lines are reported with
their line number and never stop the good ones; orders the store already has (same source
name and source id) are skipped, so re-running the same file creates nothing twice.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.progress import Progress, TextColumn
from rich.table import Table

from orderhub.cli.common import console, err, fail, ready_database, record_id, require_store
from orderhub.domain.channel import Channel
from orderhub.domain.dates import parse_datetime
from orderhub.domain.errors import OrderhubError
from orderhub.domain.limits import MAX_SPLIT_PARTS, width
from orderhub.domain.queries import OrderQuery
from orderhub.orderfiles import run_import
from orderhub.protocol.csv_cells import SafeWriter
from orderhub.protocol.orderdesk import order_file
from orderhub.protocol.orderdesk.id_list import parse_id_list
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.services import exports, moves, splits
from orderhub.storage import orders as order_storage
from orderhub.storage import stores

app = typer.Typer(help="Import, export and inspect orders.", no_args_is_help=True)

EXPORT_PAGE = 1000
CHANNEL = Channel.cli()
MAX_CODE_CHARS = width("order_items", "code")


def _format_for(path: Path, given: str | None) -> str:
    if given:
        return given
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


@app.command("import")
def import_orders(
    store_id: Annotated[int, typer.Argument(help="the store to import into", parser=record_id)],
    file: Annotated[Path, typer.Argument(help="JSON Lines (.jsonl) or CSV (.csv) file")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: by suffix)")
    ] = None,
    folder_name: Annotated[
        str | None, typer.Option("--folder", help="put every order in this folder")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", min=1, help="validating processes (default: one per core for files over 4 MB)"
        ),
    ] = None,
    no_webhooks: Annotated[
        bool,
        typer.Option("--no-webhooks", help="send no order.created webhook for imported orders"),
    ] = False,
    no_rules: Annotated[
        bool,
        typer.Option("--no-rules", help="run no automation rule on the imported orders"),
    ] = False,
) -> None:
    """Import orders in bulk. Safe to re-run: orders already present are skipped.

    JSON Lines: one Order Desk order object per line (what `orders export` writes).
    CSV: one row per item, columns as in docs/cli.md; rows with the same source_id form one order.

    Example: orderhub orders import 1 orders.jsonl
    """
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    fmt = _format_for(file, fmt)
    if fmt not in ("jsonl", "csv"):
        fail("--format must be jsonl or csv")
    db = ready_database()
    require_store(db, store_id)
    folder = None
    if folder_name is not None:
        with db.read() as conn:
            folder = stores.find_folder(conn, store_id, name=folder_name)
        if folder is None:
            fail(f"store {store_id} has no folder named {folder_name!r}")
    summary = run_import(
        db, store_id, file, fmt, quiet=quiet, folder=folder, jobs=jobs, console=err,
        publish_events=not no_webhooks, run_rules=not no_rules,
    )  # fmt: skip
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


@app.command("export")
def export_orders(
    store_id: Annotated[int, typer.Argument(help="the store to export from", parser=record_id)],
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

    In CSV a text cell starting with =, +, -, @, tab or CR gets a leading ' so spreadsheets
    show it as text, not run it as a formula (OWASP CSV injection); numbers stay numbers and
    `orders import` removes the ' again.

    Example: orderhub orders export 1 --format csv --start 2026-01-01 -o january.csv
    """
    if fmt not in ("jsonl", "csv"):
        fail("--format must be jsonl or csv")
    db = ready_database()
    store = require_store(db, store_id)
    try:
        query = OrderQuery(
            folder_ids=parse_id_list(folder_id, "--folder-id") if folder_id else None,
            folder_name=folder_name,
            source_name=source_name,
            source_id=source_id,
            email=email,
            added_from=_date(start, "--start"),
            added_to=_date(end, "--end", end_of_day=True),
            updated_from=_date(modified_start, "--modified-start"),
            updated_to=_date(modified_end, "--modified-end", end_of_day=True),
        )
    except OrderhubError as exc:
        fail(exc.message)
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
            writer = SafeWriter(sink) if fmt == "csv" else None
            if writer is not None:
                writer.writerow(order_file.CSV_COLUMNS)
            for order in exports.iter_orders(db, store.id, query):
                if writer is not None:
                    writer.writerows(order_file.csv_rows(order, folder_names))
                else:
                    sink.write(order_file.json_line(order).decode())
                count += 1
                progress.advance(task)
    except OrderhubError as exc:
        fail(exc.message)
    finally:
        if output:
            sink.close()
    err.print(f"exported {count} orders")


@app.command("list")
def list_orders(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    limit: Annotated[int, typer.Option(help="how many (newest first)")] = 20,
    folder_name: Annotated[str | None, typer.Option(help="only this folder")] = None,
) -> None:
    """Show the newest orders as a table.

    Example: orderhub orders list 1 --folder-name Received
    """
    db = ready_database()
    store = require_store(db, store_id)
    query = OrderQuery(folder_name=folder_name)
    try:
        with db.read() as conn:
            ids = order_storage.search_order_ids(conn, store.id, query, limit=limit, offset=0)
            found = order_storage.load_orders(conn, store.id, ids, with_history=False)
            folders = {f.id: f.name for f in stores.list_folders(conn, store.id)}
    except OrderhubError as exc:
        fail(exc.message)
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


@app.command("show")
def show_order(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    order_id: Annotated[int, typer.Argument(help="the order id", parser=record_id)],
) -> None:
    """Print one order as JSON (the Order Desk wire format), with its history.

    Example: orderhub orders show 1 1042
    """
    db = ready_database()
    require_store(db, store_id)
    try:
        with db.read() as conn:
            order = order_storage.get_order(conn, store_id, order_id, with_history=True)
    except OrderhubError as exc:
        fail(exc.message)
    console.print_json(orjson.dumps(order_dict(order)).decode())


@app.command("move")
def move(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    folder: Annotated[str, typer.Argument(help="destination folder name")],
    order_ids: Annotated[list[int], typer.Argument(help="order ids")],
) -> None:
    """Move orders to a folder.

    Example: orderhub orders move 1 Printing 12 13 14
    """
    db = ready_database()
    store = require_store(db, store_id)
    try:
        results = moves.move_orders(db, store, order_ids, folder_name=folder, channel=CHANNEL)
    except moves.UnknownFolder:
        fail(f"store {store_id} has no folder named {folder!r}")
    for result in results:
        console.print(f"order {result.order_id}: {result.message}")
    if not all(r.moved for r in results):
        raise typer.Exit(2)


@app.command("split")
def split(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    order_id: Annotated[int, typer.Argument(help="the order to split", parser=record_id)],
    items: Annotated[
        list[str],
        typer.Option(
            "--item", help="CODE (all of it not shipped yet) or CODE:QTY to move; repeatable"
        ),
    ],
    folder: Annotated[
        str | None, typer.Option("--folder", help="put the new order in this folder")
    ] = None,
) -> None:
    """Move items (or some of their quantity) to a new order of the same store.

    The new order gets the source id ORIGINAL-2 (-3, ...); shipping, handling, tax and
    discounts are shared in proportion to the items' value, to the cent (docs/routing.md).

    Example: orderhub orders split 1 1042 --item TEE-BLK-L:3 --item MUG-11 --folder Printing
    """
    if len(items) > MAX_SPLIT_PARTS:
        fail(f"at most {MAX_SPLIT_PARTS} --item options")
    parts = [_split_part(raw) for raw in items]
    db = ready_database()
    store = require_store(db, store_id)
    try:
        result = splits.split_order(db, store, order_id, parts, folder=folder, channel=CHANNEL)
    except moves.UnknownFolder:
        fail(f"store {store_id} has no folder named {folder!r}")
    except OrderhubError as exc:
        fail(f"order {order_id} not split: {exc.message}")
    what = ", ".join(f"{m.quantity} x {m.code or m.item_id}" for m in result.moved)
    console.print(
        f"order {result.original_id} split: {what} moved to order {result.new_order_id} "
        f"(source id {result.new_source_id})"
    )


def _split_part(raw: str) -> splits.SplitPart:
    """CODE or CODE:QTY (the last colon separates: codes may hold colons)."""
    code, sep, quantity = raw.rpartition(":")
    if not sep:
        code, quantity = raw, ""
    code = code.strip()
    if not code or len(code) > MAX_CODE_CHARS:
        fail(f"--item {raw!r}: give an item code (at most {MAX_CODE_CHARS} characters)")
    if not sep:
        return splits.SplitPart(code)
    number = quantity.strip()
    digits = number[1:] if number.startswith("-") else number
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        fail(f"--item {raw!r}: the quantity after ':' must be a whole number")
    return splits.SplitPart(code, int(number))


def _date(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    return None if value is None else parse_datetime(value, option, end_of_day=end_of_day)
