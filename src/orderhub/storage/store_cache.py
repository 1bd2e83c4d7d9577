"""Recently verified credentials, kept for a few seconds so that a busy client does not pay
a database round trip for every request.

Only successful checks are kept, keyed by a hash of the presented secret (never the secret
itself). A rotated or revoked key therefore keeps working for at most `ttl` seconds in a
process that had just verified it; `ORDERHUB_AUTH_CACHE_SECONDS=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class CredentialCache(Generic[V]):
    MAX_ENTRIES = 10_000

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[Hashable, bytes], tuple[float, V]] = {}

    @staticmethod
    def _key(identity: Hashable, secret: str) -> tuple[Hashable, bytes]:
        return identity, hashlib.sha256(secret.encode("utf-8")).digest()

    def get(self, identity: Hashable, secret: str) -> V | None:
        if self.ttl <= 0:
            return None
        entry = self._entries.get(self._key(identity, secret))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, identity: Hashable, secret: str, value: V) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[self._key(identity, secret)] = (time.monotonic() + self.ttl, value)
