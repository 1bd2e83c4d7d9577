"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 22:44:35.219507
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("api_key_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("api_key_hint", sa.String(length=8), nullable=False),
        sa.Column("pod_app_id", sa.String(length=12), nullable=False),
        sa.Column("pod_secret", sa.String(length=64), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("pod_app_id", name=op.f("uq_stores_pod_app_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "folders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pod_status", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_folders_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_folders")),
        sa.UniqueConstraint("store_id", "name", name="uq_folders_store_name"),
        sa.UniqueConstraint("store_id", "pod_status", name="uq_folders_store_pod_status"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_idempotency_keys_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("store_id", "scope", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_keys_created_at", ["created_at"], unique=False)

    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "folder_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("source_name", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("shipping_method", sa.String(length=255), nullable=False),
        sa.Column("quantity_total", sa.Integer(), nullable=False),
        sa.Column("weight_total", sa.BigInteger(), nullable=False),
        sa.Column("product_total", sa.BigInteger(), nullable=False),
        sa.Column("shipping_total", sa.BigInteger(), nullable=False),
        sa.Column("handling_total", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("discount_total", sa.BigInteger(), nullable=False),
        sa.Column("order_total", sa.BigInteger(), nullable=False),
        sa.Column("processor_balance", sa.BigInteger(), nullable=False),
        sa.Column("refund_total", sa.BigInteger(), nullable=False),
        sa.Column("cc_number_masked", sa.String(length=32), nullable=False),
        sa.Column("cc_exp", sa.String(length=16), nullable=False),
        sa.Column("processor_response", sa.String(length=255), nullable=False),
        sa.Column("payment_type", sa.String(length=64), nullable=False),
        sa.Column("payment_status", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column("tag_color", sa.String(length=32), nullable=False),
        sa.Column("tag_name", sa.String(length=100), nullable=False),
        sa.Column("fulfillment_name", sa.String(length=100), nullable=False),
        sa.Column("fulfillment_id", sa.String(length=100), nullable=False),
        sa.Column("shipping_first_name", sa.String(length=255), nullable=False),
        sa.Column("shipping_last_name", sa.String(length=255), nullable=False),
        sa.Column("shipping_company", sa.String(length=255), nullable=False),
        sa.Column("shipping_address1", sa.String(length=255), nullable=False),
        sa.Column("shipping_address2", sa.String(length=255), nullable=False),
        sa.Column("shipping_city", sa.String(length=255), nullable=False),
        sa.Column("shipping_state", sa.String(length=255), nullable=False),
        sa.Column("shipping_postal_code", sa.String(length=255), nullable=False),
        sa.Column("shipping_country", sa.String(length=255), nullable=False),
        sa.Column("shipping_phone", sa.String(length=255), nullable=False),
        sa.Column("shipping_address3", sa.String(length=255), nullable=False),
        sa.Column("shipping_address4", sa.String(length=255), nullable=False),
        sa.Column("customer_first_name", sa.String(length=255), nullable=False),
        sa.Column("customer_last_name", sa.String(length=255), nullable=False),
        sa.Column("customer_company", sa.String(length=255), nullable=False),
        sa.Column("customer_address1", sa.String(length=255), nullable=False),
        sa.Column("customer_address2", sa.String(length=255), nullable=False),
        sa.Column("customer_city", sa.String(length=255), nullable=False),
        sa.Column("customer_state", sa.String(length=255), nullable=False),
        sa.Column("customer_postal_code", sa.String(length=255), nullable=False),
        sa.Column("customer_country", sa.String(length=255), nullable=False),
        sa.Column("customer_phone", sa.String(length=255), nullable=False),
        sa.Column("return_address", sa.Text(), nullable=False),
        sa.Column("checkout_data", sa.Text(), nullable=False),
        sa.Column("order_metadata", sa.Text(), nullable=False),
        sa.Column("discount_list", sa.Text(), nullable=False),
        sa.Column("order_notes", sa.Text(), nullable=False),
        sa.Column("date_added", sa.DateTime(), nullable=False),
        sa.Column("date_updated", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["folder_id"], ["folders.id"], name=op.f("fk_orders_folder_id_folders")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_orders_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("store_id", "source_name", "source_id", name="uq_orders_store_source"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_store_customer_id", ["store_id", "customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_orders_store_date_added", ["store_id", "date_added", "id"], unique=False
        )
        batch_op.create_index(
            "ix_orders_store_date_updated", ["store_id", "date_updated", "id"], unique=False
        )
        batch_op.create_index("ix_orders_store_email", ["store_id", "email"], unique=False)
        batch_op.create_index(
            "ix_orders_store_folder_date_added",
            ["store_id", "folder_id", "date_added", "id"],
            unique=False,
        )

    op.create_table(
        "order_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("surface", sa.String(length=20), nullable=False),
        sa.Column("date_added", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_history_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_order_history_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_history")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.create_index("ix_order_history_order", ["order_id", "id"], unique=False)

    op.create_table(
        "order_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("weight", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("delivery_type", sa.String(length=16), nullable=False),
        sa.Column("category_code", sa.String(length=100), nullable=False),
        sa.Column("fulfillment_method", sa.String(length=100), nullable=False),
        sa.Column("variation_list", sa.Text(), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_order_items_store_id_stores"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.create_index("ix_order_items_order", ["order_id", "position", "id"], unique=False)
        batch_op.create_index("ix_order_items_store_code", ["store_id", "code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("order_items", schema=None) as batch_op:
        batch_op.drop_index("ix_order_items_store_code")
        batch_op.drop_index("ix_order_items_order")

    op.drop_table("order_items")
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.drop_index("ix_order_history_order")

    op.drop_table("order_history")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_store_folder_date_added")
        batch_op.drop_index("ix_orders_store_email")
        batch_op.drop_index("ix_orders_store_date_updated")
        batch_op.drop_index("ix_orders_store_date_added")
        batch_op.drop_index("ix_orders_store_customer_id")

    op.drop_table("orders")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_keys_created_at")

    op.drop_table("idempotency_keys")
    op.drop_table("folders")
    op.drop_table("stores")
