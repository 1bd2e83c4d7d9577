"""automation rules: the rules table, each store's rule generation, webhook endpoint names

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("store_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_outcome", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_rules_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rules_store_position", "rules", ["store_id", "position"])
    op.create_index("ix_rules_next_run", "rules", ["next_run_at"])
    op.create_table(
        "rule_sets",
        sa.Column("store_id", _ID, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("events", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_rule_sets_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_rule_sets")),
    )  # fmt: skip
    # A rule's `webhook` action names its endpoint (ids differ from store to store).
    op.add_column(
        "webhook_endpoints",
        sa.Column("name", sa.String(length=100), nullable=False, server_default=sa.text("''")),
    )


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.drop_column("name")
    op.drop_table("rule_sets")
    op.drop_table("rules")
