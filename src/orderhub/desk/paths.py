"""Path parameters of the desk's URLs."""

from __future__ import annotations

from orderhub.domain.errors import NotFound


def number(raw: str, what: str) -> int:
    """An id from the URL; anything else is simply not found."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound(f"{what} not found")
    return int(raw)
