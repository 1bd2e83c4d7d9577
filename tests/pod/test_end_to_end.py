"""The issue's story end to end, over real HTTP with the Python clients: a shop creates an
order in JSON and another in XML, lists and counts them, and later sees the tracking number
that staff added through the back office."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from orderhub.app import create_app
from orderhub.client import (
    AsyncPrintOnDemandClient,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OrderDeskClient,
    PrintOnDemandClient,
    ValidationError,
)
from tests.helpers import LiveServer, make_settings
from tests.pod.helpers import DOC_EXAMPLE


@pytest.fixture(scope="module")
def live(database: Any) -> Iterator[LiveServer]:
    with LiveServer(create_app(make_settings(), database=database)) as server:
        yield server


def test_shop_story_json_and_xml(live: LiveServer, store: Any) -> None:
    app_id, secret = store.store.pod_app_id, store.pod_secret
    with (
        PrintOnDemandClient(live.url, app_id, secret) as shop_json,
        PrintOnDemandClient(live.url, app_id, secret, fmt="xml") as shop_xml,
    ):
        first = shop_json.create_order({**DOC_EXAMPLE, "external_id": "SHOP-1"})
        second = shop_xml.create_order({**DOC_EXAMPLE, "external_id": "SHOP-2"})
        assert first["status"] == second["status"] == "received"
        assert (
            second["external_id"] == "SHOP-2"
            and second["items"][0]["designs"][0]["title"] == "front"
        )
        assert [o["id"] for o in shop_json.list_orders()] == [first["id"], second["id"]]
        assert [o["id"] for o in shop_xml.list_orders()] == [first["id"], second["id"]]
        assert shop_json.count_orders() == shop_xml.count_orders() == 2
        assert [o["id"] for o in shop_json.iter_orders(page_size=1)] == [first["id"], second["id"]]

        with OrderDeskClient(live.url + "/api/v2", store.store.id, store.api_key) as staff:
            staff.add_shipment(first["id"], {"tracking_number": "AB123456789GB"})

        tracked = shop_json.get_order(first["id"])
        assert (
            tracked["status"] == "shipped"
            and tracked["shipping"]["trackingNumber"] == "AB123456789GB"
        )
        assert tracked["shipping"]["shipped_at"]
        tracked_xml = shop_xml.get_order(first["id"])
        assert tracked_xml["shipping"]["trackingNumber"] == "AB123456789GB"
        assert shop_xml.count_orders(status="shipped") == 1

        cancelled = shop_json.delete_order(second["id"])
        assert cancelled["deleted"] == "true"


def test_client_errors_are_typed(live: LiveServer, store: Any) -> None:
    with PrintOnDemandClient(live.url, store.store.pod_app_id, store.pod_secret) as shop:
        shop.create_order({**DOC_EXAMPLE, "external_id": "E-1"})
        with pytest.raises(ConflictError, match="E-1"):
            shop.create_order({**DOC_EXAMPLE, "external_id": "E-1"})
        with pytest.raises(ValidationError, match=r"items\[0\]\.pn is required"):
            shop.create_order({**DOC_EXAMPLE, "items": [{"quantity": 1}]})
        with pytest.raises(NotFoundError, match="Order not found"):
            shop.get_order(987654321)
    with PrintOnDemandClient(live.url, store.store.pod_app_id, "wrong-secret") as bad:
        with pytest.raises(AuthenticationError):
            bad.count_orders()


def test_async_pod_client(live: LiveServer, store: Any) -> None:
    async def scenario() -> int:
        async with AsyncPrintOnDemandClient(
            live.url, store.store.pod_app_id, store.pod_secret, fmt="xml"
        ) as shop:
            await asyncio.gather(*(shop.create_order(DOC_EXAMPLE) for _ in range(3)))
            ids = [o["id"] async for o in shop.iter_orders(page_size=2)]
            assert len(ids) == 3
            return await shop.count_orders()

    assert asyncio.run(scenario()) == 3
