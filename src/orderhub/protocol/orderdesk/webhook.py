"""The webhook POST as Order Desk sends it ("Post Order JSON"): a form-encoded POST whose
field `order` is the order as `GET /api/v2/orders/{id}` shows it, signed with
`X-ORDER-DESK-HASH` = hex HMAC-SHA256 of that string with the endpoint's secret; or, in the
`json` format, `{"event", "delivery_id", "order", "data"}` as JSON with the hash taken over
the raw body. The endpoint chooses the format when it is added."""

from __future__ import annotations

import hashlib
import hmac

FORMATS = ("form", "json")


def sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
