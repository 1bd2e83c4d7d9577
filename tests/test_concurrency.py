"""Real parallel requests against a live server: no lost updates, no duplicate orders, no
oversold stock — on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from orderhub.app import create_app
from tests.helpers import LiveServer, make_settings, sample_order

PARALLEL = 32


@pytest.fixture(scope="module")
def live(database: Any) -> Iterator[LiveServer]:
    with LiveServer(create_app(make_settings(), database=database)) as server:
        yield server


def headers(store: Any) -> dict[str, str]:
    return {"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key}


def parallel(n: int, call: Any) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda i: call(i), range(n)))


def client_for(live: LiveServer, store: Any) -> httpx.Client:
    return httpx.Client(
        base_url=live.url + "/api/v2",
        headers=headers(store),
        timeout=30,
        limits=httpx.Limits(max_connections=PARALLEL),
    )


def test_same_source_id_creates_exactly_one_order(live: LiveServer, store: Any) -> None:
    payload = sample_order(source_id="race-1")
    with client_for(live, store) as client:
        responses = parallel(PARALLEL, lambda _: client.post("/orders", json=payload))
        codes = sorted(r.status_code for r in responses)
        assert codes.count(200) == 1 and codes.count(409) == PARALLEL - 1, codes
        winner = next(r for r in responses if r.status_code == 200).json()["order"]["id"]
        assert all(winner in r.json()["message"] for r in responses if r.status_code == 409)
        assert client.get("/orders", params={"source_id": "race-1"}).json()["total_records"] == 1


def test_same_idempotency_key_creates_exactly_one_order(live: LiveServer, store: Any) -> None:
    payload = sample_order()
    with client_for(live, store) as client:
        responses = parallel(
            PARALLEL,
            lambda _: client.post("/orders", json=payload, headers={"Idempotency-Key": "once"}),
        )
        assert {r.status_code for r in responses} == {200}
        assert len({r.json()["order"]["id"] for r in responses}) == 1
        assert client.get("/orders").json()["total_records"] == 1


def test_parallel_item_additions_lose_no_update(live: LiveServer, store: Any) -> None:
    with client_for(live, store) as client:
        order = client.post("/orders", json=sample_order()).json()["order"]
        path = f"/orders/{order['id']}/order-items"
        responses = parallel(
            PARALLEL, lambda i: client.post(path, json={"name": f"n{i}", "price": 1, "quantity": 2})
        )
        assert {r.status_code for r in responses} == {200}
        final = client.get(f"/orders/{order['id']}").json()["order"]
    assert len(final["order_items"]) == 2 + PARALLEL
    assert final["quantity_total"] == 3 + 2 * PARALLEL
    assert final["product_total"] == round(47.23 + 2 * PARALLEL, 2)


def test_parallel_edits_of_one_item_leave_consistent_totals(live: LiveServer, store: Any) -> None:
    with client_for(live, store) as client:
        order = client.post("/orders", json=sample_order()).json()["order"]
        item = order["order_items"][1]
        path = f"/orders/{order['id']}/order-items/{item['id']}"
        parallel(16, lambda i: client.put(path, json={"quantity": i + 1}))
        final = client.get(f"/orders/{order['id']}").json()["order"]
    quantities = {i["id"]: i["quantity"] for i in final["order_items"]}
    expected_total = sum(i["price"] * i["quantity"] for i in final["order_items"])
    assert final["quantity_total"] == sum(quantities.values())
    assert final["product_total"] == round(expected_total, 2)


@pytest.mark.parametrize("policy", ["reject", "allow"])
def test_stock_for_the_last_units_is_never_oversold_or_lost(
    live: LiveServer, make_store: Any, policy: str
) -> None:
    """64 concurrent single-unit orders for 10 units in stock."""
    store = make_store(settings={"auto_update_stock_count": True, "negative_stock": policy})
    with client_for(live, store) as client:
        client.post("/inventory-items", json={"name": "Last", "code": "LAST", "stock": 10})
        responses = parallel(
            64,
            lambda i: client.post(
                "/orders",
                json=sample_order(order_items=[{"name": "Last", "code": "LAST", "quantity": 1}]),
            ),
        )
        created = sum(1 for r in responses if r.status_code == 200)
        refused = [r for r in responses if r.status_code == 409]
        stock = client.get("/inventory-items", params={"code": "LAST"}).json()
    left = stock["inventory_items"][0]["stock"]
    if policy == "reject":
        assert created == 10 and len(refused) == 54 and left == 0
        assert all("insufficient stock for code LAST" in r.json()["message"] for r in refused)
    else:
        assert created == 64 and left == 10 - 64


def test_same_idempotency_key_from_32_connections_replays_byte_for_byte(
    live: LiveServer, store: Any
) -> None:
    """32 creates with one key at once: the first claims the key and stores its answer in
    its transaction, the 31 others wait for that commit and replay the answer."""
    payload = sample_order(source_id="keyed-batch")
    with client_for(live, store) as client:
        responses = parallel(
            PARALLEL,
            lambda _: client.post("/orders", json=payload, headers={"Idempotency-Key": "batch"}),
        )
        assert {r.status_code for r in responses} == {200}
        replayed = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
        assert len(replayed) == PARALLEL - 1
        assert len({r.content for r in responses}) == 1
        found = client.get("/orders", params={"source_id": "keyed-batch"}).json()
        assert found["total_records"] == 1
