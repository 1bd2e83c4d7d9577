"""Query-string parameters of `GET /orders` (spec §4.2), turned into an `OrderQuery`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from orderhub.domain import values
from orderhub.domain.dates import in_range, parse_datetime, store_zone
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_ID, MAX_OFFSET
from orderhub.domain.queries import (
    KEYSET_SORTS,
    SEARCHABLE_ADDRESS_FIELDS,
    SORTABLE_FIELDS,
    OrderQuery,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def parse_int(
    params: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int = MAX_OFFSET,
) -> int:
    """A whole number in ASCII digits within [minimum, maximum]; missing means `default`."""
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    value = values.whole_between(raw, minimum, maximum)
    if value is None:
        raise InvalidInput(f"{name}: must be a whole number from {minimum} to {maximum:,}")
    return value


def parse_page(params: Mapping[str, str], *, max_limit: int = MAX_LIMIT) -> Page:
    """Over-large limits are clamped to the maximum (the response says what was used)."""
    limit = parse_clamped(params, "limit", DEFAULT_LIMIT, max_limit)
    return Page(limit=limit, offset=parse_int(params, "offset", 0))


def parse_clamped(params: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    """At least 1; any larger whole number (however many digits) means `maximum`."""
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    value = values.clamped_count(raw, maximum)
    if value is None:
        raise InvalidInput(f"{name}: must be a whole number of at least 1")
    return value


def parse_id_list(raw: str, name: str) -> list[int]:
    """Comma-separated record ids (ASCII digits, 1 to 2**63 - 1)."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    ids = [values.parse_id(part) for part in parts]
    if not ids or None in ids:
        raise InvalidInput(
            f"{name}: must be an id or a comma-separated list of ids (1 to {MAX_ID})"
        )
    return [value for value in ids if value is not None]


def parse_order_query(params: Mapping[str, str], timezone: str) -> OrderQuery:
    """The filters of GET /orders (§4.2); `timezone` is the store's, for the *_local dates.
    An unknown `folder_name` is checked by the caller, which can read the folders."""
    query = OrderQuery()
    if params.get("folder_id"):
        query.folder_ids = parse_id_list(params["folder_id"], "folder_id")
    if params.get("folder_name"):
        query.folder_name = params["folder_name"]
    for name in ("source_id", "source_name", "email", "customer_id"):
        if params.get(name):
            setattr(query, name, params[name])
    zone = store_zone(timezone)
    ranges = (
        ("search_start_date", "added_from", False, False),
        ("search_end_date", "added_to", True, False),
        ("search_start_date_local", "added_from", False, True),
        ("search_end_date_local", "added_to", True, True),
        ("modified_start_date", "updated_from", False, False),
        ("modified_end_date", "updated_to", True, False),
    )
    for param, attr, end_of_day, local in ranges:
        if params.get(param):
            kwargs = {"tz": zone} if local else {}
            setattr(
                query, attr, parse_datetime(params[param], param, end_of_day=end_of_day, **kwargs)
            )
    for column in SEARCHABLE_ADDRESS_FIELDS:
        if params.get(column):
            query.address_contains[column] = params[column]

    order_by = params.get("order_by", "").strip() or "date_added"
    if order_by not in SORTABLE_FIELDS:
        raise InvalidInput(
            f"order_by: cannot sort by {order_by!r}; use an order field such as "
            "date_added, date_updated, id, order_total, email, source_id or shipping_last_name"
        )
    query.sort = order_by
    direction = params.get("order", "").strip().upper() or "DESC"
    if direction not in {"ASC", "DESC"}:
        raise InvalidInput("order: must be ASC or DESC")
    query.descending = direction == "DESC"
    if params.get("cursor"):
        query.after = decode_cursor(params["cursor"], query.sort)
    return query


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
