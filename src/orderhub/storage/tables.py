"""The schema, as SQLAlchemy Core tables. Migrations are written against this file.

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
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import false, text
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

stores = Table(
    "stores",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(width("stores", "name")), nullable=False),
    Column("api_key_hash", LargeBinary(32), nullable=False),
    Column("api_key_hint", String(width("stores", "api_key_hint")), nullable=False),
    Column("pod_app_id", String(width("stores", "pod_app_id")), nullable=False, unique=True),
    Column("pod_secret", String(width("stores", "pod_secret")), nullable=False),
    Column("timezone", String(width("stores", "timezone")), nullable=False, default="UTC"),
    Column("settings", Text, nullable=False, default="{}"),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

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

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", String(width("idempotency_keys", "scope")), primary_key=True),
    Column("key", String(width("idempotency_keys", "key")), primary_key=True),
    Column("request_hash", LargeBinary(32), nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

# --- shipments and inventory (Order Desk §6, §7) ---------------------------------------

shipments = Table(
    "shipments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("tracking_number", String(width("shipments", "tracking_number")), nullable=False),
    Column("carrier_code", String(width("shipments", "carrier_code")), nullable=False, default=""),
    Column(
        "shipment_method", String(width("shipments", "shipment_method")), nullable=False, default=""
    ),
    Column("weight", String(width("shipments", "weight")), nullable=False, default=""),
    Column("cost", String(width("shipments", "cost")), nullable=False, default=""),
    Column("status", String(width("shipments", "status")), nullable=False, default=""),
    Column("tracking_url", String(width("shipments", "tracking_url")), nullable=False, default=""),
    Column("label_format", String(width("shipments", "label_format")), nullable=False, default=""),
    Column("label_image", Text, nullable=False, default=""),
    Column("print_status", String(width("shipments", "print_status")), nullable=False, default="0"),
    Column(
        "cart_shipment_id",
        String(width("shipments", "cart_shipment_id")),
        nullable=False,
        default="",
    ),
    Column(
        "label_shipment_id",
        String(width("shipments", "label_shipment_id")),
        nullable=False,
        default="",
    ),
    Column("date_shipped", String(width("shipments", "date_shipped")), nullable=False),
    Column("date_added", DateTime, nullable=False),
    Index("ix_shipments_order", "order_id", "id"),
    Index("ix_shipments_store_tracking", "store_id", "tracking_number"),
    sqlite_autoincrement=True,
)

shipment_items = Table(
    "shipment_items",
    metadata,
    Column("shipment_id", ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True),
    Column("order_item_id", ForeignKey("order_items.id", ondelete="CASCADE"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Index("ix_shipment_items_order_item", "order_item_id"),
)

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

# --- print-on-demand (Inkthreadable protocol) ------------------------------------------

# Outbound notifications, written in the transaction of the change they announce (an
# outbox) and delivered after commit by a worker that retries with backoff.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("event", String(width("notifications", "event")), nullable=False),
    Column("url", String(width("notifications", "url")), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Column("failed_at", DateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Index("ix_notifications_pending", "delivered_at", "failed_at", "next_attempt_at"),
    Index("ix_notifications_store_order", "store_id", "order_id"),
    sqlite_autoincrement=True,
)

# --- webhooks (docs/outbound.md) --------------------------------------------------------

# A store's endpoints; `events` is a comma-separated list of event names ("*" for all).
# The secret signs each delivery (X-ORDER-DESK-HASH), so it is kept as given.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("events", String(500), nullable=False),
    # What a rule's `webhook` action names it by (docs/rules.md); "" when none was given.
    Column("name", String(100), nullable=False, default="", server_default=text("''")),
    Column("format", String(8), nullable=False, default="form"),
    Column("secret", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_webhook_endpoints_store", "store_id", "active"),
    sqlite_autoincrement=True,
)

# One row per (event, subscribed endpoint), written in the transaction of the change (an
# outbox); status pending -> delivered | failed. `leased_until` marks a row a worker is
# sending; `next_attempt_at` is when it may be tried again.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint_id", ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(40), nullable=False),
    Column("order_id", BigInteger, nullable=False),
    Column("data", Text, nullable=False, default="{}"),
    Column("delivery_id", String(36), nullable=False, unique=True),
    Column("status", String(12), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False),
    Column("leased_until", DateTime, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_sequence", "endpoint_id", "order_id", "id"),
    Index("ix_webhook_deliveries_store", "store_id", "id"),
    sqlite_autoincrement=True,
)

# Every attempt of a delivery, with what came back (an excerpt of at most 500 bytes).
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("delivery_id", ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("attempted_at", DateTime, nullable=False),
    Column("status", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("response_excerpt", Text, nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Index("ix_webhook_attempts_delivery", "delivery_id", "id"),
    sqlite_autoincrement=True,
)

# --- forwarding to print providers (docs/outbound.md) ------------------------------------

# A print provider a store forwards orders to over the print-on-demand protocol. The secret
# is kept in clear: it is needed to sign every request.
suppliers = Table(
    "suppliers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("base_url", String(2000), nullable=False),
    Column("app_id", String(40), nullable=False),
    Column("secret", String(200), nullable=False),
    Column("folder_id", ForeignKey("folders.id"), nullable=False),
    Column("code_patterns", Text, nullable=False, default="[]"),
    Column("shipping_map", Text, nullable=False, default="{}"),
    Column("at_supplier_folder_id", ForeignKey("folders.id"), nullable=True),
    Column("failed_folder_id", ForeignKey("folders.id"), nullable=True),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("store_id", "name", name="uq_suppliers_store_name"),
    Index("ix_suppliers_store_folder", "store_id", "folder_id"),
    sqlite_autoincrement=True,
)

# One order's way to one supplier: written in the transaction that put the order in the
# supplier's folder, then sent, retried, and polled for tracking by the forwarder.
forwarding_jobs = Table(
    "forwarding_jobs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", ForeignKey("suppliers.id", ondelete="CASCADE"), nullable=False),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    # pending, sent, shipped, failed, skipped, canceled
    Column("status", String(20), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("supplier_order_id", String(100), nullable=True),
    # The order items sent, as a JSON list of [order_item_id, quantity].
    Column("lines", Text, nullable=False, default="[]"),
    Column("attempts", Integer, nullable=False, default=0),
    # When the worker next sends (pending) or polls (sent) this job; also the claim lease.
    Column("next_attempt_at", DateTime, nullable=False),
    # The last try ended without knowing whether the supplier has the order.
    Column("in_doubt", Boolean, nullable=False, default=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("last_status", String(40), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("supplier_id", "order_id", name="uq_forwarding_jobs_supplier_order"),
    Index("ix_forwarding_jobs_due", "status", "next_attempt_at"),
    Index("ix_forwarding_jobs_store_order", "store_id", "order_id"),
    sqlite_autoincrement=True,
)

# --- the desk: staff accounts, store memberships and sessions --------------------------

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

# A user may work in several stores, with one role in each: owner or staff.
store_members = Table(
    "store_members",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(10), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_store_members_store", "store_id"),
)

# Sessions live in the database so that any process behind a load balancer can serve any
# request. The cookie carries a random id; only its SHA-256 is stored.
desk_sessions = Table(
    "desk_sessions",
    metadata,
    Column("id_hash", LargeBinary(32), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Index("ix_desk_sessions_user", "user_id"),
    Index("ix_desk_sessions_last_seen", "last_seen_at"),
)

# --- automation rules (docs/rules.md) ------------------------------------------------------

from orderhub.storage import rule_tables  # noqa: E402

rules, rule_sets = rule_tables.define(metadata, Id)
