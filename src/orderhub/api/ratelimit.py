"""Per-store token buckets (Order Desk §10): `capacity` tokens, refilled continuously at
`refill_per_second`, one token per request.

Two backends. Memory serves one process. Redis serves any number of processes: one Lua
script reads, refills, takes and writes the bucket atomically, using the Redis server's
clock so that processes with skewed clocks agree.

If Redis cannot be reached the request is let through (fail open, `remaining` = capacity),
Redis is left alone for a second so a hung server does not add its timeout to every
request, and a warning is logged at most every 30 s: a limiter outage must not take the
order desk down with it, and a missed limit for a few seconds harms nobody.

A capacity of 0 means unlimited: such decisions carry `remaining=None`, and the HTTP layer
then sends no `X-Tokens-Remaining`. A server-wide 0 still lets a store's own setting
(the per-call override) ask for a limit.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

log = logging.getLogger("orderhub.api.ratelimit")

# Refill by exactly 1/refill seconds can land a hair under one token in floating point.
_EPSILON = 1e-9
# What to tell a client of a bucket that never refills.
_NEVER = 3600


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int | None  # whole tokens left after this request; None when unlimited
    retry_after: int  # whole seconds until a token is available; 0 when allowed


UNLIMITED = Decision(True, None, 0)


class RateLimiter(Protocol):
    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision: ...

    def close(self) -> None: ...


def _limits(
    default_cap: int, default_refill: float, cap: int | None, refill: float | None
) -> tuple[int, float]:
    return (
        default_cap if cap is None else cap,
        max(0.0, default_refill if refill is None else refill),
    )


def _retry_after(tokens: float, refill: float) -> int:
    if refill <= 0:
        return _NEVER
    return max(1, math.ceil((1 - tokens) / refill))


class MemoryRateLimiter:
    """One process's buckets. A bucket that has refilled to full is the same as no bucket, so
    such entries are dropped whenever the table outgrows `max_buckets`."""

    def __init__(
        self,
        capacity: int,
        refill_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_buckets: int = 10_000,
    ) -> None:
        self.capacity = capacity
        self.refill = refill_per_second
        self.clock = clock
        self.max_buckets = max_buckets
        self._sweep_above = max_buckets
        self._buckets: dict[str, tuple[float, float, int, float]] = {}  # tokens, at, cap, refill
        self._lock = threading.Lock()

    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision:
        cap, refill = _limits(self.capacity, self.refill, capacity, refill_per_second)
        if cap <= 0:
            return UNLIMITED
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            tokens = float(cap)
            if bucket is not None:
                tokens = min(tokens, bucket[0] + max(0.0, now - bucket[1]) * refill)
            if tokens >= 1 - _EPSILON:
                tokens = max(0.0, tokens - 1)
                decision = Decision(True, math.floor(tokens), 0)
            else:
                decision = Decision(False, 0, _retry_after(tokens, refill))
            self._buckets[key] = (tokens, now, cap, refill)
            if len(self._buckets) > self._sweep_above:
                self._sweep(now)
        return decision

    def _sweep(self, now: float) -> None:
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket[0] + max(0.0, now - bucket[1]) * bucket[3] < bucket[2]
        }
        # Many busy stores: sweep again only once the table has doubled, not on every take.
        self._sweep_above = max(self.max_buckets, 2 * len(self._buckets))

    def close(self) -> None:
        pass


_TAKE = """
local cap = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or cap
local at = tonumber(state[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * refill)
local allowed, retry = 0, 0
if tokens >= 1 - 1e-9 then
  tokens = math.max(0, tokens - 1)
  allowed = 1
elseif refill > 0 then
  retry = math.max(1, math.ceil((1 - tokens) / refill))
else
  retry = tonumber(ARGV[3])
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'at', string.format('%.6f', now))
if refill > 0 then
  redis.call('EXPIRE', KEYS[1], math.ceil(cap / refill) + 60)
else
  redis.call('PERSIST', KEYS[1])
end
return {allowed, math.floor(tokens), retry}
"""


def _without_secrets(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


class RedisRateLimiter:
    """Buckets shared by every orderhub process that points at the same Redis."""

    WARN_EVERY = 30.0
    PAUSE_AFTER_FAILURE = 1.0
    blocking = True  # a network call: callers on an event loop run it in a thread

    def __init__(
        self, redis_url: str, capacity: int, refill_per_second: float, prefix: str = "orderhub:rl:"
    ) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.capacity = capacity
        self.refill = refill_per_second
        self.prefix = prefix
        self.target = _without_secrets(redis_url)
        self._redis = redis.Redis.from_url(
            redis_url,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            retry=Retry(NoBackoff(), 1),  # one reconnect for a pooled connection gone stale
        )
        self._script: Callable[..., Any] = self._redis.register_script(_TAKE)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._state_lock = threading.Lock()
        self._skip_until = -math.inf
        self._last_warning = -math.inf

    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision:
        cap, refill = _limits(self.capacity, self.refill, capacity, refill_per_second)
        if cap <= 0:
            return UNLIMITED
        if time.monotonic() < self._skip_until:
            return Decision(True, cap, 0)
        try:
            allowed, remaining, retry_after = self._script(
                keys=[self.prefix + key], args=[cap, refill, _NEVER]
            )
        except self._errors as exc:
            self._failed(exc)
            return Decision(True, cap, 0)
        if int(allowed) == 1:
            return Decision(True, int(remaining), 0)
        return Decision(False, 0, int(retry_after))

    def _failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._state_lock:
            self._skip_until = now + self.PAUSE_AFTER_FAILURE
            if now - self._last_warning < self.WARN_EVERY:
                return
            self._last_warning = now
        log.warning(
            "rate limiter: Redis at %s unavailable (%s: %s); letting requests through",
            self.target,
            type(exc).__name__,
            exc,
        )

    def close(self) -> None:
        self._redis.close()


class DisabledRateLimiter:
    """For callers that want no limit at all, whatever a store's own settings say."""

    def take(
        self, key: str, capacity: int | None = None, refill_per_second: float | None = None
    ) -> Decision:
        return UNLIMITED

    def close(self) -> None:
        pass


def build_rate_limiter(
    capacity: int, refill_per_second: float, redis_url: str | None
) -> RateLimiter:
    """Capacity 0 is unlimited but still a bucket-keeping limiter (an unlimited take costs
    nothing in either backend), so that a store's own setting can ask for a limit."""
    if redis_url:
        return RedisRateLimiter(redis_url, capacity, refill_per_second)
    return MemoryRateLimiter(capacity, refill_per_second)
