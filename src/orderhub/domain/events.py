"""The names of the order events: what webhooks subscribe to, what rules are triggered by
and what the services publish (services/events.py). Declared once, here."""

from __future__ import annotations

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
# data: from_folder_id, from_folder, to_folder_id, to_folder
ORDER_MOVED = "order.moved"
ORDER_CANCELED = "order.canceled"
# data: shipment_id
SHIPMENT_CREATED = "shipment.created"
EVENTS = (ORDER_CREATED, ORDER_UPDATED, ORDER_MOVED, ORDER_CANCELED, SHIPMENT_CREATED)
