"""Query-string parameters of `GET /orders` (spec §4.2), turned into an `OrderQuery`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from orderhub.domain import values
from orderhub.domain.dates import parse_datetime, store_zone
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_OFFSET
from orderhub.domain.queries import SEARCHABLE_ADDRESS_FIELDS, SORTABLE_FIELDS, OrderQuery
from orderhub.protocol.orderdesk.cursor import decode_cursor
from orderhub.protocol.orderdesk.id_list import parse_id_list

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
