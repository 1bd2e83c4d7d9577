"""`orderhub folder ...`: the folders of a store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, record_id, require_store
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.services import folders as service

app = typer.Typer(help="Folders of a store.", no_args_is_help=True)


@app.command("list")
def folder_list(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
) -> None:
    """Folders with their order counts and print-on-demand statuses.

    Example: orderhub folder list 1
    """
    db = ready_database()
    store = require_store(db, store_id)
    found = service.with_counts(db, store)
    table = Table("id", "name", "print-on-demand status", "orders")
    for folder, count in found:
        table.add_row(str(folder.id), folder.name, folder.pod_status or "", str(count))
    console.print(table)


@app.command("create")
def folder_create(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    name: Annotated[str, typer.Argument(help="folder name")],
    pod_status: Annotated[
        str | None, typer.Option(help="print-on-demand status the folder stands for")
    ] = None,
) -> None:
    """Create a folder.

    Example: orderhub folder create 1 "Rush orders"
    """
    db = ready_database()
    store = require_store(db, store_id)
    try:
        folder = service.create_folder(db, store, name, pod_status, Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"folder {folder.id} created: {folder.name}")


@app.command("rename")
def folder_rename(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    folder_id: Annotated[int, typer.Argument(help="folder id", parser=record_id)],
    name: Annotated[str, typer.Argument(help="new name")],
) -> None:
    """Rename a folder.

    Example: orderhub folder rename 1 7 "Rush"
    """
    db = ready_database()
    store = require_store(db, store_id)
    try:
        service.rename_folder(db, store, folder_id, name, Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"folder {folder_id} renamed to {name}")


@app.command("delete")
def folder_delete(
    store_id: Annotated[int, typer.Argument(help="the store", parser=record_id)],
    folder_id: Annotated[int, typer.Argument(help="folder id", parser=record_id)],
) -> None:
    """Delete an empty folder (one that holds orders is refused).

    Example: orderhub folder delete 1 7
    """
    db = ready_database()
    store = require_store(db, store_id)
    try:
        service.delete_folder(db, store, folder_id, Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"folder {folder_id} deleted")
