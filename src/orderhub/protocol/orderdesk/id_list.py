"""Comma-separated record ids as Order Desk sends them (`folder_id=1,2`, `order_id_list`),
read the same way by the API, the CLI and the desk."""

from __future__ import annotations

from orderhub.domain import values
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import MAX_ID


def parse_id_list(raw: str, name: str) -> list[int]:
    """Comma-separated record ids (ASCII digits, 1 to 2**63 - 1)."""
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    ids = [values.parse_id(part) for part in parts]
    if not ids or None in ids:
        raise InvalidInput(
            f"{name}: must be an id or a comma-separated list of ids (1 to {MAX_ID})"
        )
    return [value for value in ids if value is not None]
