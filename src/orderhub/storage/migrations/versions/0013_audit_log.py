"""the store's audit log; notifications by store, newest first (the desk's log); shipments
by store and date (the dashboard's shipped per day)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("store_id", _ID, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("door", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_audit_log_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )  # fmt: skip
    op.create_index("ix_audit_log_store", "audit_log", ["store_id", "id"])
    op.create_index("ix_notifications_store", "notifications", ["store_id", "id"])
    op.create_index("ix_shipments_store_date", "shipments", ["store_id", "date_added"])


def downgrade() -> None:
    op.drop_index("ix_shipments_store_date", table_name="shipments")
    op.drop_index("ix_notifications_store", table_name="notifications")
    op.drop_index("ix_audit_log_store", table_name="audit_log")
    op.drop_table("audit_log")
