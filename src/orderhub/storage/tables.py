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

import sqlalchemy as sa
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

from orderhub.domain.limits import ADDRESS_FIELDS, ADDRESS_WIDTH, SHIPPING_ONLY_FIELDS, width

SCALE = 10_000

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Fixed4(TypeDecorator[Decimal]):
    """A Decimal stored as a BIGINT count of 1/10,000 units."""

    impl = sa.BigInteger
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
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def id_column() -> sa.Column[int]:
    """The surrogate key a table of a store's records starts with."""
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def store_column(*, primary_key: bool = False) -> sa.Column[Any]:
    """The store a row belongs to: every query is scoped by it, and a store's deletion
    takes its rows with it."""
    return sa.Column(
        "store_id",
        sa.ForeignKey("stores.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


folders = sa.Table(
    "folders",
    metadata,
    id_column(),
    store_column(),
    sa.Column("name", sa.String(width("folders", "name")), nullable=False),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("pod_status", sa.String(width("folders", "pod_status")), nullable=True),
    sa.UniqueConstraint("store_id", "name", name="uq_folders_store_name"),
    sa.UniqueConstraint("store_id", "pod_status", name="uq_folders_store_pod_status"),
    sqlite_autoincrement=True,
)


def _address_columns(prefix: str, fields: tuple[str, ...]) -> list[sa.Column[Any]]:
    return [
        sa.Column(f"{prefix}_{name}", sa.String(ADDRESS_WIDTH), nullable=False, default="")
        for name in fields
    ]


orders = sa.Table(
    "orders",
    metadata,
    id_column(),
    store_column(),
    sa.Column("folder_id", sa.ForeignKey("folders.id"), nullable=False),
    sa.Column("source_name", sa.String(width("orders", "source_name")), nullable=False),
    sa.Column("source_id", sa.String(width("orders", "source_id")), nullable=True),
    sa.Column("email", sa.String(width("orders", "email")), nullable=False, default=""),
    sa.Column(
        "shipping_method", sa.String(width("orders", "shipping_method")), nullable=False, default=""
    ),
    sa.Column("quantity_total", sa.Integer, nullable=False, default=0),
    sa.Column("weight_total", Fixed4, nullable=False, default=0),
    sa.Column("product_total", Fixed4, nullable=False, default=0),
    sa.Column("shipping_total", Fixed4, nullable=False, default=0),
    sa.Column("handling_total", Fixed4, nullable=False, default=0),
    sa.Column("tax_total", Fixed4, nullable=False, default=0),
    sa.Column("discount_total", Fixed4, nullable=False, default=0),
    sa.Column("order_total", Fixed4, nullable=False, default=0),
    sa.Column("processor_balance", Fixed4, nullable=False, default=0),
    sa.Column("refund_total", Fixed4, nullable=False, default=0),
    sa.Column(
        "cc_number_masked",
        sa.String(width("orders", "cc_number_masked")),
        nullable=False,
        default="",
    ),
    sa.Column("cc_exp", sa.String(width("orders", "cc_exp")), nullable=False, default=""),
    sa.Column(
        "processor_response",
        sa.String(width("orders", "processor_response")),
        nullable=False,
        default="",
    ),
    sa.Column(
        "payment_type", sa.String(width("orders", "payment_type")), nullable=False, default=""
    ),
    sa.Column(
        "payment_status",
        sa.String(width("orders", "payment_status")),
        nullable=False,
        default="Captured",
    ),
    sa.Column("customer_id", sa.String(width("orders", "customer_id")), nullable=False, default=""),
    sa.Column("ip_address", sa.String(width("orders", "ip_address")), nullable=False, default=""),
    sa.Column("tag_color", sa.String(width("orders", "tag_color")), nullable=False, default=""),
    sa.Column("tag_name", sa.String(width("orders", "tag_name")), nullable=False, default=""),
    sa.Column(
        "fulfillment_name",
        sa.String(width("orders", "fulfillment_name")),
        nullable=False,
        default="",
    ),
    sa.Column(
        "fulfillment_id", sa.String(width("orders", "fulfillment_id")), nullable=False, default=""
    ),
    *_address_columns("shipping", ADDRESS_FIELDS + SHIPPING_ONLY_FIELDS),
    *_address_columns("customer", ADDRESS_FIELDS),
    sa.Column("return_address", sa.Text, nullable=False, default="[]"),
    sa.Column("checkout_data", sa.Text, nullable=False, default="[]"),
    sa.Column("order_metadata", sa.Text, nullable=False, default="[]"),
    sa.Column("discount_list", sa.Text, nullable=False, default="[]"),
    sa.Column("order_notes", sa.Text, nullable=False, default="[]"),
    # Print-on-demand only: brand, comment, packing slip, billing address, extra phones...
    sa.Column("pod_data", sa.Text, nullable=False, default="{}", server_default="{}"),
    # A print-on-demand cancellation keeps the order, flagged deleted.
    sa.Column("deleted", sa.Boolean, nullable=False, default=False, server_default=false()),
    sa.Column("date_added", sa.DateTime, nullable=False),
    sa.Column("date_updated", sa.DateTime, nullable=False),
    # Bumped by every write to the order, its items, shipments or history, in the same
    # transaction: a rendered order is valid while its revision is unchanged.
    sa.Column("revision", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.UniqueConstraint("store_id", "source_name", "source_id", name="uq_orders_store_source"),
    sa.Index("ix_orders_store_date_added", "store_id", "date_added", "id"),
    sa.Index("ix_orders_store_date_updated", "store_id", "date_updated", "id"),
    sa.Index("ix_orders_store_folder_date_added", "store_id", "folder_id", "date_added", "id"),
    sa.Index("ix_orders_store_email", "store_id", "email"),
    sa.Index("ix_orders_store_customer_id", "store_id", "customer_id"),
    sqlite_autoincrement=True,
)

order_items = sa.Table(
    "order_items",
    metadata,
    id_column(),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    store_column(),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("name", sa.String(width("order_items", "name")), nullable=False, default=""),
    sa.Column("price", Fixed4, nullable=False, default=0),
    sa.Column("quantity", sa.Integer, nullable=False, default=1),
    sa.Column("weight", Fixed4, nullable=False, default=0),
    sa.Column("code", sa.String(width("order_items", "code")), nullable=False, default=""),
    sa.Column(
        "delivery_type",
        sa.String(width("order_items", "delivery_type")),
        nullable=False,
        default="ship",
    ),
    sa.Column(
        "category_code",
        sa.String(width("order_items", "category_code")),
        nullable=False,
        default="",
    ),
    sa.Column(
        "fulfillment_method",
        sa.String(width("order_items", "fulfillment_method")),
        nullable=False,
        default="",
    ),
    sa.Column("variation_list", sa.Text, nullable=False, default="[]"),
    sa.Column("metadata", sa.Text, nullable=False, default="[]"),
    # Print-on-demand only: designs, mockups, label, description, brand.
    sa.Column("pod_data", sa.Text, nullable=False, default="{}", server_default="{}"),
    sa.Index("ix_order_items_order", "order_id", "position", "id"),
    sa.Index("ix_order_items_store_code", "store_id", "code"),
    sqlite_autoincrement=True,
)

order_history = sa.Table(
    "order_history",
    metadata,
    id_column(),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    store_column(),
    sa.Column(
        "source_name", sa.String(width("order_history", "source_name")), nullable=False, default=""
    ),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("event", sa.String(width("order_history", "event")), nullable=False, default="note"),
    sa.Column("surface", sa.String(width("order_history", "surface")), nullable=False, default=""),
    sa.Column("date_added", sa.DateTime, nullable=False),
    sa.Index("ix_order_history_order", "order_id", "id"),
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
