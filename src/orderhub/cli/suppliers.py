"""`orderhub supplier ...`: the print providers a store forwards orders to (docs/outbound.md).

A supplier's secret is printed once, by `add`; `list` and `show` never print it.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, fail, ready_database, record_id, require_store, settings
from orderhub.domain.channel import Channel
from orderhub.domain.errors import OrderhubError
from orderhub.domain.stores import Folder
from orderhub.domain.values import parse_id
from orderhub.protocol.pod.supplier_order import format_shipping_map
from orderhub.services import suppliers as service
from orderhub.storage import forwarding_jobs, stores
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database

app = typer.Typer(help="Print providers orders are forwarded to.", no_args_is_help=True)

Store = Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)]
Name = Annotated[str, typer.Argument(help="the supplier's name in this store")]


def _folder(db: Database, store_id: int, given: str, option: str) -> Folder:
    with db.read() as conn:
        folder = stores.find_folder(conn, store_id, name=given)
        folder_id = parse_id(given)
        if folder is None and folder_id is not None:
            folder = stores.find_folder(conn, store_id, folder_id=folder_id)
    if folder is None:
        fail(f"{option}: store {store_id} has no folder {given!r} (see `orderhub folder list`)")
    return folder


def _supplier(db: Database, store_id: int, name: str) -> supplier_storage.Supplier:
    with db.read() as conn:
        found = supplier_storage.find_supplier(conn, store_id, name)
    if found is None:
        fail(f"store {store_id} has no supplier named {name!r} (see `orderhub supplier list`)")
    return found


@app.command("add")
def supplier_add(
    store_id: Store,
    name: Name,
    url: Annotated[
        str, typer.Option(help="the supplier's site root, e.g. https://www.inkthreadable.co.uk")
    ],
    app_id: Annotated[str, typer.Option(help="the AppId of our account at the supplier")],
    secret: Annotated[str, typer.Option(help="the secret key of our account there")],
    folder: Annotated[str, typer.Option(help="folder (name or id) whose arrivals are forwarded")],
    codes: Annotated[
        list[str] | None,
        typer.Option(help="item code pattern (fnmatch), repeatable; all by default"),
    ] = None,
    shipping_map: Annotated[
        str,
        typer.Option(help='our shipping method = theirs, e.g. "Ground=regular,Express=courier"'),
    ] = "",
    at_supplier_folder: Annotated[
        str | None, typer.Option(help="folder a forwarded order moves to")
    ] = None,
    failed_folder: Annotated[
        str | None, typer.Option(help="folder an order moves to when forwarding fails")
    ] = None,
) -> None:
    """Add a supplier: orders arriving in --folder are forwarded to it.

    Example: orderhub supplier add 1 Inkthreadable --url https://www.inkthreadable.co.uk --app-id APP-00146434 --secret s3cret --folder Printing --codes "JH*" --codes "GD05-*" --shipping-map "Ground=regular,Express=courier" --at-supplier-folder "In Progress" --failed-folder "Internal Order Query"
    """  # noqa: E501
    db = ready_database()
    require_store(db, store_id)
    source = _folder(db, store_id, folder, "--folder")
    at = (
        _folder(db, store_id, at_supplier_folder, "--at-supplier-folder")
        if at_supplier_folder
        else None
    )
    failed = _folder(db, store_id, failed_folder, "--failed-folder") if failed_folder else None
    fields = service.SupplierFields(
        name=name, url=url, app_id=app_id, secret=secret, folder_id=source.id,
        code_patterns=list(codes or []), shipping_map=shipping_map,
        at_supplier_folder_id=at.id if at else None,
        failed_folder_id=failed.id if failed else None,
    )  # fmt: skip
    try:
        supplier = service.add_supplier(
            db, store_id, fields, outbound=settings(), channel=Channel.cli()
        )
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"[bold green]supplier {supplier.id} added:[/] {supplier.name}")
    _print(db, supplier, show_secret=True)


def _print(db: Database, supplier: supplier_storage.Supplier, *, show_secret: bool = False) -> None:
    with db.read() as conn:
        names = {f.id: f.name for f in stores.list_folders(conn, supplier.store_id)}
    table = Table(show_header=False, box=None)
    table.add_row("id", str(supplier.id))
    table.add_row("name", supplier.name)
    table.add_row("URL", supplier.base_url)
    table.add_row("AppId", supplier.app_id)
    if show_secret:
        table.add_row("secret", supplier.secret)
    table.add_row("forwards from folder", names.get(supplier.folder_id, str(supplier.folder_id)))
    table.add_row("item codes", ", ".join(supplier.code_patterns) or "(all items)")
    table.add_row("shipping map", format_shipping_map(supplier.shipping_map) or "(as is)")
    for label, folder_id in (
        ("at-supplier folder", supplier.at_supplier_folder_id),
        ("failed folder", supplier.failed_folder_id),
    ):
        table.add_row(label, names.get(folder_id, "") if folder_id else "(stays where it is)")
    table.add_row("notifications to", f"<this hub>/api/suppliers/{supplier.id}/notify")
    console.print(table)


@app.command("list")
def supplier_list(store_id: Store) -> None:
    """List a store's suppliers (never their secrets).

    Example: orderhub supplier list 1
    """
    db = ready_database()
    require_store(db, store_id)
    with db.read() as conn:
        found = supplier_storage.list_suppliers(conn, store_id)
        names = {f.id: f.name for f in stores.list_folders(conn, store_id)}
    table = Table("id", "name", "URL", "AppId", "from folder", "item codes")
    for s in found:
        table.add_row(
            str(s.id), s.name, s.base_url, s.app_id, names.get(s.folder_id, ""),
            ", ".join(s.code_patterns) or "(all)",
        )  # fmt: skip
    console.print(table)


@app.command("show")
def supplier_show(store_id: Store, name: Name) -> None:
    """Show one supplier and how many of its forwarding jobs are in each state.

    Example: orderhub supplier show 1 Inkthreadable
    """
    db = ready_database()
    require_store(db, store_id)
    supplier = _supplier(db, store_id, name)
    _print(db, supplier)
    with db.read() as conn:
        counts = Counter(job.status for job in forwarding_jobs.jobs_of_supplier(conn, supplier.id))
    console.print(
        "jobs: " + (", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "none")
    )


@app.command("remove")
def supplier_remove(store_id: Store, name: Name) -> None:
    """Remove a supplier and its forwarding jobs (orders it has stay as they are).

    Example: orderhub supplier remove 1 Inkthreadable
    """
    db = ready_database()
    require_store(db, store_id)
    supplier = _supplier(db, store_id, name)
    try:
        service.remove_supplier(db, store_id, supplier.id, channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"supplier {supplier.id} removed: {supplier.name}")


@app.command("resend")
def supplier_resend(
    store_id: Store,
    order_id: Annotated[
        int, typer.Argument(help="the hub order to forward again", parser=record_id)
    ],
    supplier: Annotated[
        str | None, typer.Option(help="only this supplier (default: every job of the order)")
    ] = None,
) -> None:
    """Queue an order for forwarding again (after it failed, or was skipped). An order the
    supplier already has is not sent twice.

    Example: orderhub supplier resend 1 1042
    """
    db = ready_database()
    require_store(db, store_id)
    wanted = _supplier(db, store_id, supplier).id if supplier is not None else None
    try:
        done = service.resend(db, store_id, order_id, supplier_id=wanted, channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    for result in done:
        console.print(result.message)
