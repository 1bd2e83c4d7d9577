"""Record ids read from Order Desk paths (`/orders/{order_id}`, ...)."""

from __future__ import annotations

from orderhub.domain import values
from orderhub.domain.errors import NotFound


def path_id(value: str, what: str) -> int:
    """Ids in paths are numbers; anything else cannot name a record, so it is not found."""
    record_id = values.parse_id(value)
    if record_id is None:
        raise NotFound(f"{what} {value} not found")
    return record_id
