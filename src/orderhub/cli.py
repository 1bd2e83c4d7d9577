"""The `orderhub` command: run the service, migrate the database, manage stores and keys."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from orderhub.cli_folders import folder_app, move, shipments_app
from orderhub.cli_orders import orders_app
from orderhub.config import Settings
from orderhub.domain.dates import store_zone
from orderhub.domain.errors import OrderhubError
from orderhub.domain.settings import STORE_SETTINGS, parse_setting
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database

app = typer.Typer(
    help="orderhub: a self-hosted order desk (Order Desk v2 and print-on-demand APIs).",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
store_app = typer.Typer(help="Stores and their credentials.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(store_app, name="store")
app.add_typer(key_app, name="key")
app.add_typer(orders_app, name="orders")
app.add_typer(folder_app, name="folder")
app.add_typer(shipments_app, name="shipments")
orders_app.command("move")(move)

console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    return Settings()


def _database(settings: Settings) -> Database:
    return Database(settings.effective_database_url)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


def _ready_database(settings: Settings) -> Database:
    """The database, refusing to go on if its schema does not match the code."""
    db = _database(settings)
    problem = migrate.schema_state(db).problem()
    if problem:
        raise _fail(problem)
    return db


def _print_credentials(new: stores.NewStore, base_url: str | None = None) -> None:
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


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (creates the schema on an empty database).

    Example: ORDERHUB_DATABASE_URL=postgresql://app@db/orderhub orderhub db upgrade
    """
    settings = _settings()
    db = _database(settings)
    migrate.upgrade(db)
    state = migrate.schema_state(db)
    console.print(f"database at revision {state.current} ({db.dialect})")


@db_app.command("status")
def db_status() -> None:
    """Show the database's schema revision and whether it matches this version of orderhub."""
    db = _database(_settings())
    state = migrate.schema_state(db)
    console.print(f"current: {state.current or '(none)'}   code: {state.head}")
    problem = state.problem()
    if problem:
        raise _fail(problem)
    console.print("[green]up to date[/]")


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
        raise _fail(exc.message) from None
    settings: dict[str, float | int] = {}
    if rate_limit_capacity is not None:
        settings["rate_limit_capacity"] = rate_limit_capacity
    if rate_limit_refill is not None:
        settings["rate_limit_refill_per_second"] = rate_limit_refill
    db = _ready_database(_settings())
    with db.write() as conn:
        new = stores.create_store(conn, name, timezone=timezone, settings=settings)
    _print_credentials(new)


@store_app.command("list")
def store_list() -> None:
    """List stores (never their keys)."""
    db = _ready_database(_settings())
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
    store_id: Annotated[int, typer.Argument(help="the store's numeric id")],
    show_secret: Annotated[
        bool, typer.Option("--show-secret", help="also print the print-on-demand secret")
    ] = False,
) -> None:
    """Show one store, its settings and folders."""
    db = _ready_database(_settings())
    try:
        with db.read() as conn:
            s = stores.get_store(conn, store_id)
            folder_list = stores.list_folders(conn, store_id)
            secret = stores.pod_secret(conn, store_id) if show_secret else None
    except OrderhubError as exc:
        raise _fail(exc.message) from None
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
    store_id: Annotated[int, typer.Argument(help="the store's numeric id")],
    name: Annotated[str, typer.Argument(help="setting name (see `orderhub store settings`)")],
    value: Annotated[str, typer.Argument(help="new value")],
) -> None:
    """Change one store setting.

    Example: orderhub store set 1 rate_limit_capacity 0
    """
    db = _ready_database(_settings())
    try:
        parsed = parse_setting(name, value)
        with db.write() as conn:
            stores.update_settings(conn, store_id, {name: parsed})
    except OrderhubError as exc:
        raise _fail(exc.message) from None
    console.print(f"store {store_id}: {name} = {parsed!r}")


@store_app.command("unset")
def store_unset(
    store_id: Annotated[int, typer.Argument(help="the store's numeric id")],
    name: Annotated[str, typer.Argument(help="setting name")],
) -> None:
    """Return one store setting to the server default."""
    db = _ready_database(_settings())
    try:
        with db.write() as conn:
            stores.update_settings(conn, store_id, {}, remove=(name,))
    except OrderhubError as exc:
        raise _fail(exc.message) from None
    console.print(f"store {store_id}: {name} back to the default")


@store_app.command("settings")
def store_settings_help() -> None:
    """List the settings a store can have."""
    table = Table("setting", "meaning")
    for name, spec in sorted(STORE_SETTINGS.items()):
        table.add_row(name, spec.help)
    console.print(table)


@key_app.command("rotate")
def key_rotate(store_id: Annotated[int, typer.Argument(help="the store's numeric id")]) -> None:
    """Issue a new API key; the old one stops working (within the 5 s credential cache)."""
    db = _ready_database(_settings())
    try:
        with db.write() as conn:
            key = stores.rotate_api_key(conn, store_id)
    except OrderhubError as exc:
        raise _fail(exc.message) from None
    console.print(f"new API key for store {store_id}: [bold]{key}[/]")
    console.print(
        "[yellow]The key is shown only now. The old key stops working within "
        "ORDERHUB_AUTH_CACHE_SECONDS (5 s by default) in running servers.[/]"
    )


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "orderhub.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=False,
        proxy_headers=False,
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
) -> None:
    """Run the HTTP service. Refuses to start on an unmigrated or newer database."""
    settings = _settings()
    _ready_database(settings).dispose()
    _serve(settings, host or settings.host, port or settings.port, workers or settings.workers)


@app.command()
def quickstart(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Migrate the database, create a demo store on first run, print how to reach it, serve."""
    settings = _settings()
    host = host or settings.host
    port = port or settings.port
    db = _database(settings)
    migrate.upgrade(db)
    base_url = f"http://{host}:{port}"
    with db.write() as conn:
        existing = stores.count_stores(conn)
        new = None if existing else stores.create_store(conn, "Demo Store")
    console.print(f"orderhub {db.dialect} database: {settings.effective_database_url}")
    if new is not None:
        _print_credentials(new, f"{base_url}/api/v2")
        console.print(
            "Try it:\n"
            f"  curl -H 'ORDERDESK-STORE-ID: {new.store.id}' "
            f"-H 'ORDERDESK-API-KEY: {new.api_key}' {base_url}/api/v2/test",
            soft_wrap=True,  # one line whatever the terminal's width, so it can be pasted
        )
    else:
        console.print(
            f"{existing} store(s) already exist; their keys were shown when they were created. "
            "`orderhub store list` lists them and `orderhub key rotate ID` issues a new key."
        )
    console.print(f"Serving on {base_url} (API docs at {base_url}/docs). Ctrl-C stops.")
    db.dispose()
    _serve(settings, host, port, 1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
