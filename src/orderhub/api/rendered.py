"""Render once, serve many: each order's rendered forms (Order Desk bytes, print-on-demand
dicts), kept per server process and served again while the order's revision in the database
is the one they were rendered at.

Every write to an order bumps `orders.revision` in the write's own transaction, so a read
that first fetches the current revision (one indexed row, `storage.orders.revisions`) is
exact across processes. A form is stored under the revision read *before* the order was
loaded: the loaded data is never older than its label, so at worst an entry is refreshed
once more than needed. What depends on other orders (`email_count`) is never part of a
cached form.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class _Entry:
    __slots__ = ("forms", "revision")

    def __init__(self, revision: int) -> None:
        self.revision = revision
        self.forms: dict[Hashable, Any] = {}


class RenderedOrders:
    """At most `capacity` orders, least recently used dropped first; 0 keeps nothing."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[int, int], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store_id: int, order_id: int, revision: int, form: Hashable) -> Any | None:
        key = (store_id, order_id)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.revision != revision:
                return None
            self._entries.move_to_end(key)
            return entry.forms.get(form)

    def put(self, store_id: int, order_id: int, revision: int, form: Hashable, value: Any) -> None:
        if self.capacity <= 0:
            return
        key = (store_id, order_id)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.revision != revision:
                entry = self._entries[key] = _Entry(revision)
            entry.forms[form] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
