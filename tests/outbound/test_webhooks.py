"""Webhooks end to end on both engines: events queued in the change's transaction, delivered
to a real receiver on loopback in order with valid hashes, retried, re-sent, never twice."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event as sa_event

from orderhub.app import create_app
from orderhub.config import Settings
from orderhub.outbound.worker import WebhookWorker
from orderhub.services import events
from orderhub.services.events import OrderEvent
from orderhub.storage import migrate, stores, webhooks
from orderhub.storage.database import Database
from tests.helpers import OrderDesk, make_settings
from tests.outbound.receiver import Answer, Receiver

ALL = [events.ORDER_CREATED, events.ORDER_MOVED, events.SHIPMENT_CREATED]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "outbound.md"


def documented_verifier() -> Callable[[dict[str, str], bytes, str], dict[str, Any] | None]:
    """The verification snippet of docs/outbound.md, run as a receiver would."""
    text = DOCS.read_text()
    code = re.search(r"```python\n(import hashlib.*?)```", text, re.S)
    assert code, "docs/outbound.md lost its verification snippet"
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)
    return namespace["verified_order"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def hooks_db(backend: str, fresh_database_url: Callable[[str], str]) -> Iterator[Database]:
    """A database of this module's own: a worker pass claims every due row, so no other
    test's deliveries may be there."""
    db = Database(fresh_database_url(backend))
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def hooks_client(hooks_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), database=hooks_db)) as client:
        yield client


@pytest.fixture
def shop(hooks_db: Database, hooks_client: TestClient) -> OrderDesk:
    with hooks_db.write() as conn:
        return OrderDesk(hooks_client, stores.create_store(conn, "Hooked Shop"))


def worker_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "outbound_allow_private": True,
        "webhook_backoff_seconds": 0,
        "webhook_timeout_seconds": 5,
        "webhook_max_attempts": 3,
    }
    return make_settings(**{**values, **overrides})


def add_endpoint(
    db: Database, shop: OrderDesk, url: str, names: list[str], fmt: str = "form"
) -> str:
    secret = f"secret-{shop.store.store.id}-{fmt}"
    with db.write() as conn:
        webhooks.add_endpoint(conn, shop.store.store.id, url, names, fmt, secret)
    return secret


def publish(db: Database, shop: OrderDesk, name: str, order_id: int, **data: Any) -> None:
    with db.write() as conn:
        events.publish(conn, shop.store.store, OrderEvent(name, order_id, data))


def drain(db: Database, settings: Settings | None = None, passes: int = 20) -> int:
    """Run worker passes until nothing is due; returns how many deliveries were attempted."""

    async def run() -> int:
        worker = WebhookWorker(db, settings or worker_settings())
        total = 0
        async with worker.client() as client:
            for _ in range(passes):
                sent = await worker.deliver_due(client)
                if not sent:
                    break
                total += sent
        return total

    return asyncio.run(run())


def deliveries(db: Database, shop: OrderDesk) -> list[webhooks.Delivery]:
    with db.read() as conn:
        return webhooks.list_deliveries(conn, shop.store.store.id, limit=1000)


def test_a_store_without_webhooks_costs_one_indexed_query(
    hooks_db: Database, shop: OrderDesk
) -> None:
    order = shop.create_order()
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa_event.listen(hooks_db.engine, "before_cursor_execute", count)
    try:
        with hooks_db.write() as conn:
            statements.clear()
            events.publish(
                conn, shop.store.store, OrderEvent(events.ORDER_UPDATED, int(order["id"]))
            )
            published = list(statements)
    finally:
        sa_event.remove(hooks_db.engine, "before_cursor_execute", count)
    assert len(published) == 1 and "webhook_endpoints" in published[0], published
    assert deliveries(hooks_db, shop) == []


