"""Query parameters of the print-on-demand endpoints: whole numbers and ids in ASCII digits
within the ranges the storage can hold (see domain/limits.py), refused with the parameter's
name otherwise."""

from __future__ import annotations

from collections.abc import Mapping

from orderhub.domain import values
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.limits import MAX_ID, MAX_OFFSET

MAX_PAGE = 1_000_000


def whole(params: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name, "").strip()
    if raw == "":
        return default
    value = values.whole_between(raw, minimum, maximum) if values.ascii_digits(raw) else None
    if value is None:
        raise InvalidInput(f"{name} must be a whole number from {minimum} to {maximum}")
    return value


def limit(params: Mapping[str, str], default: int, maximum: int) -> int:
    """At least 1; larger values (however many digits) are clamped to `maximum`."""
    raw = params.get("limit", "").strip()
    if raw == "":
        return default
    value = values.clamped_count(raw, maximum)
    if value is None:
        raise InvalidInput("limit must be a whole number of at least 1")
    return value


def page(params: Mapping[str, str]) -> int:
    return whole(params, "page", 1, 1, min(MAX_PAGE, MAX_OFFSET))


def since_id(params: Mapping[str, str]) -> int:
    return whole(params, "since_id", 0, 0, MAX_ID)


def id_list(raw: str) -> list[int]:
    """`ids=1,#2, 3`: order ids, each in ASCII digits (a leading `#` is allowed)."""
    parts = [p.strip().lstrip("#") for p in raw.split(",") if p.strip()]
    ids = [values.parse_id(p) for p in parts]
    if not ids or None in ids:
        raise InvalidInput("ids must be a comma-separated list of order ids")
    return [i for i in ids if i is not None]


def order_id(params: Mapping[str, str]) -> int:
    """The `id` of one order; anything that cannot be an id names no order."""
    found = values.parse_id(params.get("id", "").strip().lstrip("#"))
    if found is None:
        raise NotFound("Order not found")
    return found
