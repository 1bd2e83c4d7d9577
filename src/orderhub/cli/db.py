"""`orderhub db ...`: the schema."""

from __future__ import annotations

import typer

from orderhub.cli.common import console, fail, open_database
from orderhub.storage import migrate

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (creates the schema on an empty database).

    Example: ORDERHUB_DATABASE_URL=postgresql://app@db/orderhub orderhub db upgrade
    """
    db = open_database()
    try:
        migrate.upgrade(db)
    except migrate.UpgradeRefused as exc:
        fail(str(exc))
    state = migrate.schema_state(db)
    console.print(f"database at revision {state.current} ({db.dialect})")


@app.command("status")
def db_status() -> None:
    """Show the database's schema revision and whether it matches this version of orderhub.

    Example: orderhub db status
    """
    db = open_database()
    state = migrate.schema_state(db)
    console.print(f"current: {state.current or '(none)'}   code: {state.head}")
    problem = state.problem()
    if problem:
        fail(problem)
    console.print("[green]up to date[/]")
