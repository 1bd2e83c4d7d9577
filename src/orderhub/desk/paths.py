"""Path parameters of the desk's URLs."""

from __future__ import annotations

from orderhub.domain.errors import NotFound
from orderhub.domain.values import parse_id


def number(raw: str, what: str) -> int:
    """An id from the URL; anything else is simply not found."""
    found = parse_id(raw)
    if found is None:
        raise NotFound(f"{what} not found")
    return found
