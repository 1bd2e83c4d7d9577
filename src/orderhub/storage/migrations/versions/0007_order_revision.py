"""orders.revision: a counter every write to an order bumps

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-25 11:30:00.000000

Servers keep each order's rendered form and serve it again while the order's revision in
the database is still the one it was rendered at (see docs/performance.md). Adding a column
with a constant default needs no table rebuild on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("revision")
