"""The opaque `cursor` of an order list: where the next page starts, in the list's sort order.
Written by the API's `next_cursor` and the desk's pager, read back by both."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

import orjson

from orderhub.domain.dates import in_range
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_ID
from orderhub.domain.queries import KEYSET_SORTS


def encode_cursor(sort: str, value: Any, order_id: int) -> str:
    """Opaque to clients: where the next page starts, in the list's sort order."""
    raw = orjson.dumps(
        [sort, value.isoformat() if isinstance(value, datetime) else value, order_id]
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    if sort not in KEYSET_SORTS:
        raise InvalidInput(
            f"cursor: paging by cursor works with order_by {', '.join(KEYSET_SORTS)}"
        )
    refused = InvalidInput("cursor: not a cursor from this list (use next_cursor as given)")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError, binascii.Error):
        raise refused from None
    if not isinstance(decoded, list) or len(decoded) != 3:
        raise refused
    made_for, value, order_id = decoded
    if made_for != sort or not _is_id(order_id):
        raise refused
    if sort == "id":
        if not _is_id(value):
            raise refused
        return value, order_id
    if not isinstance(value, str):
        raise refused
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise refused from None
    if moment.tzinfo is not None:  # cursors carry the stored (naive UTC) value
        raise refused
    return in_range(moment, "cursor"), order_id


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
