"""One order, two printers, end to end over real loopback HTTP: hub A (in process) with
suppliers B and C (two more `orderhub serve` processes on their own SQLite databases).
A shop posts one order with tees for B and mugs for C on A's /api/v2; A's rules (one split
rule per printer, and a move rule for an order that is all one printer's, as in
docs/routing.md) split it as it comes in, and each part lands in its supplier's folder; B
and C each hold exactly one order with only their items (the tees' designs taken from A's
inventory); both ship; A's two orders reach Shipped with the right tracking, and the shop's
webhook receiver gets both `shipment.created` deliveries with valid hashes. Then again with
C down for a while: still exactly one order at C."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson
import pytest

from orderhub.domain.channel import Channel
from orderhub.domain.inventory import InventoryItem
from orderhub.services import rules
from orderhub.storage import folders, inventory, stores, webhooks
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.database import Database
from tests.helpers import sample_order
from tests.outbound.receiver import Receiver
from tests.outbound.supplier import FaultyProxy, SupplierHub, wait_for
from tests.outbound.test_forwarding import Shop, at_b, hub_a, ship_at_b

__all__ = ["hub_a"]  # the fixture, shared with test_forwarding.py

SECRET = "s3cret-of-the-shop-receiver"
TEE = {"name": "Tee", "code": "TEE-BLK-L", "price": 20, "quantity": 2}
MUG = {
    "name": "Mug", "code": "MUG-11", "price": 9.5, "quantity": 1,
    "metadata": {"design_front": "https://shop.example/mug-own.png"},
}  # fmt: skip
STOCKED = {
    "TEE-BLK-L": {"design_front": "https://inv.example/tee.png", "label_name": "ink-label"},
    "MUG-11": {"design_front": "https://inv.example/mug.png"},
}


@pytest.fixture(scope="session")
def printers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SupplierHub, SupplierHub]]:
    """B and C, started side by side, once per run: the two databases' tests share them
    (each test has stores of its own there)."""
    started = [SupplierHub(tmp_path_factory.mktemp(n), wait=False) for n in ("b", "c")]
    try:
        for hub in started:
            hub.wait_until_up()
        yield started[0], started[1]
    finally:
        for hub in started:
            hub.close()


@pytest.fixture
def hub_b(printers: tuple[SupplierHub, SupplierHub]) -> SupplierHub:
    return printers[0]


@pytest.fixture
def hub_c(printers: tuple[SupplierHub, SupplierHub]) -> SupplierHub:
    return printers[1]


def _set_up_shop(
    database: Database, a: stores.NewStore, b: stores.NewStore, b_url: str,
    c: stores.NewStore, c_url: str, receiver_url: str,
) -> None:  # fmt: skip
    """Two suppliers, each with its folder and item patterns; print data in inventory; the
    shop's webhook endpoint for shipments."""
    store_id = a.store.id
    with database.write() as conn:
        folders.create_folder(conn, store_id, "Mugs", None)
        folder = {f.name: f.id for f in stores.list_folders(conn, store_id)}
        for name, url, supplier, box, codes in (
            ("Printer B", b_url, b, "Printing", ["TEE-*"]),
            ("Printer C", c_url, c, "Mugs", ["MUG-*"]),
        ):
            supplier_storage.add_supplier(
                conn, store_id, name=name, base_url=url, app_id=supplier.store.pod_app_id,
                secret=supplier.pod_secret, folder_id=folder[box], code_patterns=codes,
                shipping_map={"Ground": "regular"}, at_supplier_folder_id=folder["In Progress"],
                failed_folder_id=folder["Internal Order Query"],
            )  # fmt: skip
        for code, metadata in STOCKED.items():
            inventory.create_item(conn, store_id, InventoryItem(code, code, metadata=metadata))
        webhooks.add_endpoint(conn, store_id, receiver_url, ["shipment.created"], "form", SECRET)


ROUTING = Path(__file__).resolve().parents[2] / "docs" / "routing.md"


def _route_by_rules(database: Database, a: stores.NewStore) -> None:
    """docs/routing.md's rules, as the page gives them to `orderhub rule add`: per printer a
    split rule for a mixed order and a move rule for an order that is all its items."""
    heredocs = re.findall(r"orderhub rule add 1 --file - <<'EOF'\n(.*?)\nEOF\n",
                          ROUTING.read_text(), re.S)  # fmt: skip
    found = [orjson.loads(body) for body in heredocs]
    assert [r["name"] for r in found] == [
        "Mixed orders: Printer C takes its items", "Printer C orders",
        "Mixed orders: Printer B takes its items", "Printer B orders",
    ]  # fmt: skip
    rules.import_rules(database, a.store, found, replace=True, channel=Channel.cli())


def _split_part(shop: Shop, order_id: int) -> int:
    """The order the rules split off `order_id` (its history names it)."""
    note = next(line for line in shop.history(order_id).splitlines() if line.startswith("Split:"))
    return int(note.split("moved to order ")[1].split()[0])


def _supplier_id(shop: Shop, order_id: int) -> str:
    def forwarded() -> str:
        metadata = shop.order(order_id)["order_metadata"] or {}
        return str(metadata.get("supplier_order_id") or "")

    return str(wait_for(forwarded, 20, f"order {order_id} to reach its supplier"))


def _verified_orders(receiver: Receiver) -> list[dict[str, Any]]:
    """docs/outbound.md's check of each delivery: the hash over the `order` field."""
    found = []
    for got in receiver.received:
        signed = parse_qs(got.body.decode())["order"][0].encode()
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, got.headers["X-ORDER-DESK-HASH"])
        assert got.headers["X-ORDERHUB-EVENT"] == "shipment.created"
        found.append(orjson.loads(signed))
    return found


