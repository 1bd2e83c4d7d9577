"""Per-store token buckets (Order Desk §10): `capacity` tokens, refilled continuously at
`refill_per_second`, one token per request.

Two backends. Memory serves one process. Redis serves any number of processes: one Lua
script reads, refills, takes and writes the bucket atomically, using the Redis server's
clock so that processes with skewed clocks agree. If Redis cannot be reached the request is
let through (fail open) and a warning is logged at most every 30 s: a limiter outage must
not take the order desk down with it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("orderhub.ratelimit")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int | None  # whole tokens left after this request; None when unlimited
    retry_after: int  # whole seconds until a token is available; 0 when allowed


class RateLimiter(Protocol):
    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision: ...

    def close(self) -> None: ...


def _retry_after(missing: float, refill: float) -> int:
    if refill <= 0:
        return 3600
    return max(1, math.ceil(missing / refill))


class MemoryRateLimiter:
    """One process's buckets. Thread-safe; idle buckets are evicted once they would be full."""

    MAX_BUCKETS = 10_000

    def __init__(
        self,
        capacity: int,
        refill_per_second: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.refill = refill_per_second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision:
        cap = self.capacity if capacity is None else capacity
        refill = self.refill if refill_per_second is None else refill_per_second
        if cap == 0:
            return Decision(True, None, 0)
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key, (float(cap), now))
            tokens = min(float(cap), tokens + (now - at) * refill)
            if tokens >= 1:
                tokens -= 1
                decision = Decision(True, int(tokens), 0)
            else:
                decision = Decision(False, 0, _retry_after(1 - tokens, refill))
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.MAX_BUCKETS:
                self._evict_full(now, cap, refill)
        return decision

    def _evict_full(self, now: float, cap: int, refill: float) -> None:
        full = [
            k for k, (tokens, at) in self._buckets.items() if tokens + (now - at) * refill >= cap
        ]
        for k in full:
            del self._buckets[k]

    def close(self) -> None:
        pass


_TAKE = """
local cap = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then
  tokens = cap
  at = now
end
tokens = math.min(cap, tokens + math.max(0, now - at) * refill)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
local ttl = 60
if refill > 0 then ttl = math.ceil(cap / refill) + 60 end
redis.call('EXPIRE', KEYS[1], ttl)
return {allowed, tostring(tokens)}
"""


class RedisRateLimiter:
    """Buckets shared by every orderhub process that points at the same Redis."""

    WARN_EVERY = 30.0
    blocking = True  # a network call: callers on an event loop run it in a thread

    def __init__(
        self, redis_url: str, capacity: int, refill_per_second: float, prefix: str = "orderhub:rl:"
    ) -> None:
        import redis

        self.capacity = capacity
        self.refill = refill_per_second
        self.prefix = prefix
        self._redis = redis.Redis.from_url(
            redis_url, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        self._script = self._redis.register_script(_TAKE)
        self._last_warning = -math.inf
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision:
        cap = self.capacity if capacity is None else capacity
        refill = self.refill if refill_per_second is None else refill_per_second
        if cap == 0:
            return Decision(True, None, 0)
        try:
            allowed, tokens = self._script(keys=[self.prefix + key], args=[cap, refill])
        except self._errors as exc:
            self._warn(exc)
            return Decision(True, cap, 0)
        remaining = float(tokens)
        if int(allowed) == 1:
            return Decision(True, int(remaining), 0)
        return Decision(False, 0, _retry_after(1 - remaining, refill))

    def _warn(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= self.WARN_EVERY:
            self._last_warning = now
            log.warning("rate limiter: Redis unavailable (%s); letting requests through",
                        type(exc).__name__)  # fmt: skip

    def close(self) -> None:
        self._redis.close()


def build_rate_limiter(
    capacity: int, refill_per_second: float, redis_url: str | None
) -> RateLimiter:
    """Capacity 0 means unlimited, unless a store's own setting asks for a limit."""
    if redis_url:
        return RedisRateLimiter(redis_url, capacity, refill_per_second)
    return MemoryRateLimiter(capacity, refill_per_second)
