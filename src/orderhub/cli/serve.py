"""`orderhub serve` and `orderhub quickstart`: running the HTTP service."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from orderhub.cli.common import console, fail, open_database, ready_database, settings
from orderhub.cli.stores import print_credentials
from orderhub.config import Settings
from orderhub.logs import LogFormat
from orderhub.storage import migrate, stores


def run_server(settings: Settings, host: str, port: int, workers: int) -> None:
    """uvicorn with orderhub's log format and access log (uvicorn's own is off), the
    request-head timeout, and the metrics set-up (see api/metrics.py)."""
    import uvicorn

    from orderhub.api import metrics
    from orderhub.api.timeouts import HeaderTimeoutProtocol
    from orderhub.logs import logging_config

    # Workers build their app from the environment: make it say what this command decided.
    os.environ["ORDERHUB_ACCESS_LOG"] = settings.access_log
    with metrics.serving(settings, host, workers):
        uvicorn.run(
            "orderhub.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            http=HeaderTimeoutProtocol,
            log_config=logging_config(settings.access_log),
            log_level="info",
            access_log=False,
            proxy_headers=False,
        )


def serve(
    host: Annotated[str | None, typer.Option(help="address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="port")] = None,
    workers: Annotated[int | None, typer.Option(help="worker processes")] = None,
    access_log: Annotated[
        str | None, typer.Option(help="text, json or off (default ORDERHUB_ACCESS_LOG or text)")
    ] = None,
) -> None:
    """Run the HTTP service. Refuses to start on an unmigrated or newer database."""
    config = settings()
    if access_log is not None:
        config.access_log = _access_log_choice(access_log)
    ready_database(config).dispose()
    run_server(config, host or config.host, port or config.port, workers or config.workers)


def _access_log_choice(value: str) -> LogFormat:
    choice = value.strip().lower()
    if choice not in ("text", "json", "off"):
        fail(f"--access-log must be text, json or off, not {value!r}")
    return choice  # type: ignore[return-value]


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
    console.print(f"orderhub {db.dialect} database: {config.effective_database_url}")
    if new is not None:
        print_credentials(new, f"{base_url}/api/v2")
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
    run_server(config, host, port, 1)
