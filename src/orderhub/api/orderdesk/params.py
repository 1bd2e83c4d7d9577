"""Query-string parameters of `GET /orders` (spec §4.2), declared once (`ORDER_PARAMS`: what
each means, its schema, how it is read) and turned into an `OrderQuery`. The OpenAPI document
lists them from the declaration; a test checks the table of docs/orderdesk.md against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from orderhub.domain import values
from orderhub.domain.dates import parse_datetime, store_zone
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_OFFSET
from orderhub.domain.queries import (
    KEYSET_SORTS,
    SEARCHABLE_ADDRESS_FIELDS,
    SORTABLE_FIELDS,
    OrderQuery,
)
from orderhub.protocol.orderdesk.cursor import decode_cursor
from orderhub.protocol.orderdesk.id_list import parse_id_list

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class QueryParam:
    """One query parameter: its documentation, and how `parse_order_query` reads it."""

    name: str
    description: str
    schema: dict[str, Any] | None = None  # None: a string
    example: str | None = None
    # "exact": sets the OrderQuery attribute of the same name; "contains": a substring of an
    # address field; "date": sets `bound` (the end of the day for a bare end date, in the
    # store's time zone when `local`); "": read by its own code.
    reads: Literal["", "exact", "contains", "date"] = ""
    bound: str = ""
    end_of_day: bool = False
    local: bool = False


_DATE: dict[str, Any] = {
    "type": "string",
    "examples": ["2026-01-31", "2026-01-31 23:00:00", "2026-01-31T23:00:00+01:00"],
}


def _date(name: str, description: str, bound: str, *, end: bool, local: bool = False) -> QueryParam:
    return QueryParam(
        name, description, _DATE, reads="date", bound=bound, end_of_day=end, local=local
    )


PAGING = (
    QueryParam("limit", f"Page size; default {DEFAULT_LIMIT}, larger than {MAX_LIMIT} is clamped "
               "(the answer's `limit` says what was used)", {"type": "integer", "minimum": 1}),
    QueryParam("offset", "Records to skip", {"type": "integer", "minimum": 0}),
)  # fmt: skip
ORDER_PARAMS: tuple[QueryParam, ...] = (
    *PAGING,
    QueryParam("folder_id", "One folder id or a comma-separated list",
               {"type": "string", "pattern": r"^\s*[0-9]{1,18}(\s*,\s*[0-9]{1,18})*\s*$"},
               example="1,5"),
    QueryParam("folder_name", "Exact folder name; an unknown name is a 400", example="Received"),
    QueryParam("source_id", "Exact match", reads="exact"),
    QueryParam("source_name", "Exact match", example="Order Desk", reads="exact"),
    QueryParam("email", "Exact match, case-insensitive", reads="exact"),
    QueryParam("customer_id", "Exact match", reads="exact"),
    _date("search_start_date", "`date_added` from (UTC); YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or "
          "ISO 8601", "added_from", end=False),
    _date("search_end_date", "`date_added` to (UTC); a bare date includes the whole day",
          "added_to", end=True),
    _date("search_start_date_local", "`date_added` from, in the store's time zone",
          "added_from", end=False, local=True),
    _date("search_end_date_local", "`date_added` to, in the store's time zone", "added_to",
          end=True, local=True),
    _date("modified_start_date", "`date_updated` from (UTC)", "updated_from", end=False),
    _date("modified_end_date", "`date_updated` to (UTC)", "updated_to", end=True),
    *(QueryParam(column, "Case-insensitive substring", reads="contains")
      for column in SEARCHABLE_ADDRESS_FIELDS),
    QueryParam("order_by", "Sort field (default date_added); ties broken by id",
               {"type": "string", "enum": sorted(SORTABLE_FIELDS)}),
    QueryParam("order", "Sort direction, any case (default DESC)",
               {"type": "string", "enum": ["ASC", "DESC", "asc", "desc"]}),
    QueryParam("get_order_history", "`1` adds `order_history` to each order",
               {"type": "string", "enum": ["0", "1"]}),
    QueryParam("cursor", "Keyset paging (orderhub extension): the previous page's "
               "`next_cursor`, with the same filters and sort, no offset; sorts "
               f"{', '.join(KEYSET_SORTS)} only"),
)  # fmt: skip
_EXACT = tuple(p.name for p in ORDER_PARAMS if p.reads == "exact")
_CONTAINS = tuple(p.name for p in ORDER_PARAMS if p.reads == "contains")
_DATES = tuple((p.name, p.bound, p.end_of_day, p.local) for p in ORDER_PARAMS if p.reads == "date")


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
    for name in _EXACT:
        if params.get(name):
            setattr(query, name, params[name])
    zone = store_zone(timezone)
    for param, attr, end_of_day, local in _DATES:
        if params.get(param):
            kwargs = {"tz": zone} if local else {}
            setattr(
                query, attr, parse_datetime(params[param], param, end_of_day=end_of_day, **kwargs)
            )
    for column in _CONTAINS:
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
