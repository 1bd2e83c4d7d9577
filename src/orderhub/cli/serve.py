"""`orderhub serve` and `orderhub quickstart`: running the HTTP service.

The listening socket is bound before anything says "serving" and handed to uvicorn, so a
taken port is reported at once and no other process can take it in between. SIGTERM (what
systemd and container runtimes send) is uvicorn's graceful shutdown: stop accepting, let the
requests in flight finish, stop the background workers, exit 0. For the whole run the
process holds the database's serving lock (storage/serving.py), which `db restore` checks.
"""

from __future__ import annotations

import os
import signal
import socket
from types import FrameType
from typing import Annotated, Any

import typer

from orderhub.cli.common import console, fail, open_database, ready_database, settings
from orderhub.cli.stores import print_credentials
from orderhub.cli.users import create_demo_user, print_demo_user
from orderhub.config import Settings
from orderhub.domain.errors import OrderhubError
from orderhub.logs import LogFormat
from orderhub.outbound import mailer
from orderhub.services import stores as store_service
from orderhub.storage import migrate, serving, stores
from orderhub.storage.database import display_url

Host = Annotated[
    str | None, typer.Option(help="address to bind", show_default="ORDERHUB_HOST or 127.0.0.1")
]
Port = Annotated[int | None, typer.Option(help="port", show_default="ORDERHUB_PORT or 8000")]


def run_server(settings: Settings, host: str, port: int, workers: int, **options: Any) -> None:
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
            **options,
        )


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a clear refusal naming how to choose another port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        fail(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}. Choose another port with "
            "--port or ORDERHUB_PORT (or another address with --host or ORDERHUB_HOST)"
        )
    sock.set_inheritable(True)
    return sock


def _exit_quietly(_sig: int, _frame: FrameType | None) -> None:
    # uvicorn re-raises SIGTERM after its graceful shutdown; by then all went well.
    raise SystemExit(0)


def _check_smtp(config: Settings) -> None:
    """A bad ORDERHUB_SMTP_URL or unreadable password file stops the start, with the reason."""
    try:
        mailer.server_from(config)
    except OrderhubError as exc:
        fail(exc.message)


def _serve(
    config: Settings, sock: socket.socket, host: str, port: int, workers: int, **options: Any
) -> None:
    _check_smtp(config)
    url = config.effective_database_url
    try:
        with serving.serving(url):
            console.print(f"Serving on http://{host}:{port} (database {display_url(url)})")
            signal.signal(signal.SIGTERM, _exit_quietly)
            run_server(config, host, port, workers, fd=sock.fileno(), **options)
    except serving.DatabaseBusy:
        fail(f"database {display_url(url)} is being restored (`orderhub db restore`); try later")
    finally:
        sock.close()


def serve(
    host: Host = None,
    port: Port = None,
    workers: Annotated[
        int | None, typer.Option(help="worker processes", show_default="ORDERHUB_WORKERS or 1")
    ] = None,
    root_path: Annotated[
        str, typer.Option(help="URL prefix a reverse proxy serves orderhub under, e.g. /orderhub")
    ] = "",
    proxy_headers: Annotated[
        bool,
        typer.Option(
            help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (behind a proxy)"
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="comma list of proxy addresses whose X-Forwarded-* are trusted")
    ] = "127.0.0.1",
    graceful_timeout: Annotated[
        int, typer.Option(help="seconds in-flight requests get to finish after SIGTERM")
    ] = 30,
    access_log: Annotated[
        str | None,
        typer.Option(help="text, json or off", show_default="ORDERHUB_ACCESS_LOG or text"),
    ] = None,
) -> None:
    """Run the HTTP service. Refuses to start on an unmigrated or newer database, or on a
    port already taken.

    Example: orderhub serve --workers 4 --proxy-headers --root-path /orderhub
    """
    config = settings()
    if access_log is not None:
        config.access_log = _access_log_choice(access_log)
    ready_database(config).dispose()
    host, port = host or config.host, port or config.port
    _serve(
        config,
        bind(host, port),
        host,
        port,
        workers or config.workers,
        root_path=root_path,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_graceful_shutdown=graceful_timeout,
    )


def _access_log_choice(value: str) -> LogFormat:
    choice = value.strip().lower()
    if choice not in ("text", "json", "off"):
        fail(f"--access-log must be text, json or off, not {value!r}")
    return choice  # type: ignore[return-value]


def quickstart(host: Host = None, port: Port = None) -> None:
    """Migrate the database, create a demo store on first run, print how to reach it, serve.

    Example: ORDERHUB_PORT=8080 orderhub quickstart
    """
    config = settings()
    host = host or config.host
    port = port or config.port
    sock = bind(host, port)  # a taken port is reported before anything else happens
    db = open_database(config, create=True)
    migrate.upgrade(db)
    base_url = f"http://{host}:{port}"
    new = store_service.create_first_store(db, "Demo Store")
    demo_user = create_demo_user(db, new.store.id) if new is not None else None
    console.print(f"orderhub {db.dialect} database: {display_url(db.url)}")
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
        with db.read() as conn:
            existing = stores.count_stores(conn)
        console.print(
            f"{existing} store(s) already exist; their keys were shown when they were created. "
            "`orderhub store list` lists them and `orderhub key rotate ID` issues a new key."
        )
    if not config.smtp_url:
        console.print(
            "Emails stay queued until an SMTP server is set: ORDERHUB_SMTP_URL="
            "'smtp://user@mail.example.com:587?starttls=1' ORDERHUB_SMTP_PASSWORD_FILE=... "
            "(docs/templates.md)",
            soft_wrap=True,
        )
    console.print(f"API docs at {base_url}/docs. Ctrl-C stops.")
    db.dispose()
    _serve(config, sock, host, port, 1)
