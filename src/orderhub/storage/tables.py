"""The schema's metadata and the order tables (folders, orders, their items and history), as
SQLAlchemy Core tables; the other areas' tables are in `storage/<area>_tables.py`, imported at
the end so the metadata is complete. Migrations are written against this metadata.

Money and weights are stored as integers in units of 1/10,000 (see `Fixed4`): exact on both
SQLite and PostgreSQL, sortable, and cheap to read. JSON extras are stored as text so that
key order and the `[]`-for-empty quirk survive a round trip byte for byte. Text widths come
from `domain/limits.py`, which the validators read too: what is accepted always fits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

from orderhub.domain.limits import ADDRESS_FIELDS, ADDRESS_WIDTH, SHIPPING_ONLY_FIELDS, width

SCALE = 10_000

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Fixed4(TypeDecorator[Decimal]):
    """A Decimal stored as a BIGINT count of 1/10,000 units."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * SCALE).to_integral_value())

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value) / SCALE


# Ids are never reused after a delete (sqlite_autoincrement below): integrations keep them.
# Big integer ids on PostgreSQL, INTEGER PRIMARY KEY (the rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

folders = Table(
    "folders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(width("folders", "name")), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("pod_status", String(width("folders", "pod_status")), nullable=True),
    UniqueConstraint("store_id", "name", name="uq_folders_store_name"),
    UniqueConstraint("store_id", "pod_status", name="uq_folders_store_pod_status"),
    sqlite_autoincrement=True,
)


def _address_columns(prefix: str, fields: tuple[str, ...]) -> list[Column[Any]]:
    return [
        Column(f"{prefix}_{name}", String(ADDRESS_WIDTH), nullable=False, default="")
        for name in fields
    ]


orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("folder_id", ForeignKey("folders.id"), nullable=False),
    Column("source_name", String(width("orders", "source_name")), nullable=False),
    Column("source_id", String(width("orders", "source_id")), nullable=True),
    Column("email", String(width("orders", "email")), nullable=False, default=""),
    Column(
        "shipping_method", String(width("orders", "shipping_method")), nullable=False, default=""
    ),
    Column("quantity_total", Integer, nullable=False, default=0),
    Column("weight_total", Fixed4, nullable=False, default=0),
    Column("product_total", Fixed4, nullable=False, default=0),
    Column("shipping_total", Fixed4, nullable=False, default=0),
    Column("handling_total", Fixed4, nullable=False, default=0),
    Column("tax_total", Fixed4, nullable=False, default=0),
    Column("discount_total", Fixed4, nullable=False, default=0),
    Column("order_total", Fixed4, nullable=False, default=0),
    Column("processor_balance", Fixed4, nullable=False, default=0),
    Column("refund_total", Fixed4, nullable=False, default=0),
    Column(
        "cc_number_masked", String(width("orders", "cc_number_masked")), nullable=False, default=""
    ),
    Column("cc_exp", String(width("orders", "cc_exp")), nullable=False, default=""),
    Column(
        "processor_response",
        String(width("orders", "processor_response")),
        nullable=False,
        default="",
    ),
    Column("payment_type", String(width("orders", "payment_type")), nullable=False, default=""),
    Column(
        "payment_status",
        String(width("orders", "payment_status")),
        nullable=False,
        default="Captured",
    ),
    Column("customer_id", String(width("orders", "customer_id")), nullable=False, default=""),
    Column("ip_address", String(width("orders", "ip_address")), nullable=False, default=""),
    Column("tag_color", String(width("orders", "tag_color")), nullable=False, default=""),
    Column("tag_name", String(width("orders", "tag_name")), nullable=False, default=""),
    Column(
        "fulfillment_name", String(width("orders", "fulfillment_name")), nullable=False, default=""
    ),
    Column("fulfillment_id", String(width("orders", "fulfillment_id")), nullable=False, default=""),
    *_address_columns("shipping", ADDRESS_FIELDS + SHIPPING_ONLY_FIELDS),
    *_address_columns("customer", ADDRESS_FIELDS),
    Column("return_address", Text, nullable=False, default="[]"),
    Column("checkout_data", Text, nullable=False, default="[]"),
    Column("order_metadata", Text, nullable=False, default="[]"),
    Column("discount_list", Text, nullable=False, default="[]"),
    Column("order_notes", Text, nullable=False, default="[]"),
    # Print-on-demand only: brand, comment, packing slip, billing address, extra phones...
    Column("pod_data", Text, nullable=False, default="{}", server_default="{}"),
    # A print-on-demand cancellation keeps the order, flagged deleted.
    Column("deleted", Boolean, nullable=False, default=False, server_default=false()),
    Column("date_added", DateTime, nullable=False),
    Column("date_updated", DateTime, nullable=False),
    # Bumped by every write to the order, its items, shipments or history, in the same
    # transaction: a rendered order is valid while its revision is unchanged.
    Column("revision", Integer, nullable=False, default=0, server_default="0"),
    UniqueConstraint("store_id", "source_name", "source_id", name="uq_orders_store_source"),
    Index("ix_orders_store_date_added", "store_id", "date_added", "id"),
    Index("ix_orders_store_date_updated", "store_id", "date_updated", "id"),
    Index("ix_orders_store_folder_date_added", "store_id", "folder_id", "date_added", "id"),
    Index("ix_orders_store_email", "store_id", "email"),
    Index("ix_orders_store_customer_id", "store_id", "customer_id"),
    sqlite_autoincrement=True,
)

order_items = Table(
    "order_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False, default=0),
    Column("name", String(width("order_items", "name")), nullable=False, default=""),
    Column("price", Fixed4, nullable=False, default=0),
    Column("quantity", Integer, nullable=False, default=1),
    Column("weight", Fixed4, nullable=False, default=0),
    Column("code", String(width("order_items", "code")), nullable=False, default=""),
    Column(
        "delivery_type",
        String(width("order_items", "delivery_type")),
        nullable=False,
        default="ship",
    ),
    Column(
        "category_code", String(width("order_items", "category_code")), nullable=False, default=""
    ),
    Column(
        "fulfillment_method",
        String(width("order_items", "fulfillment_method")),
        nullable=False,
        default="",
    ),
    Column("variation_list", Text, nullable=False, default="[]"),
    Column("metadata", Text, nullable=False, default="[]"),
    # Print-on-demand only: designs, mockups, label, description, brand.
    Column("pod_data", Text, nullable=False, default="{}", server_default="{}"),
    Index("ix_order_items_order", "order_id", "position", "id"),
    Index("ix_order_items_store_code", "store_id", "code"),
    sqlite_autoincrement=True,
)

order_history = Table(
    "order_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column(
        "source_name", String(width("order_history", "source_name")), nullable=False, default=""
    ),
    Column("note", Text, nullable=False, default=""),
    Column("event", String(width("order_history", "event")), nullable=False, default="note"),
    Column("surface", String(width("order_history", "surface")), nullable=False, default=""),
    Column("date_added", DateTime, nullable=False),
    Index("ix_order_history_order", "order_id", "id"),
    sqlite_autoincrement=True,
)

# Tables of the other areas, kept in modules of their own. Imported last (they use
# `metadata`, `Id` and `Fixed4`) and as modules, so that whichever is imported first the
# metadata ends complete. Read their tables from their modules.
from orderhub.storage import (  # noqa: E402, F401
    audit_tables,
    desk_tables,
    email_tables,
    inventory_tables,
    notification_tables,
    rule_tables,
    shipment_tables,
    store_tables,
    supplier_tables,
    webhook_tables,
)

rules, rule_sets = rule_tables.define(metadata, Id)