def test_events_reach_the_receiver_in_order_with_valid_hashes(
    hooks_db: Database, shop: OrderDesk
) -> None:
    order = shop.create_order()
    oid = int(order["id"])
    with Receiver() as receiver:
        secret = add_endpoint(hooks_db, shop, receiver.url + "/orders?via=hook", ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        publish(hooks_db, shop, events.ORDER_UPDATED, oid)  # not subscribed
        publish(hooks_db, shop, events.ORDER_MOVED, oid, from_folder_id=1, to_folder_id=2)
        publish(hooks_db, shop, events.SHIPMENT_CREATED, oid, shipment_id=7)
        assert drain(hooks_db) == 3
    got = receiver.received
    assert [r.headers["X-ORDERHUB-EVENT"] for r in got] == ALL
    shown = shop.get(f"/orders/{oid}").json()["order"]
    for request in got:
        assert request.method == "POST" and request.path == "/orders?via=hook"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert request.headers["X-ORDER-DESK-STORE-ID"] == str(shop.store.store.id)
        (order_text,) = parse_qs(request.body.decode())["order"]
        expected = hmac.new(secret.encode(), order_text.encode(), hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request.headers["X-ORDER-DESK-HASH"], expected)
        assert orjson.loads(order_text) == shown
        assert documented_verifier()(request.headers, request.body, secret) == shown
        assert documented_verifier()(request.headers, request.body, "wrong secret") is None
    ids = [r.headers["X-ORDERHUB-DELIVERY"] for r in got]
    assert len(set(ids)) == 3
    assert {d.status for d in deliveries(hooks_db, shop)} == {"delivered"}


def test_json_format_signs_the_raw_body(hooks_db: Database, shop: OrderDesk) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver() as receiver:
        secret = add_endpoint(hooks_db, shop, receiver.url, ["*"], fmt="json")
        publish(hooks_db, shop, events.SHIPMENT_CREATED, oid, shipment_id=12)
        drain(hooks_db)
    (request,) = receiver.received
    assert request.headers["Content-Type"] == "application/json"
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-ORDER-DESK-HASH"] == expected
    body = orjson.loads(request.body)
    assert body["event"] == "shipment.created" and body["data"] == {"shipment_id": 12}
    assert body["delivery_id"] == request.headers["X-ORDERHUB-DELIVERY"]
    assert body["order"]["id"] == str(oid)
    assert documented_verifier()(request.headers, request.body, secret) == body["order"]


def test_a_rolled_back_change_sends_nothing(hooks_db: Database, shop: OrderDesk) -> None:
    oid = int(shop.create_order()["id"])
    add_endpoint(hooks_db, shop, "http://127.0.0.1:9/", ALL)
    with pytest.raises(RuntimeError), hooks_db.write() as conn:
        events.publish(conn, shop.store.store, OrderEvent(events.ORDER_CREATED, oid))
        raise RuntimeError("the change failed")
    assert deliveries(hooks_db, shop) == []


def test_other_stores_and_unsubscribed_events_queue_nothing(
    hooks_db: Database, shop: OrderDesk, hooks_client: TestClient
) -> None:
    with hooks_db.write() as conn:
        other = OrderDesk(hooks_client, stores.create_store(conn, "Other"))
    add_endpoint(hooks_db, other, "http://127.0.0.1:9/", ["*"])
    add_endpoint(hooks_db, shop, "http://127.0.0.1:9/", [events.ORDER_CANCELED])
    oid = int(shop.create_order()["id"])
    publish(hooks_db, shop, events.ORDER_CREATED, oid)
    assert deliveries(hooks_db, shop) == [] and deliveries(hooks_db, other) == []


def test_a_failed_attempt_is_retried_and_every_attempt_logged(
    hooks_db: Database, shop: OrderDesk
) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver(Answer(500, b"database down"), Answer(200, b"thanks")) as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        assert drain(hooks_db) == 2
    first, second = receiver.received
    assert first.headers["X-ORDERHUB-DELIVERY"] == second.headers["X-ORDERHUB-DELIVERY"]
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "delivered" and delivery.attempts == 2
    with hooks_db.read() as conn:
        log = webhooks.attempts_of(conn, delivery.delivery_id)
    assert [(a.status, a.response_excerpt) for a in log] == [
        (500, "database down"),
        (200, "thanks"),
    ]
    assert log[0].error == "HTTP 500" and log[1].error == ""


def test_backoff_waits_before_the_next_try(hooks_db: Database, shop: OrderDesk) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver(Answer(503)) as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        assert drain(hooks_db, worker_settings(webhook_backoff_seconds=600)) == 1
        assert drain(hooks_db, worker_settings(webhook_backoff_seconds=600)) == 0
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status == 503


def test_a_later_event_waits_for_an_earlier_one_of_the_same_order(
    hooks_db: Database, shop: OrderDesk
) -> None:
    first, second = (int(shop.create_order()["id"]) for _ in range(2))
    with Receiver(answer_for=lambda r: Answer(500 if "fail" in r.path else 200)) as receiver:
        add_endpoint(hooks_db, shop, receiver.url + "/fail", ALL)
        add_endpoint(hooks_db, shop, receiver.url + "/ok", ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, first)
        publish(hooks_db, shop, events.ORDER_MOVED, first)
        publish(hooks_db, shop, events.ORDER_CREATED, second)
        drain(hooks_db, worker_settings(webhook_backoff_seconds=600))
    sent = [(r.path, r.headers["X-ORDERHUB-EVENT"]) for r in receiver.received]
    # The failing endpoint's order.moved of `first` waits behind its order.created; the
    # other endpoint and the other order are not held up.
    assert sorted(sent) == sorted(
        [
            ("/fail", "order.created"),
            ("/fail", "order.created"),
            ("/ok", "order.created"),
            ("/ok", "order.moved"),
            ("/ok", "order.created"),
        ]
    )


def test_two_workers_never_send_a_delivery_twice(hooks_db: Database, shop: OrderDesk) -> None:
    order_ids = [int(shop.create_order()["id"]) for _ in range(6)]
    with Receiver(Answer(200, b"ok", delay=0.02)) as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ["*"])
        for oid in order_ids:
            for name in ALL:
                publish(hooks_db, shop, name, oid)
        # Two processes' worth: separate engines (and, on SQLite, the file lock between them).
        second_db = Database(hooks_db.url)
        threads = [
            threading.Thread(target=drain, args=(db, None, 200)) for db in (hooks_db, second_db)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        second_db.dispose()
        drain(hooks_db)
    ids = [r.headers["X-ORDERHUB-DELIVERY"] for r in receiver.received]
    assert len(ids) == len(order_ids) * 3 == len(set(ids))
    for oid in order_ids:
        seen = [
            r.headers["X-ORDERHUB-EVENT"]
            for r in receiver.received
            if orjson.loads(parse_qs(r.body.decode())["order"][0])["id"] == str(oid)
        ]
        assert seen == ALL


def test_gives_up_after_the_last_try_and_can_be_resent(hooks_db: Database, shop: OrderDesk) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver(Answer(404), Answer(404), Answer(404), Answer(201)) as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        assert drain(hooks_db) == 3
        (delivery,) = deliveries(hooks_db, shop)
        assert delivery.status == "failed" and delivery.attempts == 3
        with hooks_db.write() as conn:
            webhooks.resend(conn, delivery.delivery_id)
        assert drain(hooks_db) == 1
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "delivered"
    assert len({r.headers["X-ORDERHUB-DELIVERY"] for r in receiver.received}) == 1


def test_a_refused_host_is_a_failed_attempt_not_a_request(
    hooks_db: Database, shop: OrderDesk
) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver() as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        drain(hooks_db, worker_settings(outbound_allow_private=False, webhook_max_attempts=1))
    assert receiver.received == []
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "failed" and "loopback" in delivery.last_error


def test_a_timeout_is_retried(hooks_db: Database, shop: OrderDesk) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver(Answer(200, delay=2), Answer(200)) as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        started = time.monotonic()
        drain(hooks_db, worker_settings(webhook_timeout_seconds=0.5))
        assert time.monotonic() - started < 10
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "delivered" and delivery.attempts == 2
    with hooks_db.read() as conn:
        log = webhooks.attempts_of(conn, delivery.delivery_id)
    assert "timed out" in log[0].error


def test_a_delivery_held_by_a_dead_worker_is_sent_when_its_lease_runs_out(
    hooks_db: Database, shop: OrderDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver() as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        dead = WebhookWorker(hooks_db, worker_settings())
        (claimed,) = dead._claim()  # ...and the process dies before sending
        assert drain(hooks_db) == 0  # leased: nobody else sends it
        later = datetime.now(UTC).replace(tzinfo=None) + dead.lease + timedelta(seconds=1)
        monkeypatch.setattr(webhooks, "utcnow", lambda: later)
        assert drain(hooks_db) == 1
    (request,) = receiver.received
    assert request.headers["X-ORDERHUB-DELIVERY"] == claimed.delivery_id
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_end_to_end_through_the_order_desk_api(hooks_db: Database, shop: OrderDesk) -> None:
    """The services publish the events: create, move and ship over /api/v2, and the
    receiver hears each, in order, with the order as it was when sent."""
    with Receiver() as receiver:
        secret = add_endpoint(hooks_db, shop, receiver.url, ["*"])
        oid = shop.create_order()["id"]
        moved = shop.post(
            "/move-orders",
            json={"order_id_list": [oid], "destination_folder_name": "Printing"},
        )
        assert moved.status_code == 200, moved.text
        shipped = shop.post(
            f"/orders/{oid}/shipments", json={"tracking_number": "1Z999", "carrier_code": "UPS"}
        )
        assert shipped.status_code == 200, shipped.text
        shop.put(f"/orders/{oid}", json={**shop.get(f"/orders/{oid}").json()["order"]})
        drain(hooks_db)
    got = receiver.received
    names = [r.headers["X-ORDERHUB-EVENT"] for r in got]
    assert names[:3] == ["order.created", "order.moved", "shipment.created"], names
    assert names[-1] == "order.updated"
    final = shop.get(f"/orders/{oid}").json()["order"]
    for request in got:
        (order_text,) = parse_qs(request.body.decode())["order"]
        expected = hmac.new(secret.encode(), order_text.encode(), hashlib.sha256).hexdigest()
        assert request.headers["X-ORDER-DESK-HASH"] == expected
        assert orjson.loads(order_text)["id"] == oid
    assert orjson.loads(parse_qs(got[-1].body.decode())["order"][0]) == final
    assert {d.status for d in deliveries(hooks_db, shop)} == {"delivered"}


def test_a_disabled_endpoint_gets_nothing_new_and_holds_its_queue(
    hooks_db: Database, shop: OrderDesk
) -> None:
    oid = int(shop.create_order()["id"])
    with Receiver() as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        with hooks_db.read() as conn:
            (endpoint,) = webhooks.list_endpoints(conn, shop.store.store.id)
        publish(hooks_db, shop, events.ORDER_CREATED, oid)
        with hooks_db.write() as conn:
            webhooks.set_active(conn, shop.store.store.id, endpoint.id, False)
        publish(hooks_db, shop, events.ORDER_MOVED, oid)  # not queued
        assert drain(hooks_db) == 0
        with hooks_db.write() as conn:
            webhooks.set_active(conn, shop.store.store.id, endpoint.id, True)
        assert drain(hooks_db) == 1
    assert [r.headers["X-ORDERHUB-EVENT"] for r in receiver.received] == ["order.created"]


def test_a_deleted_order_is_not_sent(hooks_db: Database, shop: OrderDesk) -> None:
    oid = shop.create_order()["id"]
    with Receiver() as receiver:
        add_endpoint(hooks_db, shop, receiver.url, ALL)
        publish(hooks_db, shop, events.ORDER_MOVED, int(oid))
        assert shop.delete(f"/orders/{oid}").status_code == 200
        drain(hooks_db)
    assert receiver.received == []
    (delivery,) = deliveries(hooks_db, shop)
    assert delivery.status == "failed" and delivery.last_error == "order no longer exists"
