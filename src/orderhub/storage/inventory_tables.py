"""The store's inventory items (Order Desk §7). Imported by `tables.py`, so the metadata is
complete."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from orderhub.domain.limits import width
from orderhub.storage.tables import Fixed4, Id, metadata

inventory_items = Table(
    "inventory_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(width("inventory_items", "name")), nullable=False),
    Column("code", String(width("inventory_items", "code")), nullable=False),
    Column("price", Fixed4, nullable=False, default=0),
    Column("cost", Fixed4, nullable=False, default=0),
    Column("weight", Fixed4, nullable=False, default=0),
    Column("stock", Integer, nullable=False, default=0),
    Column("location", String(width("inventory_items", "location")), nullable=False, default=""),
    Column(
        "update_source",
        String(width("inventory_items", "update_source")),
        nullable=False,
        default="",
    ),
    Column("manufacturer_sku", String(width("inventory_items", "manufacturer_sku")), nullable=True),
    Column("metadata", Text, nullable=False, default="[]"),
    Column("variation_list", Text, nullable=False, default="[]"),
    Column("date_added", DateTime, nullable=False),
    Column("date_updated", DateTime, nullable=False),
    UniqueConstraint("store_id", "code", name="uq_inventory_items_store_code"),
    Index("ix_inventory_items_store_name", "store_id", "name"),
    sqlite_autoincrement=True,
)
