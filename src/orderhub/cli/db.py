"""`orderhub db ...`: the schema, backups and restores."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from orderhub.cli.common import (
    console,
    database_problem,
    fail,
    open_database,
    schema_state,
    settings,
)
from orderhub.storage import backup, migrate, serving
from orderhub.storage.database import display_url, sqlite_file

app = typer.Typer(help="Database schema, backups and restores.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (creates the database and its schema if there is none).

    Example: ORDERHUB_DATABASE_URL=postgresql://app@db/orderhub orderhub db upgrade
    """
    db = open_database(create=True)
    try:
        migrate.upgrade(db)
    except migrate.UpgradeRefused as exc:
        database_problem(db, str(exc))
    except OperationalError as exc:
        database_problem(db, f"cannot open it: {exc.orig}")
    state = schema_state(db)
    console.print(f"database {display_url(db.url)} at revision {state.current} ({db.dialect})")


@app.command("status")
def db_status() -> None:
    """Show the database's schema revision and whether it matches this version of orderhub.

    Example: orderhub db status
    """
    url = settings().effective_database_url
    console.print(f"database: {display_url(url)}")
    missing = sqlite_file(url)
    if missing is not None and not missing.exists():
        console.print(f"current: (none)   code: {backup.code_head()}")
    db = open_database()
    state = schema_state(db)
    console.print(f"current: {state.current or '(none)'}   code: {state.head}")
    problem = state.problem()
    if problem:
        database_problem(db, problem)
    console.print("[green]up to date[/]")


def _missing_tool(tool: str, command: backup.Command) -> None:
    fail(
        f"{tool} is not on PATH (install the PostgreSQL client tools, version at least the "
        f"server's); run this instead:\n  {command.shown()}"
    )


@app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="file to write the backup to")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="replace PATH if it exists")
    ] = False,
) -> None:
    """Back up the whole database to one file, safely while servers are running.

    SQLite: a consistent snapshot through SQLite's online backup API, integrity-checked.
    PostgreSQL: `pg_dump --format=custom` (printed for you to run if pg_dump is missing).

    Example: orderhub db backup /var/backups/orderhub-$(date +%F).db
    """
    if path.exists() and not overwrite:
        fail(f"{path} exists; choose another name or pass --overwrite")
    if not path.resolve().parent.is_dir():
        fail(f"cannot write {path}: directory {path.resolve().parent} does not exist")
    db = open_database()
    source = sqlite_file(db.url)
    db.dispose()
    where = display_url(db.url)
    try:
        if source is not None:
            revision = backup.backup_sqlite(source, path)
        else:
            command = backup.pg_dump_command(db.url, path)
            if shutil.which("pg_dump") is None:
                _missing_tool("pg_dump", command)
            command.run()
            revision = backup.pg_dump_revision(path) if shutil.which("pg_restore") else None
    except backup.BackupError as exc:
        fail(f"backup of {where} failed: {exc}")
    console.print(
        f"backed up {where} to {path.resolve()} (schema revision {revision or 'unknown'})"
    )


@app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="a file written by `orderhub db backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Replace the configured database with a backup. Refused while a server uses it.

    A backup newer than this version of orderhub is refused; after restoring an older one,
    run `orderhub db upgrade`.

    Example: ORDERHUB_DATABASE_URL=sqlite:////srv/orderhub/orderhub.db orderhub db restore backup.db
    """
    if not path.is_file():
        fail(f"cannot read {path}: no such file")
    url = settings().effective_database_url
    target = sqlite_file(url)
    where = display_url(url)
    if target is None and shutil.which("pg_restore") is None:
        _missing_tool("pg_restore", backup.pg_restore_command(url, path))
    try:
        if target is not None:
            revision = backup.sqlite_backup_revision(path)
        else:
            revision = backup.pg_dump_revision(path)
    except backup.BackupError as exc:
        fail(f"cannot restore {path}: {exc}")
    refusal = backup.revision_check(revision)
    if refusal:
        fail(f"not restoring {path} into {where}: {refusal}")
    if not yes:
        typer.confirm(f"Replace everything in {where} with {path}?", abort=True)
    try:
        with serving.exclusive(url):
            if target is not None:
                backup.restore_sqlite(path, target)
            else:
                backup.pg_restore_command(url, path).run()
    except serving.DatabaseBusy:
        fail(
            f"database {where} is in use by a running `orderhub serve`: stop every server "
            "using it, then restore"
        )
    except backup.BackupError as exc:
        fail(f"restore into {where} failed: {exc}")
    console.print(f"restored {path} into {where} (schema revision {revision})")
    assert revision is not None
    if backup.needs_upgrade(revision):
        console.print(
            "[yellow]The backup's schema is older than this version of orderhub: "
            "run `orderhub db upgrade` before serving.[/]"
        )
