"""The per-store rate limit as clients see it, in one process and across processes (Redis)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from orderhub.api.ratelimit import MemoryRateLimiter, RedisRateLimiter
from orderhub.app import create_app
from tests.conftest import REDIS_URL, service_missing
from tests.helpers import make_settings


def headers(store: Any) -> dict[str, str]:
    return {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}


@pytest.fixture
def limited(database: Any) -> Iterator[TestClient]:
    app = create_app(
        make_settings(rate_limit_capacity=3, rate_limit_refill_per_second=0.01), database=database
    )
    with TestClient(app) as client:
        yield client


def test_bucket_counts_down_then_429(limited: TestClient, make_store: Any) -> None:
    store = make_store()
    seen = [limited.get("/api/v2/test", headers=headers(store)) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert [r.headers["X-Tokens-Remaining"] for r in seen] == ["2", "1", "0", "0"]
    refused = seen[-1]
    assert int(refused.headers["X-Retry-After"]) >= 1
    assert refused.json()["status"] == "error" and "Rate limit" in refused.json()["message"]


def test_buckets_are_per_store_and_bad_keys_do_not_drain(
    limited: TestClient, make_store: Any
) -> None:
    a, b = make_store("A"), make_store("B")
    for _ in range(5):
        bad = limited.get("/api/v2/test", headers={**headers(a), "ORDERDESK-API-KEY": "x" * 50})
        assert bad.status_code == 401 and "X-Tokens-Remaining" not in bad.headers
    for _ in range(3):
        assert limited.get("/api/v2/test", headers=headers(a)).status_code == 200
    assert limited.get("/api/v2/test", headers=headers(a)).status_code == 429
    assert limited.get("/api/v2/test", headers=headers(b)).status_code == 200


def test_store_setting_overrides_the_server_limit(limited: TestClient, make_store: Any) -> None:
    unlimited = make_store(settings={"rate_limit_capacity": 0})
    for _ in range(6):
        response = limited.get("/api/v2/test", headers=headers(unlimited))
        assert response.status_code == 200 and "X-Tokens-Remaining" not in response.headers
    tighter = make_store(settings={"rate_limit_capacity": 1, "rate_limit_refill_per_second": 0.01})
    assert limited.get("/api/v2/test", headers=headers(tighter)).status_code == 200
    assert limited.get("/api/v2/test", headers=headers(tighter)).status_code == 429


def test_memory_bucket_refills_continuously() -> None:
    now = [0.0]
    limiter = MemoryRateLimiter(2, 4.0, clock=lambda: now[0])
    assert [limiter.take("k").allowed for _ in range(3)] == [True, True, False]
    assert limiter.take("k").retry_after == 1
    now[0] += 0.25  # one token at 4/s
    assert limiter.take("k").allowed and not limiter.take("k").allowed
    now[0] += 100
    assert limiter.take("k").remaining == 1  # capped at capacity


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis not reachable at ORDERHUB_TEST_REDIS_URL: {exc}")
    return REDIS_URL


@pytest.mark.redis
def test_two_processes_share_one_bucket_through_redis(
    redis_url: str, database: Any, make_store: Any
) -> None:
    """Two app instances (as two orderhub processes would) against one Redis: together they
    get exactly `capacity` requests through, not twice that."""
    settings = make_settings(
        rate_limit_capacity=5, rate_limit_refill_per_second=0.001, redis_url=redis_url
    )
    store = make_store(f"shared-{secrets.token_hex(3)}")
    first, second = create_app(settings, database=database), create_app(settings, database=database)
    with TestClient(first) as one, TestClient(second) as two:
        codes = [
            (one if i % 2 else two).get("/api/v2/test", headers=headers(store)).status_code
            for i in range(10)
        ]
    assert codes.count(200) == 5 and codes.count(429) == 5
    redis.Redis.from_url(redis_url).delete(f"orderhub:rl:store:{store.store.id}")


@pytest.mark.redis
def test_redis_bucket_expires_and_fails_open(redis_url: str) -> None:
    key = f"test-{secrets.token_hex(4)}"
    limiter = RedisRateLimiter(redis_url, 2, 1.0)
    assert limiter.take(key).remaining == 1
    assert 0 < redis.Redis.from_url(redis_url).ttl(f"orderhub:rl:{key}") <= 62
    limiter.close()
    down = RedisRateLimiter("redis://127.0.0.1:1/0", 2, 1.0)
    decision = down.take(key)
    assert decision.allowed and decision.remaining == 2
