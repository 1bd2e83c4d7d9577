"""Webhooks: which events reach a store's endpoints, and what is sent.

`on_order_event` is an `events.SUBSCRIBERS` entry: inside the change's transaction it writes
one delivery row per active endpoint subscribed to the event (one indexed query when the
store has none). outbound/worker.py sends the rows after commit.

The request is Order Desk's "Post Order JSON": a form-encoded POST whose field `order` is the
order exactly as `GET /api/v2/orders/{id}` shows it *at delivery time* (so a retried or
re-sent delivery carries the order as it is then, not as it was when the event happened),
signed with `X-ORDER-DESK-HASH` = hex HMAC-SHA256 of that string with the endpoint's secret.
The `json` format posts `{"event", "delivery_id", "order", "data"}` as JSON instead, the hash
taken over the raw body.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import orjson
from sqlalchemy import Connection

from orderhub import __version__
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage import webhooks
from orderhub.storage.stores import Store

if TYPE_CHECKING:
    from orderhub.services.events import OrderEvent

FORMATS = ("form", "json")


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    """Queue the event for every subscribed endpoint of the store (the event's subscriber)."""
    endpoint_ids = webhooks.subscribed_endpoint_ids(conn, store.id, event.name)
    if endpoint_ids:
        webhooks.enqueue(conn, store.id, endpoint_ids, event.name, event.order_id, event.data)


def sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Request:
    body: bytes
    headers: dict[str, str]


def render(delivery: webhooks.Claimed, order: Order) -> Request:
    """The POST for one delivery of `order` (loaded with its history, as GET shows it)."""
    order_json = orjson.dumps(order_dict(order))
    if delivery.format == "json":
        body = orjson.dumps(
            {
                "event": delivery.event,
                "delivery_id": delivery.delivery_id,
                "order": orjson.Fragment(order_json),
                "data": delivery.data,
            }
        )
        content_type, signed = "application/json", body
    else:
        body = urlencode({"order": order_json.decode()}).encode()
        content_type, signed = "application/x-www-form-urlencoded", order_json
    headers = {
        "Content-Type": content_type,
        "User-Agent": f"orderhub/{__version__}",
        "X-ORDER-DESK-STORE-ID": str(delivery.store_id),
        "X-ORDER-DESK-HASH": sign(signed, delivery.secret),
        "X-ORDERHUB-EVENT": delivery.event,
        "X-ORDERHUB-DELIVERY": delivery.delivery_id,
    }
    return Request(body, headers)
