"""When and how long to wait before retrying a request: connection errors, 5xx and 429,
with exponential backoff and full jitter, honouring `X-Retry-After` / `Retry-After`."""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempt counts from 0)."""
        if response is not None:
            hinted = retry_after(response)
            if hinted is not None:
                return min(hinted, self.max_backoff)
        ceiling = min(self.max_backoff, self.backoff * (2**attempt))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not security


def retry_after(response: httpx.Response) -> float | None:
    for header in ("x-retry-after", "retry-after"):
        value = response.headers.get(header)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def should_retry(response: httpx.Response | None, *, safe: bool) -> bool:
    """`safe`: the request may run twice without harm (a GET, or a POST carrying an
    idempotency key). 429 is always safe to retry: the server did nothing."""
    if response is None:
        return safe
    if response.status_code == 429:
        return True
    return safe and response.status_code in RETRY_STATUSES
