"""Forwarding to print providers (docs/outbound.md): the suppliers and the forwarding jobs
of orders to them. Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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

from orderhub.domain.limits import (
    SUPPLIER_APP_ID_MAX,
    SUPPLIER_NAME_MAX,
    SUPPLIER_SECRET_MAX,
    URL_MAX,
)
from orderhub.storage.tables import Id, metadata

# A print provider a store forwards orders to over the print-on-demand protocol. The secret
# is kept in clear: it is needed to sign every request.
suppliers = Table(
    "suppliers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(SUPPLIER_NAME_MAX), nullable=False),
    Column("base_url", String(URL_MAX), nullable=False),
    Column("app_id", String(SUPPLIER_APP_ID_MAX), nullable=False),
    Column("secret", String(SUPPLIER_SECRET_MAX), nullable=False),
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
