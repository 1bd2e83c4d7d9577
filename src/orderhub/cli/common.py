"""What every command group shares: the consoles, one way to fail with a message, and one
way to open the database."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError

from orderhub.composition import compose
from orderhub.config import Settings
from orderhub.domain.errors import OrderhubError
from orderhub.domain.stores import Store
from orderhub.domain.values import MAX_ID, parse_id
from orderhub.storage import migrate, stores
from orderhub.storage.database import Database, display_url, sqlite_file

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


WHERE_TO_POINT = (
    "set ORDERHUB_DATABASE_URL, or ORDERHUB_DATA_DIR (default ./data, relative to the "
    "working directory; also read from a .env file there), to use another database"
)


def open_database(config: Settings | None = None, *, create: bool = False) -> Database:
    """The configured database, as it is (for commands that create or inspect the schema).

    A missing SQLite file is refused, naming the absolute path looked for, unless `create`
    (only `db upgrade` and `quickstart` make a new database): run from the wrong directory,
    a command must not silently make an empty database there."""
    compose()  # before any command's service publishes an event
    url = (config or settings()).effective_database_url
    path = sqlite_file(url)
    if path is not None and not create and not path.exists():
        fail(
            f"no orderhub database at {path.resolve()}: {WHERE_TO_POINT}, or run "
            "`orderhub db upgrade` to create one there"
        )
    return Database(url)


def database_problem(db: Database, problem: str) -> NoReturn:
    """Fail with a message that names the database it concerns (never its password)."""
    db.dispose()
    fail(f"database {display_url(db.url)}: {problem}")


def schema_state(db: Database) -> migrate.SchemaState:
    try:
        return migrate.schema_state(db)
    except OperationalError as exc:
        database_problem(db, f"cannot open it: {exc.orig}")


def ready_database(config: Settings | None = None) -> Database:
    """The database, refusing to go on if its schema does not match the code."""
    db = open_database(config)
    problem = schema_state(db).problem()
    if problem:
        database_problem(db, problem)
    return db


def require_store(db: Database, store_id: int) -> Store:
    try:
        with db.read() as conn:
            return stores.get_store(conn, store_id)
    except OrderhubError as exc:
        fail(exc.message)
