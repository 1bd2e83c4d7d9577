"""SQLite: restore AUTOINCREMENT where a table rebuild dropped it

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:00:00.000000

Revision 0002 rebuilt `orders` (batch mode, to add columns) without `sqlite_autoincrement`,
so on SQLite the id of the newest order came back after a delete. This revision rebuilds,
on SQLite only, every id table whose stored SQL lacks AUTOINCREMENT, keeping its rows,
indexes, foreign keys and constraints, and sets its `sqlite_sequence` row to the highest id
ever handed out that the database still knows of. PostgreSQL sequences never go back, so
there is nothing to do there.

A rebuild drops the old table; with foreign keys enforced that DROP would cascade into
every table that references it, so this revision refuses to run unless they are off
(`orderhub.storage.migrate.upgrade` turns them off on SQLite and checks them afterwards).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The tables whose ids clients hold (sqlite_autoincrement=True in tables.py at this revision).
ID_TABLES = (
    "stores",
    "folders",
    "orders",
    "order_items",
    "order_history",
    "shipments",
    "inventory_items",
    "notifications",
)

# Columns that keep ids of a table without a foreign key, so they outlive the row they name:
# the notification outbox keeps the id of an order deleted since it was announced.
LOOSE_REFERENCES = {"orders": (("notifications", "order_id"),)}

_AUTOINCREMENT = re.compile(r"\bAUTOINCREMENT\b", re.IGNORECASE)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in ID_TABLES:
        create_sql = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": table},
        ).scalar()
        if create_sql is None or _AUTOINCREMENT.search(create_sql):
            continue
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError(
                f"rebuilding {table} with foreign keys enforced would delete the rows that "
                "reference it: run this migration with PRAGMA foreign_keys=OFF "
                "(`orderhub db upgrade` does)"
            )
        highest = _highest_id(bind, table)
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        _set_sequence(bind, table, highest)


def downgrade() -> None:
    """Nothing to undo: AUTOINCREMENT is what revision 0002 meant to keep."""


def _highest_id(bind: sa.Connection, table: str) -> int:
    """The highest id of `table` the database still knows of: its sequence (if any), its
    rows, and the columns that hold its ids without a foreign key."""
    candidates: list[sa.Select[Any]] = [
        sa.select(sa.func.max(sa.column("id"))).select_from(sa.table(table))
    ]
    if _table_exists(bind, "sqlite_sequence"):
        sequence = sa.table("sqlite_sequence", sa.column("name"), sa.column("seq"))
        candidates.append(sa.select(sa.func.max(sequence.c.seq)).where(sequence.c.name == table))
    for other, column in LOOSE_REFERENCES.get(table, ()):
        if _table_exists(bind, other):
            candidates.append(
                sa.select(sa.func.max(sa.column(column))).select_from(sa.table(other))
            )
    values = [bind.execute(query).scalar() for query in candidates]
    return max((int(value) for value in values if value is not None), default=0)


def _set_sequence(bind: sa.Connection, table: str, seq: int) -> None:
    updated = bind.execute(
        sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :name"),
        {"seq": seq, "name": table},
    ).rowcount
    if not updated:
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
            {"seq": seq, "name": table},
        )


def _table_exists(bind: sa.Connection, name: str) -> bool:
    found = bind.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": name},
    ).scalar()
    return found is not None
