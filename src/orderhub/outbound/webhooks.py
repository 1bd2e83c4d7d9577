"""What a webhook delivery sends: the request outbound/worker.py posts for one queued row
(queued by services/webhook_deliveries.py inside the change's transaction).

The format is protocol/orderdesk/webhook.py's; the order is rendered *at delivery time* (so a
retried or re-sent delivery carries the order as it is then, not as it was when the event
happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import orjson

from orderhub import __version__
from orderhub.domain.orders import Order
from orderhub.protocol.orderdesk.webhook import sign
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.storage import webhooks


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
