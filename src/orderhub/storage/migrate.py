"""Schema versioning: apply Alembic migrations, and tell whether a database matches the code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from orderhub.storage.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply the migrations up to `revision` in one transaction.

    On SQLite, foreign keys are off while migrations run and checked before commit: a
    migration that rebuilds a table drops the old one, and with foreign keys enforced that
    DROP would cascade into every table that references it (SQLite can only change this
    setting outside a transaction, hence on the driver's connection before BEGIN)."""
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        driver = conn.connection.dbapi_connection if db.is_sqlite else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if driver is not None:
                    _check_foreign_keys(conn)
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


class UpgradeRefused(Exception):
    """The migrations would leave the database inconsistent; they were rolled back."""


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise UpgradeRefused(
            f"the upgrade would leave rows of {', '.join(tables)} pointing at rows that do "
            "not exist; nothing was changed"
        )


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """A sentence for the operator when the database cannot be served, else None."""
        if self.current is None:
            return "the database has no orderhub schema yet: run `orderhub db upgrade` first"
        if self.current == self.head:
            return None
        script = ScriptDirectory(str(MIGRATIONS_DIR))
        known = {rev.revision for rev in script.walk_revisions()}
        if self.current not in known:
            return (
                f"the database is at revision {self.current}, which this version of orderhub "
                "does not know (it is newer than the code): upgrade orderhub"
            )
        return (
            f"the database is at revision {self.current}, older than the code's {self.head}: "
            "run `orderhub db upgrade`"
        )


def schema_state(db: Database) -> SchemaState:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return SchemaState(current=current, head=head)
