"""shipments, inventory, print-on-demand fields, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:55:54.763338
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inventory_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("weight", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=False),
        sa.Column("update_source", sa.String(length=100), nullable=False),
        sa.Column("manufacturer_sku", sa.String(length=100), nullable=True),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("variation_list", sa.Text(), nullable=False),
        sa.Column("date_added", sa.DateTime(), nullable=False),
        sa.Column("date_updated", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_inventory_items_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_items")),
        sa.UniqueConstraint("store_id", "code", name="uq_inventory_items_store_code"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("inventory_items", schema=None) as batch_op:
        batch_op.create_index("ix_inventory_items_store_name", ["store_id", "name"], unique=False)

    op.create_table(
        "notifications",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_notifications_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_pending",
            ["delivered_at", "failed_at", "next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_notifications_store_order", ["store_id", "order_id"], unique=False
        )

    op.create_table(
        "shipments",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tracking_number", sa.String(length=100), nullable=False),
        sa.Column("carrier_code", sa.String(length=50), nullable=False),
        sa.Column("shipment_method", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.String(length=32), nullable=False),
        sa.Column("cost", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("tracking_url", sa.String(length=500), nullable=False),
        sa.Column("label_format", sa.String(length=20), nullable=False),
        sa.Column("label_image", sa.Text(), nullable=False),
        sa.Column("print_status", sa.String(length=8), nullable=False),
        sa.Column("cart_shipment_id", sa.String(length=100), nullable=False),
        sa.Column("label_shipment_id", sa.String(length=100), nullable=False),
        sa.Column("date_shipped", sa.String(length=10), nullable=False),
        sa.Column("date_added", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_shipments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_shipments_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index("ix_shipments_order", ["order_id", "id"], unique=False)
        batch_op.create_index(
            "ix_shipments_store_tracking", ["store_id", "tracking_number"], unique=False
        )

    op.create_table(
        "shipment_items",
        sa.Column(
            "shipment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "order_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_item_id"],
            ["order_items.id"],
            name=op.f("fk_shipment_items_order_item_id_order_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_shipment_items_shipment_id_shipments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shipment_id", "order_item_id", name=op.f("pk_shipment_items")),
    )
    with op.batch_alter_table("shipment_items", schema=None) as batch_op:
        batch_op.create_index("ix_shipment_items_order_item", ["order_item_id"], unique=False)

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pod_data", sa.Text(), nullable=False, server_default="{}"))

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pod_data", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("deleted")
        batch_op.drop_column("pod_data")

    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_column("pod_data")

    with op.batch_alter_table("shipment_items", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_items_order_item")

    op.drop_table("shipment_items")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_store_tracking")
        batch_op.drop_index("ix_shipments_order")

    op.drop_table("shipments")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_store_order")
        batch_op.drop_index("ix_notifications_pending")

    op.drop_table("notifications")
    with op.batch_alter_table("inventory_items", schema=None) as batch_op:
        batch_op.drop_index("ix_inventory_items_store_name")

    op.drop_table("inventory_items")
