"""The shipments of orders and which items each carried (Order Desk §6). Imported by
`tables.py`, so the metadata is complete."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from orderhub.domain.limits import width
from orderhub.storage.tables import Id, metadata

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
    Index("ix_shipments_store_date", "store_id", "date_added"),
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
