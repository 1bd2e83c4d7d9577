"""Order Desk authentication (`ORDERDESK-STORE-ID` + `ORDERDESK-API-KEY`) and the per-store
rate limit, which is charged only after the credentials check out, so that nobody can drain
a store's bucket with bad keys."""

from __future__ import annotations

from fastapi import Request

from orderhub.domain.errors import OrderhubError
from orderhub.storage import stores
from orderhub.storage.stores import Store


class Unauthorized(OrderhubError):
    status_code = 401


class RateLimited(OrderhubError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Rate limit exceeded: try again in {retry_after} seconds")
        self.retry_after = retry_after


def current_store(request: Request) -> Store:
    store_id = request.headers.get("orderdesk-store-id", "").strip()
    api_key = request.headers.get("orderdesk-api-key", "").strip()
    if not store_id or not api_key:
        raise Unauthorized("Missing ORDERDESK-STORE-ID or ORDERDESK-API-KEY header")
    if not store_id.isdigit() or len(store_id) > 18:
        raise Unauthorized("Invalid store id or API key")
    state = request.app.state
    with state.db.read() as conn:
        store = stores.authenticate(conn, int(store_id), api_key)
    if store is None:
        raise Unauthorized("Invalid store id or API key")
    capacity = store.settings.get("rate_limit_capacity")
    refill = store.settings.get("rate_limit_refill_per_second")
    decision = state.rate_limiter.take(
        f"store:{store.id}",
        capacity=int(capacity) if capacity is not None else None,
        refill_per_second=float(refill) if refill is not None else None,
    )
    if decision.remaining is not None:
        request.scope["state"]["tokens_remaining"] = decision.remaining
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    return store