def _run(
    database: Database, make_store: Any, hub_a: Callable[..., Any], hub_b: SupplierHub,
    hub_c: SupplierHub, c_url: Callable[[SupplierHub], str],
) -> tuple[Shop, int, int, stores.NewStore, stores.NewStore]:  # fmt: skip
    a, b, c = make_store("Shop A"), hub_b.new_store(), hub_c.new_store()
    with Receiver() as receiver:
        server = hub_a(supplier_poll_seconds=0.3, webhook_poll_seconds=0.2)
        _set_up_shop(database, a, b, hub_b.url, c, c_url(hub_c), receiver.url)
        _route_by_rules(database, a)
        shop = Shop(server.url, a)
        created = shop.http.post("/orders", json=sample_order(order_items=[TEE, MUG]))
        assert created.status_code == 200, created.text
        tees = int(created.json()["order"]["id"])
        assert created.json()["order"]["folder_id"] == shop.folder("Printing")  # in the answer
        mugs = _split_part(shop, tees)

        at_tees, at_mugs = _supplier_id(shop, tees), _supplier_id(shop, mugs)
        [b_order], [c_order] = at_b(hub_b, b), at_b(hub_c, c)  # exactly one order each
        assert b_order["id"] == at_tees and c_order["id"] == at_mugs
        assert [(i["pn"], i["quantity"]) for i in b_order["items"]] == [("TEE-BLK-L", "2")]
        assert [(i["pn"], i["quantity"]) for i in c_order["items"]] == [("MUG-11", "1")]
        # The tees had no design: A's inventory's; the mug's own design wins over inventory.
        assert b_order["items"][0]["designs"] == [
            {"title": "front", "src": "https://inv.example/tee.png"}
        ]
        assert b_order["items"][0]["label"] == {"type": "printed", "name": "ink-label"}
        assert c_order["items"][0]["designs"] == [
            {"title": "front", "src": "https://shop.example/mug-own.png"}
        ]
        assert c_order["external_id"] == f"hub-{a.store.id}-{mugs}"

        ship_at_b(hub_b, b, at_tees, "1Z999AA10123456784")
        ship_at_b(hub_c, c, at_mugs, "AB123456789GB")
        shipped = shop.folder("Shipped")
        for order_id, number in ((tees, "1Z999AA10123456784"), (mugs, "AB123456789GB")):
            order = wait_for(
                lambda oid=order_id: (o := shop.order(oid))["folder_id"] == shipped and o,
                20, f"order {order_id} to be shipped",
            )  # fmt: skip
            assert [s["tracking_number"] for s in order["order_shipments"]] == [number]
            assert order["fulfillment_status"] == "fulfilled"
        receiver.wait_for(2)
        wait_for(lambda: len(receiver.received) >= 2, 20, "both shipment webhooks")
        delivered = _verified_orders(receiver)
        assert sorted(int(o["id"]) for o in delivered) == sorted([tees, mugs])
        source = created.json()["order"]["source_id"]
        assert sorted(o["source_id"] for o in delivered) == sorted([source, f"{source}-2"])
    return shop, tees, mugs, b, c


def test_one_order_split_between_two_printers_ships_from_both(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub, hub_c: SupplierHub
) -> None:
    shop, tees, mugs, _, _ = _run(database, make_store, hub_a, hub_b, hub_c, lambda h: h.url)
    assert f"moved to order {mugs}" in shop.history(tees)
    assert f"Split from order {tees}" in shop.history(mugs)
    assert "not sent" not in shop.history(tees)
    assert (
        f"Rule 'Mixed orders: Printer C takes its items': split 1 × MUG-11 into order {mugs} "
        "in Mugs" in shop.history(tees)
    )
    assert "Rule 'Printer B orders': moved to Printing" in shop.history(tees)
    assert "failed" not in shop.history(tees) + shop.history(mugs)


def test_printer_c_down_for_a_while_still_gets_exactly_one_order(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub, hub_c: SupplierHub
) -> None:
    proxy = FaultyProxy(hub_c.url)
    # C answers 503 to the order and to the look-up before the next try (a try that got no
    # clear answer looks for the order first); test_forwarding.py covers a lost answer.
    proxy.faults = ["down", "down"]
    try:
        _run(database, make_store, hub_a, hub_b, hub_c, lambda h: proxy.url)
        assert [(m, f) for m, _, f in proxy.seen[:4]] == [
            ("POST", "down"), ("GET", "down"), ("GET", "pass"), ("POST", "pass"),
        ]  # fmt: skip
    finally:
        proxy.close()


def test_items_no_printer_takes_are_named_when_the_rest_is_forwarded(
    database: Database, make_store: Any, hub_a: Any, hub_b: SupplierHub, hub_c: SupplierHub
) -> None:
    a, b, c = make_store("Shop A"), hub_b.new_store(), hub_c.new_store()
    server = hub_a()
    _set_up_shop(database, a, b, hub_b.url, c, hub_c.url, "https://hooks.example.com/in")
    shop = Shop(server.url, a)
    sticker = {"name": "Sticker", "code": "STK-1", "price": 1, "quantity": 4}
    created = shop.http.post("/orders", json=sample_order(order_items=[TEE, MUG, sticker]))
    order_id = int(created.json()["order"]["id"])
    moved = shop.http.post(
        "/move-orders", json={"order_id_list": [order_id], "destination_folder_name": "Printing"}
    )
    assert moved.status_code == 200
    _supplier_id(shop, order_id)
    history = shop.history(order_id)
    assert "1 × MUG-11 left for Printer C" in history
    assert "4 × STK-1 taken by no supplier" in history
