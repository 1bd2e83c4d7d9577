"""The shipments of orders and which items each carried (Order Desk §6). Imported by
`tables.py`, so the metadata is complete."""

from __future__ import annotations

import sqlalchemy as sa

from orderhub.domain.limits import width
from orderhub.storage.tables import id_column, metadata, store_column

shipments = sa.Table(
    "shipments",
    metadata,
    id_column(),
    sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    store_column(),
    sa.Column("tracking_number", sa.String(width("shipments", "tracking_number")), nullable=False),
    sa.Column(
        "carrier_code", sa.String(width("shipments", "carrier_code")), nullable=False, default=""
    ),
    sa.Column(
        "shipment_method",
        sa.String(width("shipments", "shipment_method")),
        nullable=False,
        default="",
    ),
    sa.Column("weight", sa.String(width("shipments", "weight")), nullable=False, default=""),
    sa.Column("cost", sa.String(width("shipments", "cost")), nullable=False, default=""),
    sa.Column("status", sa.String(width("shipments", "status")), nullable=False, default=""),
    sa.Column(
        "tracking_url", sa.String(width("shipments", "tracking_url")), nullable=False, default=""
    ),
    sa.Column(
        "label_format", sa.String(width("shipments", "label_format")), nullable=False, default=""
    ),
    sa.Column("label_image", sa.Text, nullable=False, default=""),
    sa.Column(
        "print_status", sa.String(width("shipments", "print_status")), nullable=False, default="0"
    ),
    sa.Column(
        "cart_shipment_id",
        sa.String(width("shipments", "cart_shipment_id")),
        nullable=False,
        default="",
    ),
    sa.Column(
        "label_shipment_id",
        sa.String(width("shipments", "label_shipment_id")),
        nullable=False,
        default="",
    ),
    sa.Column("date_shipped", sa.String(width("shipments", "date_shipped")), nullable=False),
    sa.Column("date_added", sa.DateTime, nullable=False),
    sa.Index("ix_shipments_order", "order_id", "id"),
    sa.Index("ix_shipments_store_tracking", "store_id", "tracking_number"),
    sa.Index("ix_shipments_store_date", "store_id", "date_added"),
    sqlite_autoincrement=True,
)

shipment_items = sa.Table(
    "shipment_items",
    metadata,
    sa.Column("shipment_id", sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "order_item_id", sa.ForeignKey("order_items.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Index("ix_shipment_items_order_item", "order_item_id"),
)
