"""`orderhub store ...` and `orderhub key ...`: stores, their settings and credentials."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from orderhub.cli.common import console, err, fail, ready_database, record_id
from orderhub.cli.common import settings as cli_settings
from orderhub.domain.channel import Channel
from orderhub.domain.dates import store_zone
from orderhub.domain.errors import OrderhubError
from orderhub.domain.settings import STORE_SETTINGS, parse_setting, spec_of
from orderhub.outbound.setting_urls import check_contacted_urls
from orderhub.services import store_settings
from orderhub.services import stores as store_service
from orderhub.storage import stores

store_app = typer.Typer(help="Stores and their credentials.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)


def print_credentials(new: stores.NewStore, base_url: str | None = None) -> None:
    store = new.store
    console.print(f"[bold green]Store {store.id} created:[/] {store.name}")
    table = Table(show_header=False, box=None)
    if base_url:
        table.add_row("URL", base_url)
    table.add_row("ORDERDESK-STORE-ID", str(store.id))
    table.add_row("ORDERDESK-API-KEY", new.api_key)
    table.add_row("print-on-demand AppId", store.pod_app_id)
    table.add_row("print-on-demand secret", new.pod_secret)
    console.print(table)
    console.print("[yellow]The API key is shown only now; keep it somewhere safe.[/]")


@store_app.command("create")
def store_create(
    name: Annotated[str, typer.Argument(help="the store's display name")],
    timezone: Annotated[str, typer.Option(help="IANA time zone for local dates")] = "UTC",
    rate_limit_capacity: Annotated[
        int | None, typer.Option(help="this store's bucket size; 0 switches the limit off")
    ] = None,
    rate_limit_refill: Annotated[
        float | None, typer.Option(help="tokens per second refilled into this store's bucket")
    ] = None,
) -> None:
    """Create a store and print its credentials (the API key is shown only once).

    Example: orderhub store create "My Shop" --timezone Europe/London
    """
    try:
        store_zone(timezone)
    except OrderhubError as exc:
        fail(exc.message)
    given = {
        "rate_limit_capacity": rate_limit_capacity,
        "rate_limit_refill_per_second": rate_limit_refill,
    }
    try:
        settings = {k: parse_setting(k, str(v)) for k, v in given.items() if v is not None}
    except OrderhubError as exc:
        fail(exc.message)
    db = ready_database()
    new = store_service.create_store(db, name, timezone=timezone, settings=settings)
    print_credentials(new)


@store_app.command("list")
def store_list() -> None:
    """List stores (never their keys).

    Example: orderhub store list
    """
    db = ready_database()
    with db.read() as conn:
        rows = stores.list_stores(conn)
    table = Table("id", "name", "key ends", "AppId", "timezone", "created (UTC)")
    for s in rows:
        table.add_row(
            str(s.id), s.name, f"…{s.api_key_hint}", s.pod_app_id, s.timezone, str(s.created_at)
        )
    console.print(table)


@store_app.command("show")
def store_show(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)],
    show_secret: Annotated[
        bool, typer.Option("--show-secret", help="also print the print-on-demand secret")
    ] = False,
) -> None:
    """Show one store, its settings and folders.

    Example: orderhub store show 1 --show-secret
    """
    db = ready_database()
    try:
        with db.read() as conn:
            s = stores.get_store(conn, store_id)
            folder_list = stores.list_folders(conn, store_id)
            secret = stores.pod_secret(conn, store_id) if show_secret else None
    except OrderhubError as exc:
        fail(exc.message)
    table = Table(show_header=False, box=None)
    table.add_row("id", str(s.id))
    table.add_row("name", s.name)
    table.add_row("API key", f"…{s.api_key_hint} (rotate with `orderhub key rotate {s.id}`)")
    table.add_row("print-on-demand AppId", s.pod_app_id)
    if secret:
        table.add_row("print-on-demand secret", secret)
    table.add_row("timezone", s.timezone)
    for key, value in s.settings.items():
        table.add_row(key, str(value))
    console.print(table)
    folders_table = Table("folder id", "name", "print-on-demand status")
    for f in folder_list:
        folders_table.add_row(str(f.id), f.name, f.pod_status or "")
    console.print(folders_table)


@store_app.command("set")
def store_set(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)],
    name: Annotated[str, typer.Argument(help="setting name (see `orderhub store settings`)")],
    value: Annotated[str, typer.Argument(help="new value")],
) -> None:
    """Change one store setting.

    Example: orderhub store set 1 rate_limit_capacity 0
    """
    db = ready_database()
    try:
        parsed = parse_setting(name, value)
        check_contacted_urls({name: parsed}, cli_settings())
        store_settings.change_settings(db, store_id, {name: parsed}, channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"store {store_id}: {name} = {parsed!r}")


@store_app.command("unset")
def store_unset(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)],
    name: Annotated[str, typer.Argument(help="setting name")],
) -> None:
    """Return one store setting to its default.

    Example: orderhub store unset 1 pod_notification_url
    """
    db = ready_database()
    try:
        spec_of(name)
        store_settings.change_settings(db, store_id, {}, (name,), channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"store {store_id}: {name} back to the default")


@store_app.command("delete")
def store_delete(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)],
    with_orders: Annotated[
        bool, typer.Option("--with-orders", help="also delete a store that has orders")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a store and everything it owns (keys, orders, items, shipments, history,
    inventory, folders, idempotency keys, notifications, settings) in one transaction.

    Example: orderhub store delete 3 --with-orders --yes
    """
    db = ready_database()
    try:
        with db.read() as conn:
            store = stores.get_store(conn, store_id)
            held = stores.count_orders(conn, store_id)
    except OrderhubError as exc:
        fail(exc.message)
    if held and not with_orders:
        fail(f"store {store_id} has {held} order(s); pass --with-orders to delete them too")
    if not yes:
        typer.confirm(
            f"Delete store {store_id} ({store.name}) and its {held} order(s) for good?", abort=True
        )
    grace = cli_settings().auth_cache_seconds
    store_service.revoke_credentials(db, store_id)
    if grace:  # running servers may trust a credential they verified that long ago
        err.print(f"credentials revoked; waiting {grace:g} s for running servers to drop them")
        time.sleep(grace)
    try:
        removed = store_service.delete_store(db, store_id, with_orders=with_orders)
    except OrderhubError as exc:
        fail(exc.message)
    counts = ", ".join(f"{n} {table}" for table, n in removed.items() if n and table != "stores")
    console.print(f"store {store_id} ({store.name}) deleted" + (f": {counts}" if counts else ""))


@store_app.command("settings")
def store_settings_help() -> None:
    """List the settings a store can have, with their defaults.

    Example: orderhub store settings
    """
    table = Table("setting", "default", "meaning")
    for name, spec in sorted(STORE_SETTINGS.items()):
        table.add_row(name, spec.default, spec.help)
    console.print(table)


@key_app.command("rotate")
def key_rotate(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id", parser=record_id)],
) -> None:
    """Issue a new API key; the old one stops working (within the 5 s credential cache).

    Example: orderhub key rotate 1
    """
    db = ready_database()
    try:
        key = store_settings.rotate_api_key(db, store_id, channel=Channel.cli())
    except OrderhubError as exc:
        fail(exc.message)
    console.print(f"new API key for store {store_id}: [bold]{key}[/]")
    console.print(
        "[yellow]The key is shown only now. The old key stops working within "
        "ORDERHUB_AUTH_CACHE_SECONDS (5 s by default) in running servers.[/]"
    )
