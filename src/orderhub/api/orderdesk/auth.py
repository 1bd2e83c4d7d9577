"""Order Desk authentication (`ORDERDESK-STORE-ID` + `ORDERDESK-API-KEY`) and the per-store
rate limit, which is charged only after the credentials check out, so that nobody can drain
a store's bucket with bad keys."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from orderhub.api.ratelimit import Decision
from orderhub.domain.errors import OrderhubError
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.stores import Store
from orderhub.domain.values import parse_id
from orderhub.storage import stores


class Unauthorized(OrderhubError):
    status_code = 401


class RateLimited(OrderhubError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Rate limit exceeded: try again in {retry_after} seconds")
        self.retry_after = retry_after


async def current_store(request: Request) -> Store:
    """Runs on the event loop: a cached credential costs no thread hop and no query."""
    store_id = request.headers.get("orderdesk-store-id", "").strip()
    api_key = request.headers.get("orderdesk-api-key", "").strip()
    if not store_id or not api_key:
        raise Unauthorized("Missing ORDERDESK-STORE-ID or ORDERDESK-API-KEY header")
    store_number = parse_id(store_id)
    if store_number is None:
        raise Unauthorized("Invalid store id or API key")
    state = request.app.state
    cache = state.credential_cache
    store = cache.get(("orderdesk", store_number), api_key)
    if store is None:
        store = await run_in_threadpool(_lookup, state.db, store_number, api_key)
        if store is None:
            raise Unauthorized("Invalid store id or API key")
        cache.put(("orderdesk", store.id), api_key, store)
    request.scope["state"]["store_id"] = store.id  # for the access log
    decision = await _charge(state.rate_limiter, store)
    if decision.remaining is not None:
        request.scope["state"]["tokens_remaining"] = decision.remaining
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    return store


def stock_of(store: Store) -> StockPolicy:
    """The store's stock rules, from the settings verified with its credentials."""
    return StockPolicy.from_settings(store.settings)


def _lookup(db: Any, store_id: int, api_key: str) -> Store | None:
    with db.read() as conn:
        return stores.authenticate(conn, store_id, api_key)


async def _charge(limiter: Any, store: Store) -> Decision:
    capacity = store.settings.get("rate_limit_capacity")
    refill = store.settings.get("rate_limit_refill_per_second")
    take = partial(
        limiter.take,
        f"store:{store.id}",
        int(capacity) if capacity is not None else None,
        float(refill) if refill is not None else None,
    )
    if getattr(limiter, "blocking", False):
        return await run_in_threadpool(take)
    decision: Decision = take()
    return decision
