"""Recent counts of a store's orders, so that paging through a large store does not
re-count every matching row on every page (the `total_records` of a list).

A count is kept for `ttl` seconds under the store's *generation*, which every order change
made by this process bumps: within one process a count is always exact. Changes made by
another process show up within `ttl` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_generations: dict[int, int] = {}


def bump(store_id: int) -> None:
    """Called by every write that may change which orders a filter matches."""
    _generations[store_id] = _generations.get(store_id, 0) + 1


class CountCache:
    MAX_ENTRIES = 4096

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[int, int, Hashable], tuple[float, Any]] = {}

    def get_or_count(self, store_id: int, key: Hashable, count: Callable[[], T]) -> T:
        """`count()`'s value, reused under the store's generation for `ttl` seconds (a
        number, or anything derived from counts, such as the folders with their counts)."""
        if self.ttl <= 0:
            return count()
        slot = (store_id, _generations.get(store_id, 0), key)
        entry = self._entries.get(slot)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            found: T = entry[1]
            return found
        value = count()
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[slot] = (now + self.ttl, value)
        return value
