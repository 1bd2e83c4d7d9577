"""The `orderhub` command: one Typer app, one module per command group."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import DBAPIError

from orderhub.cli import (
    db,
    folders,
    orders,
    rules,
    serve,
    shipments,
    stores,
    suppliers,
    users,
    webhooks,
)
from orderhub.cli.common import err, settings
from orderhub.storage.database import display_url

app = typer.Typer(
    help="orderhub: a self-hosted order desk (Order Desk v2 and print-on-demand APIs).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(stores.store_app, name="store")
app.add_typer(stores.key_app, name="key")
app.add_typer(orders.app, name="orders")
app.add_typer(folders.app, name="folder")
app.add_typer(shipments.app, name="shipments")
app.add_typer(users.app, name="user")
app.add_typer(suppliers.app, name="supplier")
app.add_typer(webhooks.app, name="webhook")
app.add_typer(rules.app, name="rule")
app.command("serve")(serve.serve)
app.command("quickstart")(serve.quickstart)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except DBAPIError as exc:  # the database failed mid-command: say which, not a traceback
        where = display_url(settings().effective_database_url)
        err.print(f"[bold red]error:[/] database {where}: {exc.orig}")
        sys.exit(1)
