"""`orderhub serve` and `orderhub quickstart`: running the HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer

from orderhub.cli.common import console, open_database, ready_database, settings
from orderhub.cli.stores import print_credentials
from orderhub.cli.users import create_demo_user, print_demo_user
from orderhub.config import Settings
from orderhub.storage import migrate, stores


def run_server(settings: Settings, host: str, port: int, workers: int) -> None:
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


def serve(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
) -> None:
    """Run the HTTP service. Refuses to start on an unmigrated or newer database."""
    config = settings()
    ready_database(config).dispose()
    run_server(config, host or config.host, port or config.port, workers or config.workers)


def quickstart(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
) -> None:
    """Migrate the database, create a demo store on first run, print how to reach it, serve."""
    config = settings()
    host = host or config.host
    port = port or config.port
    db = open_database(config)
    migrate.upgrade(db)
    base_url = f"http://{host}:{port}"
    with db.write() as conn:
        existing = stores.count_stores(conn)
        new = None if existing else stores.create_store(conn, "Demo Store")
    demo_user = create_demo_user(db, new.store.id) if new is not None else None
    console.print(f"orderhub {db.dialect} database: {config.effective_database_url}")
    if new is not None:
        print_credentials(new, f"{base_url}/api/v2")
        console.print(
            "Try it:\n"
            f"  curl -H 'ORDERDESK-STORE-ID: {new.store.id}' "
            f"-H 'ORDERDESK-API-KEY: {new.api_key}' {base_url}/api/v2/test",
            soft_wrap=True,  # one line whatever the terminal's width, so it can be pasted
        )
        print_demo_user(demo_user, base_url)
    else:
        console.print(
            f"{existing} store(s) already exist; their keys were shown when they were created. "
            "`orderhub store list` lists them and `orderhub key rotate ID` issues a new key."
        )
    console.print(f"Serving on {base_url} (API docs at {base_url}/docs). Ctrl-C stops.")
    db.dispose()
    run_server(config, host, port, 1)
