"""`orderhub folder ...` and `orderhub shipments add`: folders and shipping from a terminal."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orderhub.cli_orders import _database, _require_store
from orderhub.domain.errors import OrderhubError
from orderhub.domain.fulfilment import Shipment
from orderhub.storage import folders as folder_repo
from orderhub.storage import shipments as shipment_repo
from orderhub.storage import stores

folder_app = typer.Typer(help="Folders of a store.", no_args_is_help=True)
shipments_app = typer.Typer(help="Shipments.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
SURFACE = "cli"


def _fail(exc: OrderhubError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc.message}")
    return typer.Exit(1)


@folder_app.command("list")
def folder_list(store_id: Annotated[int, typer.Argument(help="the store")]) -> None:
    """Folders with their order counts and print-on-demand statuses."""
    db = _database()
    _require_store(db, store_id)
    with db.read() as conn:
        found = folder_repo.folders_with_counts(conn, store_id)
    table = Table("id", "name", "print-on-demand status", "orders")
    for folder, count in found:
        table.add_row(str(folder.id), folder.name, folder.pod_status or "", str(count))
    console.print(table)


@folder_app.command("create")
def folder_create(
    store_id: Annotated[int, typer.Argument(help="the store")],
    name: Annotated[str, typer.Argument(help="folder name")],
    pod_status: Annotated[
        str | None, typer.Option(help="print-on-demand status the folder stands for")
    ] = None,
) -> None:
    """Create a folder. Example: orderhub folder create 1 "Rush orders\""""
    db = _database()
    _require_store(db, store_id)
    try:
        with db.write() as conn:
            folder = folder_repo.create_folder(conn, store_id, name, pod_status)
    except OrderhubError as exc:
        raise _fail(exc) from None
    console.print(f"folder {folder.id} created: {folder.name}")


@folder_app.command("rename")
def folder_rename(
    store_id: Annotated[int, typer.Argument(help="the store")],
    folder_id: Annotated[int, typer.Argument(help="folder id")],
    name: Annotated[str, typer.Argument(help="new name")],
) -> None:
    """Rename a folder."""
    db = _database()
    _require_store(db, store_id)
    try:
        with db.write() as conn:
            folder_repo.rename_folder(conn, store_id, folder_id, name)
    except OrderhubError as exc:
        raise _fail(exc) from None
    console.print(f"folder {folder_id} renamed to {name}")


@folder_app.command("delete")
def folder_delete(
    store_id: Annotated[int, typer.Argument(help="the store")],
    folder_id: Annotated[int, typer.Argument(help="folder id")],
) -> None:
    """Delete an empty folder (one that holds orders is refused)."""
    db = _database()
    _require_store(db, store_id)
    try:
        with db.write() as conn:
            folder_repo.delete_folder(conn, store_id, folder_id)
    except OrderhubError as exc:
        raise _fail(exc) from None
    console.print(f"folder {folder_id} deleted")


def move(
    store_id: Annotated[int, typer.Argument(help="the store")],
    folder: Annotated[str, typer.Argument(help="destination folder name")],
    order_ids: Annotated[list[int], typer.Argument(help="order ids")],
) -> None:
    """Move orders to a folder. Example: orderhub orders move 1 Printing 12 13 14"""
    db = _database()
    _require_store(db, store_id)
    with db.write() as conn:
        destination = stores.find_folder(conn, store_id, name=folder)
        if destination is None:
            err.print(f"[bold red]error:[/] store {store_id} has no folder named {folder!r}")
            raise typer.Exit(1)
        results = folder_repo.move_orders(conn, store_id, order_ids, destination, surface=SURFACE)
    for result in results:
        console.print(f"order {result.order_id}: {result.message}")
    if not all(r.moved for r in results):
        raise typer.Exit(2)


@shipments_app.command("add")
def shipment_add(
    store_id: Annotated[int, typer.Argument(help="the store")],
    order_id: Annotated[int, typer.Argument(help="the order")],
    tracking_number: Annotated[str, typer.Argument(help="tracking number, or n/a")],
    carrier: Annotated[str, typer.Option(help="carrier code (guessed when omitted)")] = "",
    method: Annotated[str, typer.Option(help="shipment method, e.g. Ground")] = "",
) -> None:
    """Record a shipment of the rest of an order.

    Example: orderhub shipments add 1 1042 1Z999AA10123456784
    """
    db = _database()
    _require_store(db, store_id)
    shipment = Shipment(
        tracking_number=tracking_number, carrier_code=carrier, shipment_method=method
    )
    try:
        with db.write() as conn:
            shipment_id = shipment_repo.create(conn, store_id, order_id, shipment, surface=SURFACE)
    except OrderhubError as exc:
        raise _fail(exc) from None
    console.print(
        f"shipment {shipment_id} added to order {order_id}: "
        f"{shipment.carrier_code or 'unknown carrier'} {tracking_number} {shipment.tracking_url}"
    )
