"""suppliers and forwarding jobs (forwarding orders to a print provider)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "suppliers",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_url", sa.String(length=2000), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("folder_id", ID, nullable=False),
        sa.Column("code_patterns", sa.Text(), nullable=False),
        sa.Column("shipping_map", sa.Text(), nullable=False),
        sa.Column("at_supplier_folder_id", ID, nullable=True),
        sa.Column("failed_folder_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_suppliers_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["folder_id"], ["folders.id"], name=op.f("fk_suppliers_folder_id_folders")
        ),
        sa.ForeignKeyConstraint(
            ["at_supplier_folder_id"], ["folders.id"],
            name=op.f("fk_suppliers_at_supplier_folder_id_folders"),
        ),
        sa.ForeignKeyConstraint(
            ["failed_folder_id"], ["folders.id"],
            name=op.f("fk_suppliers_failed_folder_id_folders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("store_id", "name", name="uq_suppliers_store_name"),
        sqlite_autoincrement=True,
    )  # fmt: skip
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index("ix_suppliers_store_folder", ["store_id", "folder_id"], unique=False)

    op.create_table(
        "forwarding_jobs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("supplier_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("supplier_order_id", sa.String(length=100), nullable=True),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("in_doubt", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_status", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_forwarding_jobs_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["suppliers.id"],
            name=op.f("fk_forwarding_jobs_supplier_id_suppliers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_forwarding_jobs_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forwarding_jobs")),
        sa.UniqueConstraint(
            "supplier_id", "order_id", name="uq_forwarding_jobs_supplier_order"
        ),
        sqlite_autoincrement=True,
    )  # fmt: skip
    with op.batch_alter_table("forwarding_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_forwarding_jobs_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_forwarding_jobs_store_order", ["store_id", "order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("forwarding_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_forwarding_jobs_store_order")
        batch_op.drop_index("ix_forwarding_jobs_due")
    op.drop_table("forwarding_jobs")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index("ix_suppliers_store_folder")
    op.drop_table("suppliers")
