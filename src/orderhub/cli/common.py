"""What every command group shares: the consoles, one way to fail with a message, and one
way to open the database."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from orderhub.config import Settings
from orderhub.domain.errors import OrderhubError
from orderhub.domain.values import MAX_ID, parse_id
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database

console = Console()
err = Console(stderr=True)


def record_id(raw: str) -> int:
    """A store, order or folder id on the command line: ASCII digits from 1 to 2**63 - 1
    (click's int() would read `١` as 1 and pass 2**64 on to the database)."""
    parsed = parse_id(raw)
    if parsed is None:
        raise typer.BadParameter(f"{raw!r} is not an id (a whole number from 1 to {MAX_ID})")
    return parsed


def fail(message: str, code: int = 1) -> NoReturn:
    """Print the reason on stderr and leave with a non-zero exit code."""
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=code)


def settings() -> Settings:
    return Settings()


def open_database(config: Settings | None = None) -> Database:
    """The configured database, as it is (for commands that create or inspect the schema)."""
    return Database((config or settings()).effective_database_url)


def ready_database(config: Settings | None = None) -> Database:
    """The database, refusing to go on if its schema does not match the code."""
    db = open_database(config)
    problem = migrate.schema_state(db).problem()
    if problem:
        db.dispose()
        fail(problem)
    return db


def require_store(db: Database, store_id: int) -> stores.Store:
    try:
        with db.read() as conn:
            return stores.get_store(conn, store_id)
    except OrderhubError as exc:
        fail(exc.message)
