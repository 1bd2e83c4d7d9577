"""The store's inventory items (Order Desk §7). Imported by `tables.py`, so the metadata is
complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import Fixed4, id_column, metadata, store_column

inventory_items = sa.Table(
    "inventory_items",
    metadata,
    id_column(),
    store_column(),
    sa.Column("name", sa.String(width("inventory_items", "name")), nullable=False),
    sa.Column("code", sa.String(width("inventory_items", "code")), nullable=False),
    sa.Column("price", Fixed4, nullable=False, default=0),
    sa.Column("cost", Fixed4, nullable=False, default=0),
    sa.Column("weight", Fixed4, nullable=False, default=0),
    sa.Column("stock", sa.Integer, nullable=False, default=0),
    sa.Column(
        "location", sa.String(width("inventory_items", "location")), nullable=False, default=""
    ),
    sa.Column(
        "update_source",
        sa.String(width("inventory_items", "update_source")),
        nullable=False,
        default="",
    ),
    sa.Column(
        "manufacturer_sku", sa.String(width("inventory_items", "manufacturer_sku")), nullable=True
    ),
    sa.Column("metadata", sa.Text, nullable=False, default="[]"),
    sa.Column("variation_list", sa.Text, nullable=False, default="[]"),
    sa.Column("date_added", sa.DateTime, nullable=False),
    sa.Column("date_updated", sa.DateTime, nullable=False),
    sa.UniqueConstraint("store_id", "code", name="uq_inventory_items_store_code"),
    sa.Index("ix_inventory_items_store_name", "store_id", "name"),
    sqlite_autoincrement=True,
)
