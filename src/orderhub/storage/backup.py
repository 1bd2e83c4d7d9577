"""Whole-database backups and restores.

SQLite: the online backup API copies the database in one step under one read transaction,
so the copy is a consistent snapshot even while servers keep writing (WAL readers never
block writers), then `PRAGMA integrity_check` runs on the copy before it is moved into place.
PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean`, given a libpq URL without the
password and the password in PGPASSWORD, so it shows in no process list and no output.

Every backup records its schema revision (the `alembic_version` row); a restore refuses one
newer than the code, and says to run `orderhub db upgrade` after restoring an older one.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory

from orderhub.storage.migrate import MIGRATIONS_DIR
from orderhub.storage.serving import libpq_url


class BackupError(RuntimeError):
    """A backup or restore that did not happen; the message says why."""


@dataclass(frozen=True)
class Command:
    """An external command, with the environment that carries the password."""

    argv: list[str]
    env: dict[str, str]

    def shown(self) -> str:
        """The command line an operator can paste (the password left to PGPASSWORD)."""
        prefix = "PGPASSWORD=... " if "PGPASSWORD" in self.env else ""
        return prefix + shlex.join(self.argv)

    def run(self) -> str:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            self.argv, env={**os.environ, **self.env}, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BackupError(f"{self.argv[0]} failed: {done.stderr.strip()}")
        return done.stdout


def revision_check(revision: str | None) -> str | None:
    """None when a backup at `revision` can be served after restoring (maybe after an
    upgrade); else why it must not be restored."""
    if revision is None:
        return "the backup holds no orderhub schema (no alembic_version row)"
    known = {rev.revision for rev in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}
    if revision not in known:
        return (
            f"the backup is at schema revision {revision}, newer than this version of "
            "orderhub knows: restore it with the orderhub version that made it"
        )
    return None


def code_head() -> str:
    """The schema revision this version of orderhub serves."""
    return str(ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head())


def needs_upgrade(revision: str) -> bool:
    return revision != code_head()


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _integrity(conn: sqlite3.Connection, what: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise BackupError(f"integrity check of {what} failed: {'; '.join(result[:5])}")


def backup_sqlite(source: Path, dest: Path) -> str | None:
    """Copy the live database at `source` to `dest`; returns the copy's schema revision."""
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            src.backup(copy)  # pages=-1: one step, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _integrity(copy, dest)
            revision = _sqlite_revision(copy)
        finally:
            copy.close()
    finally:
        src.close()
    partial.replace(dest)
    return revision


def sqlite_backup_revision(path: Path) -> str | None:
    """Check a backup file's integrity and read its schema revision."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _integrity(conn, path)
            return _sqlite_revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database: {exc}") from None


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the database at `target` with the backup, through the backup API, so the
    target's own journal stays consistent (no file is swapped under an open connection)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            _integrity(dst, target)
        finally:
            dst.close()
    finally:
        src.close()


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_env(password: str | None) -> dict[str, str]:
    return {"PGPASSWORD": password} if password else {}


def pg_dump_command(url: str, dest: Path) -> Command:
    conninfo, password = libpq_url(url)
    argv = ["pg_dump", "--format=custom", f"--file={dest}", f"--dbname={conninfo}"]
    return Command(argv, _pg_env(password))


def pg_restore_command(url: str, backup: Path) -> Command:
    conninfo, password = libpq_url(url)
    argv = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={conninfo}",
        str(backup),
    ]
    return Command(argv, _pg_env(password))


def pg_dump_revision(backup: Path) -> str | None:
    """The schema revision inside a custom-format dump (its alembic_version data)."""
    script = Command(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(backup)], {}
    ).run()
    found = re.search(r"^COPY \S*alembic_version .*FROM stdin;\n(\S+)\n", script, re.M)
    return found.group(1) if found else None
