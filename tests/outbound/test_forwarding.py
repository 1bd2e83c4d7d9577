"""Forwarding end to end over real loopback HTTP: a shop's order on hub A goes to supplier B
(a second `orderhub serve` process on its own SQLite database) through B's print-on-demand
API, and B's shipment comes back to A — by B's signed notification or by A's polling —
fulfilling A's order and moving it to Shipped. Faults: the supplier losing an answer and
then down for a while (B still has exactly one order), the supplier refusing the order
(the failed folder, with B's message in the history), and a notification with a bad
signature (refused, nothing changes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest

from orderhub.app import create_app
from orderhub.client import PrintOnDemandClient
from orderhub.protocol.pod.signature import sign
from orderhub.storage import forwarding_jobs, stores
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from tests.helpers import LiveServer, make_settings, sample_order
from tests.outbound.supplier import FaultyProxy, SupplierHub, supplier_hub, wait_for


@pytest.fixture(scope="module")
def hub_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupplierHub]:
    yield from supplier_hub(tmp_path_factory.mktemp("supplier-b"))


@pytest.fixture
def hub_a(database: Database) -> Callable[..., LiveServer]:
    """Hub A served over loopback HTTP, its forwarder running with short intervals."""
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> LiveServer:
        settings = make_settings(
            outbound_allow_private=True,
            forward_poll_seconds=0.1, forward_backoff_seconds=0.1, forward_timeout_seconds=5,
            **{"supplier_poll_seconds": 300, **overrides},
        )  # fmt: skip
        server = LiveServer(create_app(settings, database=database)).__enter__()
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        server.__exit__(None, None, None)


class Shop:
    """Store A seen from outside: its /api/v2 over HTTP."""

    def __init__(self, base_url: str, store: stores.NewStore) -> None:
        self.store = store
        self.http = httpx.Client(
            base_url=base_url + "/api/v2",
            headers={"ORDERDESK-STORE-ID": str(store.store.id), "ORDERDESK-API-KEY": store.api_key},
            timeout=10,
        )

    def folder(self, name: str) -> int:
        folders = self.http.get("/folders").json()["folders"]
        return next(int(f["id"]) for f in folders if f["name"] == name)

    def order(self, order_id: int) -> dict[str, Any]:
        response = self.http.get(f"/orders/{order_id}")
        assert response.status_code == 200, response.text
        return dict(response.json()["order"])

    def history(self, order_id: int) -> str:
        return "\n".join(e["note"] for e in self.order(order_id).get("order_history", []))


TEE = {
    "name": "Tee", "code": "JH001-BLK-L", "price": 20, "quantity": 2,
    "metadata": {"design_front": "https://example.com/front.png",
                 "design_back": "https://example.com/back.png", "description": "print large"},
}  # fmt: skip
STICKER = {"name": "Sticker", "code": "STK-1", "price": 2, "quantity": 1}


def setup_supplier(
    database: Database, a: stores.NewStore, b: stores.NewStore, base_url: str, **fields: Any
) -> supplier_storage.Supplier:
    with database.write() as conn:
        folder = {f.name: f.id for f in stores.list_folders(conn, a.store.id)}
        values: dict[str, Any] = {
            "name": "Printer B", "base_url": base_url, "app_id": b.store.pod_app_id,
            "secret": b.pod_secret, "folder_id": folder["Printing"], "code_patterns": [],
            "shipping_map": {"Ground": "regular"}, "at_supplier_folder_id": folder["In Progress"],
            "failed_folder_id": folder["Internal Order Query"],
        }  # fmt: skip
        return supplier_storage.add_supplier(conn, a.store.id, **{**values, **fields})


def to_supplier_folder(shop: Shop, order_id: int) -> None:
    response = shop.http.post(
        "/move-orders", json={"order_id_list": [order_id], "destination_folder_name": "Printing"}
    )
    assert response.status_code == 200, response.text


def at_b(hub_b: SupplierHub, b: stores.NewStore) -> list[dict[str, Any]]:
    with PrintOnDemandClient(hub_b.url, b.store.pod_app_id, b.pod_secret) as client:
        return client.list_orders(limit=250)


def ship_at_b(hub_b: SupplierHub, b: stores.NewStore, order_id: str, number: str) -> None:
    response = httpx.post(
        f"{hub_b.url}/api/v2/orders/{order_id}/shipments",
        headers={"ORDERDESK-STORE-ID": str(b.store.id), "ORDERDESK-API-KEY": b.api_key},
        json={"tracking_number": number},
    )
    assert response.status_code == 200, response.text


def metadata(order: dict[str, Any]) -> dict[str, Any]:
    return order["order_metadata"] or {}  # Order Desk shows an empty map as []


def forwarded(shop: Shop, order_id: int) -> dict[str, Any]:
    return dict(
        wait_for(
            lambda: metadata(o := shop.order(order_id)).get("supplier_order_id") and o,
            what="the order to reach the supplier",
        )
    )


def test_order_goes_to_supplier_and_tracking_comes_back_by_notification(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub
) -> None:
    a, b = make_store("Shop A"), hub_b.new_store()
    server = hub_a()
    supplier = setup_supplier(database, a, b, hub_b.url)
    with hub_b.db.write() as conn:
        stores.update_settings(
            conn, b.store.id,
            {"pod_notification_url": f"{server.url}/api/suppliers/{supplier.id}/notify"},
        )  # fmt: skip
    shop = Shop(server.url, a)
    created = shop.http.post("/orders", json=sample_order(order_items=[TEE])).json()["order"]
    to_supplier_folder(shop, created["id"])

    order = forwarded(shop, created["id"])
    assert metadata(order)["supplier_name"] == "Printer B"
    assert order["folder_id"] == shop.folder("In Progress")
    [theirs] = at_b(hub_b, b)
    assert theirs["id"] == metadata(order)["supplier_order_id"]
    assert theirs["external_id"] == f"hub-{a.store.id}-{created['id']}"
    assert theirs["shipping"]["shippingMethod"] == "regular"
    assert theirs["shipping_address"]["firstName"] == "Jane"
    assert theirs["shipping_address"]["postcode"] == "62701"
    [item] = theirs["items"]
    assert item["pn"] == "JH001-BLK-L" and item["quantity"] == "2"
    assert {d["title"]: d["src"] for d in item["designs"]} == {
        "front": "https://example.com/front.png", "back": "https://example.com/back.png",
    }  # fmt: skip
    assert "print large" in item["description"]
    assert "Forwarded to Printer B" in shop.history(created["id"])

    ship_at_b(hub_b, b, theirs["id"], "1Z999AA10123456784")
    order = wait_for(
        lambda: (o := shop.order(created["id"]))["folder_id"] == shop.folder("Shipped") and o,
        what="the shipment to come back",
    )
    [shipment] = order["order_shipments"]
    assert shipment["tracking_number"] == "1Z999AA10123456784"
    assert shipment["carrier_code"] == "UPS"
    assert order["fulfillment_status"] == "fulfilled"
    assert "now shipped" in shop.history(created["id"])


def test_supplier_down_for_a_while_gets_the_order_once_and_polling_brings_tracking(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub
) -> None:
    a, b = make_store("Shop A"), hub_b.new_store()
    proxy = FaultyProxy(hub_b.url)
    try:
        server = hub_a(supplier_poll_seconds=0.3)
        setup_supplier(database, a, b, proxy.url, code_patterns=["JH*"])
        shop = Shop(server.url, a)
        created = shop.http.post("/orders", json=sample_order(order_items=[TEE, STICKER])).json()[
            "order"
        ]
        # The supplier takes the order but its answer is lost; then it is down twice (the
        # lookup that follows, then one more try), then back.
        proxy.faults = ["lost", "down", "down"]
        to_supplier_folder(shop, created["id"])
        order = forwarded(shop, created["id"])
        theirs = at_b(hub_b, b)
        assert len(theirs) == 1, theirs  # forwarded exactly once
        assert theirs[0]["id"] == metadata(order)["supplier_order_id"]
        assert [i["pn"] for i in theirs[0]["items"]] == ["JH001-BLK-L"]  # not the sticker
        assert [f for _, _, f in proxy.seen[:3]] == ["lost", "down", "down"]
        assert not any(m == "POST" for m, _, f in proxy.seen[1:] if f == "pass")  # adopted

        ship_at_b(hub_b, b, theirs[0]["id"], "AB123456789GB")
        order = wait_for(
            lambda: (o := shop.order(created["id"]))["order_shipments"] and o,
            what="polling to bring the shipment",
        )
        [shipment] = order["order_shipments"]
        assert shipment["tracking_number"] == "AB123456789GB"
        assert shipment["carrier_code"] == "Royal Mail"
        # Only the forwarded item is shipped; the sticker is still the shop's to send.
        assert order["fulfillment_status"] == "partial"
    finally:
        proxy.close()


def test_supplier_refusing_the_order_lands_it_in_the_failed_folder(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub
) -> None:
    a, b = make_store("Shop A"), hub_b.new_store()
    server = hub_a()
    setup_supplier(database, a, b, hub_b.url)
    shop = Shop(server.url, a)
    plain = {"name": "Tee without a design", "code": "JH002", "price": 5, "quantity": 1}
    created = shop.http.post("/orders", json=sample_order(order_items=[plain])).json()["order"]
    to_supplier_folder(shop, created["id"])
    order = wait_for(
        lambda: (
            (o := shop.order(created["id"]))["folder_id"] == shop.folder("Internal Order Query")
            and o
        ),
        what="the order to land in the failed folder",
    )
    history = shop.history(created["id"])
    assert "Forwarding to Printer B failed" in history
    assert "at least one design is required" in history  # the supplier's own message
    assert at_b(hub_b, b) == []
    with database.read() as conn:
        [job] = forwarding_jobs.jobs_for_order(conn, a.store.id, int(created["id"]))
    assert job.status == forwarding_jobs.FAILED and not job.in_doubt
    assert "supplier_order_id" not in metadata(order)


def test_notification_with_a_bad_signature_is_refused_and_changes_nothing(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub
) -> None:
    a, b = make_store("Shop A"), hub_b.new_store()
    server = hub_a()
    supplier = setup_supplier(database, a, b, hub_b.url)
    shop = Shop(server.url, a)
    created = shop.http.post("/orders", json=sample_order(order_items=[TEE])).json()["order"]
    to_supplier_folder(shop, created["id"])
    before = forwarded(shop, created["id"])
    theirs = metadata(before)["supplier_order_id"]
    body = orjson.dumps(
        {"order": {"id": theirs, "external_id": f"hub-{a.store.id}-{created['id']}",
                   "status": "shipped", "deleted": "false",
                   "shipping": {"trackingNumber": "1Z999AA10123456784"}}}
    )  # fmt: skip
    url = f"{server.url}/api/suppliers/{supplier.id}/notify"
    for query in (
        f"AppId={b.store.pod_app_id}&Signature={sign(body, 'not-the-secret')}",
        f"AppId={b.store.pod_app_id}",
        f"AppId=APP-00000000&Signature={sign(body, b.pod_secret)}",
    ):
        response = httpx.post(f"{url}?{query}", content=body)
        assert response.status_code == 403, response.text
        assert response.json() == {"error": "Invalid AppId or Signature"}
    unknown = f"{server.url}/api/suppliers/999999/notify?AppId={b.store.pod_app_id}"
    assert (
        httpx.post(f"{unknown}&Signature={sign(body, b.pod_secret)}", content=body).status_code
        == 403
    )
    after = shop.order(created["id"])
    assert after["order_shipments"] == [] and after["folder_id"] == before["folder_id"]
    assert after["order_history"] == before["order_history"]

    # The same body, signed with the supplier's secret, is applied.
    signed = f"{url}?AppId={b.store.pod_app_id}&Signature={sign(body, b.pod_secret)}"
    response = httpx.post(signed, content=body)
    assert response.status_code == 200 and response.json() == {"result": "applied"}
    assert shop.order(created["id"])["order_shipments"][0]["carrier_code"] == "UPS"
