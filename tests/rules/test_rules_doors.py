"""Each event from each door runs the store's rules, inside the change, before the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderhub.desk import actions as desk
from orderhub.domain.channel import Channel
from orderhub.domain.fulfilment import LineRequest, Shipment
from orderhub.domain.orders import Item, Order
from orderhub.orderfiles import pipeline
from orderhub.outbound import hub_changes
from orderhub.services import imports, rules
from orderhub.storage import bulk, stores, supplier_tables, tables
from orderhub.storage import orders as order_storage
from orderhub.storage.database import Database
from orderhub.storage.suppliers import Supplier
from tests.helpers import OrderDesk, sample_order
from tests.pod.helpers import DOC_EXAMPLE, Pod

EVENTS = ("order.created", "order.updated", "order.moved", "order.canceled", "shipment.created")


def _watch(database: Database, store: Any) -> None:
    """One rule per event, each leaving a note that names it."""
    rules.import_rules(database, store, [
        {"name": f"on {event}", "event": event,
         "actions": [{"action": "add_note", "text": f"saw {event}"}]} for event in EVENTS
    ], replace=True, channel=Channel.cli())  # fmt: skip


def _seen(database: Database, store_id: int, order_id: int) -> list[str]:
    with database.read() as conn:
        found = order_storage.get_order(conn, store_id, order_id)
    return [h.note[4:] for h in found.history or [] if h.note.startswith("saw ")]


def _folder(database: Database, store_id: int, name: str) -> int:
    with database.read() as conn:
        found = stores.find_folder(conn, store_id, name=name)
    assert found is not None
    return found.id


def test_orderdesk_door(od: OrderDesk, database: Database) -> None:
    _watch(database, od.store.store)
    order = od.create_order()
    oid = int(order["id"])
    assert _seen(database, od.store.store.id, oid) == ["order.created"]
    body = sample_order(source_id=order["source_id"])
    assert od.put(f"/orders/{oid}", json=body).status_code == 200
    moved = od.post("/move-orders", json={"order_id_list": [oid],
                                          "destination_folder_name": "Printing"})  # fmt: skip
    assert moved.status_code == 200
    shipped = od.post(f"/orders/{oid}/shipments", json={"tracking_number": "1Z999AA10123456784"})
    assert shipped.status_code == 200
    seen = _seen(database, od.store.store.id, oid)
    assert seen[:3] == ["order.created", "order.updated", "order.moved"]
    assert "shipment.created" in seen  # and the move to Shipped it caused
    answer = od.get(f"/orders/{oid}").json()["order"]
    assert any(h["note"] == "saw shipment.created" for h in answer["order_history"])


def test_pod_door(client: TestClient, store: Any, database: Database) -> None:
    _watch(database, store.store)
    pod = Pod(client, store)
    created = pod.create(external_id="POD-R-1")
    oid = int(created["id"])
    assert pod.delete(id=oid).json().get("error") is None
    assert _seen(database, store.store.id, oid) == ["order.created", "order.canceled"]


@pytest.mark.parametrize("door", ["orderdesk", "pod"])
def test_a_rule_move_on_create_is_in_the_answer(
    client: TestClient, store: Any, database: Database, door: str
) -> None:
    rules.add_rule(database, store.store, {
        "name": "to printing", "event": "order.created",
        "actions": [{"action": "move", "folder": "Printing"}]}, channel=Channel.cli())  # fmt: skip
    printing = _folder(database, store.store.id, "Printing")
    if door == "orderdesk":
        answer = OrderDesk(client, store).create_order()
        assert int(answer["folder_id"]) == printing
    else:
        answer = Pod(client, store).create(external_id="POD-R-2")
        assert answer["status"] == "printing"
        keyed = (
            Pod(client, store)
            .post(  # answered inside the transaction
                {**DOC_EXAMPLE, "external_id": "POD-R-3"}, headers={"Idempotency-Key": "k-rules-1"}
            )
            .json()
        )
        assert keyed["order"]["status"] == "printing"


def test_desk_door(od: OrderDesk, database: Database) -> None:
    store = od.store.store
    oid = int(od.create_order(payment_status="Pending")["id"])
    _watch(database, store)
    user = "ann@shop.example"
    with database.read() as conn:
        revision = conn.execute(
            select(tables.orders.c.revision).where(tables.orders.c.id == oid)
        ).scalar_one()
    address = {"first_name": "A", "last_name": "B"}
    desk.edit_shipping_address(database, store, oid, address, user, revision)
    desk.move_orders(database, store, [oid], _folder(database, store.id, "Paid"), user)
    desk.move_orders(database, store, [oid], _folder(database, store.id, "Received"), user)
    desk.cancel_order(database, store, oid, user)
    other = int(od.create_order()["id"])
    desk.add_shipment(database, store, other, tracking_number="T-1", carrier_code="", lines=[],
                      user=user)  # fmt: skip
    assert _seen(database, store.id, oid) == [
        "order.updated", "order.moved", "order.moved", "order.canceled"]  # fmt: skip
    assert "shipment.created" in _seen(database, store.id, other)


def test_importer_door_runs_rules_set_wise_unless_told_not_to(
    store: Any, database: Database
) -> None:
    _watch(database, store.store)

    def batch(prefix: str) -> list[bulk.PreparedOrder]:
        return [
            bulk.prepare(Order(items=[Item(name="Tee")], shipping={"company": "ACME"},
                               source_id=f"{prefix}-{i}"), database.engine.dialect)
            for i in range(3)
        ]  # fmt: skip

    ran = imports.import_batch(database, store.store, batch("IMP"), channel=Channel.importer())
    skipped = imports.import_batch(database, store.store, batch("NOR"), channel=Channel.importer(),
                                   run_rules=False)  # fmt: skip
    assert [_seen(database, store.store.id, i) for i in ran.imported] == [["order.created"]] * 3
    assert [_seen(database, store.store.id, i) for i in skipped.imported] == [[]] * 3
    assert pipeline.run_import  # the CLI's `--no-rules` passes run_rules=False through here


def test_forwarder_tracking_door(od: OrderDesk, database: Database) -> None:
    store = od.store.store
    order = od.create_order()
    oid = int(order["id"])
    _watch(database, store)
    supplier = Supplier(
        id=1, store_id=store.id, name="Printer Co", base_url="http://127.0.0.1:9", app_id="A",
        secret="s", folder_id=_folder(database, store.id, "Printing"), code_patterns=(),
        shipping_map={}, at_supplier_folder_id=None, failed_folder_id=None,
        created_at=datetime(2026, 12, 1),
    )  # fmt: skip
    lines = [LineRequest(1, item_id=int(order["order_items"][0]["id"]))]
    assert hub_changes.add_shipment(database, supplier, oid, Shipment(tracking_number="TR-1"),
                                    lines)  # fmt: skip
    assert _seen(database, store.id, oid) == ["shipment.created"]


def test_a_rule_routes_an_api_order_to_a_supplier(od: OrderDesk, database: Database) -> None:
    """The README's hub flow up to the forwarder: the rule's move queues the forwarding job in
    the same transaction (tests/outbound/test_forwarding.py carries it on to B and back)."""
    from orderhub.storage import suppliers as supplier_storage

    store = od.store.store
    with database.write() as conn:
        supplier_storage.add_supplier(
            conn, store.id, name="Printer B", base_url="http://127.0.0.1:9", app_id="APP-1",
            secret="s", folder_id=_folder(database, store.id, "Printing"), code_patterns=[],
            shipping_map={}, at_supplier_folder_id=None, failed_folder_id=None,
        )  # fmt: skip
    rules.add_rule(database, store, {
        "name": "Tees go to Printer B", "event": "order.created",
        "conditions": [{"field": "order_items.code", "op": "starts_with", "value": "jh"}],
        "actions": [{"action": "move", "folder": "Printing"}]}, channel=Channel.cli())  # fmt: skip
    tee = od.create_order(order_items=[{"name": "Tee", "code": "JH001-BLK-L", "quantity": 1}])
    mug = od.create_order()
    assert int(tee["folder_id"]) == _folder(database, store.id, "Printing")
    with database.read() as conn:
        queued = {
            row.order_id
            for row in conn.execute(
                supplier_tables.forwarding_jobs.select().where(
                    supplier_tables.forwarding_jobs.c.store_id == store.id
                )
            )
        }
    assert queued == {int(tee["id"])} and int(mug["id"]) not in queued
