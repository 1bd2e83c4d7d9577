"""Forwarding to print providers (docs/outbound.md): the suppliers and the forwarding jobs
of orders to them. Imported by `tables.py`, so the metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import (
    SUPPLIER_APP_ID_MAX,
    SUPPLIER_NAME_MAX,
    SUPPLIER_SECRET_MAX,
    URL_MAX,
)
from orderhub.storage.tables import id_column, metadata, store_column

# A print provider a store forwards orders to over the print-on-demand protocol. The secret
# is kept in clear: it is needed to sign every request.
suppliers = sa.Table(
    "suppliers",
    metadata,
    id_column(),
    store_column(),
    sa.Column("name", sa.String(SUPPLIER_NAME_MAX), nullable=False),
    sa.Column("base_url", sa.String(URL_MAX), nullable=False),
    sa.Column("app_id", sa.String(SUPPLIER_APP_ID_MAX), nullable=False),
    sa.Column("secret", sa.String(SUPPLIER_SECRET_MAX), nullable=False),
    sa.Column("folder_id", sa.ForeignKey("folders.id"), nullable=False),
    sa.Column("code_patterns", sa.Text, nullable=False, default="[]"),
    sa.Column("shipping_map", sa.Text, nullable=False, default="{}"),
    sa.Column("at_supplier_folder_id", sa.ForeignKey("folders.id"), nullable=True),
    sa.Column("failed_folder_id", sa.ForeignKey("folders.id"), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("store_id", "name", name="uq_suppliers_store_name"),
    sa.Index("ix_suppliers_store_folder", "store_id", "folder_id"),
    sqlite_autoincrement=True,
)

# One order's way to one supplier: written in the transaction that put the order in the
# supplier's folder, then sent, retried, and polled for tracking by the forwarder.
forwarding_jobs = sa.Table(
    "forwarding_jobs",
    metadata,
    id_column(),
    store_column(),
    sa.Column("supplier_id", sa.ForeignKey("suppliers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    # pending, sent, shipped, failed, skipped, canceled
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("external_id", sa.String(100), nullable=False),
    sa.Column("supplier_order_id", sa.String(100), nullable=True),
    # The order items sent, as a JSON list of [order_item_id, quantity].
    sa.Column("lines", sa.Text, nullable=False, default="[]"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    # When the worker next sends (pending) or polls (sent) this job; also the claim lease.
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    # The last try ended without knowing whether the supplier has the order.
    sa.Column("in_doubt", sa.Boolean, nullable=False, default=False),
    sa.Column("last_error", sa.Text, nullable=False, default=""),
    sa.Column("last_status", sa.String(40), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("supplier_id", "order_id", name="uq_forwarding_jobs_supplier_order"),
    sa.Index("ix_forwarding_jobs_due", "status", "next_attempt_at"),
    sa.Index("ix_forwarding_jobs_store_order", "store_id", "order_id"),
    sqlite_autoincrement=True,
)
