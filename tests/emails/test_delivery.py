"""Customer emails end to end on both engines, through a real SMTP server on loopback:
queued in the change's transaction, sent after commit exactly once, whatever the door,
the server's outages, a crash or a second worker."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderhub.app import create_app
from orderhub.config import Settings
from orderhub.desk import actions
from orderhub.domain.channel import Channel
from orderhub.domain.emails import InvalidRecipient
from orderhub.domain.fulfilment import Shipment
from orderhub.outbound import hub_changes
from orderhub.outbound.email_worker import EmailWorker
from orderhub.services import emails as email_service
from orderhub.services.transaction import write
from orderhub.storage import emails as outbox
from orderhub.storage import migrate, stores
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.storage.email_tables import email_outbox
from orderhub.storage.suppliers import Supplier
from orderhub.storage.tables import order_history
from orderhub.templating.builtins import SHIPMENT_CONFIRMATION, default
from tests.emails.smtp import Inbox
from tests.helpers import OrderDesk, make_settings

UPS = "1Z999AA10123456784"
UPS_LINK = f"https://www.ups.com/track?tracknum={UPS}"


@pytest.fixture(scope="module")
def mail_db(backend: str, fresh_database_url: Callable[[str], str]) -> Iterator[Database]:
    """A database of this module's own: a worker pass claims every due row."""
    db = Database(fresh_database_url(backend))
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def mail_client(mail_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), database=mail_db)) as client:
        yield client


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with Inbox() as running:
        yield running


@pytest.fixture
def shop(mail_db: Database, mail_client: TestClient) -> OrderDesk:
    settings = {
        "shipment_confirmation_email": True,
        "email_sender_address": "orders@shop.example",
        "email_sender_name": "Lee's Shop",
        "email_reply_to": "help@shop.example",
    }
    with mail_db.write() as conn:
        return OrderDesk(mail_client, stores.create_store(conn, "Mail Shop", settings=settings))


def worker(db: Database, inbox: Inbox, **overrides: Any) -> EmailWorker:
    values: dict[str, Any] = {
        "smtp_url": inbox.url, "email_backoff_seconds": 0, "email_max_attempts": 3,
        "smtp_timeout_seconds": 5,
    }  # fmt: skip
    settings: Settings = make_settings(**{**values, **overrides})
    return EmailWorker(db, settings)


def one_pass(db: Database, inbox: Inbox) -> int:
    return asyncio.run(worker(db, inbox).send_due())


def drain(db: Database, inbox: Inbox) -> int:
    """Passes until nothing is due; how many emails were tried."""
    sent = 0
    while count := one_pass(db, inbox):
        sent += count
    return sent


def history(db: Database, order_id: int) -> list[str]:
    with db.read() as conn:
        rows = conn.execute(
            select(order_history.c.note)
            .where(order_history.c.order_id == order_id, order_history.c.event == "email")
            .order_by(order_history.c.id)
        )
        return [row.note for row in rows]


def emails_of(db: Database, order_id: int) -> list[outbox.Email]:
    with db.read() as conn:
        return [e for e in outbox.list_emails(conn, _store_of(db, order_id), order_id=order_id)]


def _store_of(db: Database, order_id: int) -> int:
    from orderhub.storage.tables import orders

    with db.read() as conn:
        return int(
            conn.execute(select(orders.c.store_id).where(orders.c.id == order_id)).scalar_one()
        )


def ship_through(door: str, shop: OrderDesk, db: Database, order_id: int) -> None:
    store = shop.store.store
    if door == "orderdesk":
        answer = shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})
        assert answer.status_code == 200, answer.text
    elif door == "orderdesk batch":
        answer = shop.post(
            "/batch-shipments", json=[{"order_id": order_id, "tracking_number": UPS}]
        )
        assert answer.json()["results"][0]["status"] == "success", answer.text
    elif door == "desk":
        actions.add_shipment(db, store, order_id, tracking_number=UPS, carrier_code="",
                             lines=[], user="staff@shop.example")  # fmt: skip
    else:  # a supplier's tracking, taken back by the forwarder
        supplier = Supplier(1, store.id, "Printer B", "http://printer.invalid", "APP", "s", 1,
                            (), {}, None, None, datetime.now())  # fmt: skip
        assert hub_changes.add_shipment(db, supplier, order_id, Shipment(UPS), [])


@pytest.mark.parametrize("door", ["orderdesk", "orderdesk batch", "desk", "supplier tracking"])
def test_a_shipment_through_each_door_sends_one_confirmation_with_the_tracking_link(
    door: str, shop: OrderDesk, mail_db: Database, inbox: Inbox
) -> None:
    order_id = int(shop.create_order(email="jane@example.com")["id"])
    ship_through(door, shop, mail_db, order_id)
    assert drain(mail_db, inbox) == 1
    assert drain(mail_db, inbox) == 0
    [message] = inbox.messages
    assert message["To"] == "jane@example.com"
    assert message["From"] == "Lee's Shop <orders@shop.example>"
    assert message["Reply-To"] == "help@shop.example"
    assert message["Subject"] == f"Your order {order_id} from Mail Shop has shipped"
    assert UPS_LINK in inbox.text_of(message)
    assert UPS_LINK in inbox.html_of(message)
    [email] = emails_of(mail_db, order_id)
    assert message["Message-ID"] == email.message_id and email.status == "sent"
    notes = history(mail_db, order_id)
    assert notes == [
        f"Email {email.id} queued: 'shipment confirmation' to jane@example.com",
        f"Email {email.id} sent: 'shipment confirmation' to jane@example.com",
    ]


def test_no_confirmation_when_the_setting_is_off_or_there_is_no_tracking_number(
    shop: OrderDesk, mail_db: Database, inbox: Inbox
) -> None:
    order_id = int(shop.create_order()["id"])
    shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": "",
                                                      "order_items": []})  # fmt: skip
    with mail_db.write() as conn:
        stores.update_settings(conn, shop.store.store.id, {"shipment_confirmation_email": False})
    second = int(shop.create_order()["id"])
    assert (
        shop.post(f"/orders/{second}/shipments", json={"tracking_number": UPS}).status_code == 200
    )
    assert drain(mail_db, inbox) == 0 and not inbox.messages
    assert history(mail_db, order_id) == [] and history(mail_db, second) == []


def test_a_customer_without_a_usable_address_is_told_in_the_history(
    shop: OrderDesk, mail_db: Database, inbox: Inbox
) -> None:
    order_id = int(shop.create_order(email="")["id"])
    assert (
        shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS}).status_code == 200
    )
    assert history(mail_db, order_id) == [
        "Email 'shipment confirmation' not sent: the order's email: no email address"
    ]
    assert emails_of(mail_db, order_id) == []


@pytest.mark.parametrize(
    "to", ["", "not-an-address", "jane@example.com\r\nBcc: all@example.com",
           "jane@example.com\nX: y", "a@b.com, c@d.com", "Jane <jane@example.com>"],
)  # fmt: skip
def test_bad_recipients_are_refused_before_anything_is_queued(
    to: str, shop: OrderDesk, mail_db: Database
) -> None:
    order_id = int(shop.create_order()["id"])
    with pytest.raises(InvalidRecipient), write(mail_db, shop.store.store) as (conn, store):
        email_service.queue_email(conn, store, order_id, "order confirmation", to,
                                  channel=Channel.cli(), now=datetime.now(UTC).replace(tzinfo=None))  # fmt: skip
    assert emails_of(mail_db, order_id) == [] and history(mail_db, order_id) == []


def test_smtp_down_then_up_delivers_once(shop: OrderDesk, mail_db: Database) -> None:
    order_id = int(shop.create_order()["id"])
    inbox = Inbox()  # not started: the server is down
    shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})
    assert one_pass(mail_db, inbox) == 1  # tried, refused, due again (backoff 0)
    [email] = emails_of(mail_db, order_id)
    assert email.status == "pending" and email.attempts == 1 and "Connection" in email.last_error
    with inbox:
        assert drain(mail_db, inbox) == 1
        assert drain(mail_db, inbox) == 0
    assert len(inbox.messages) == 1
    [email] = emails_of(mail_db, order_id)
    assert email.status == "sent" and email.attempts == 2
    with mail_db.read() as conn:
        log = outbox.attempts_of(conn, email.id)
    assert [bool(a.error) for a in log] == [True, False]
    assert sum("sent" in note for note in history(mail_db, order_id)) == 1


def test_smtp_down_for_good_fails_after_the_last_try_and_can_be_resent(
    shop: OrderDesk, mail_db: Database
) -> None:
    order_id = int(shop.create_order()["id"])
    inbox = Inbox()
    shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})
    assert drain(mail_db, inbox) == 3
    [email] = emails_of(mail_db, order_id)
    assert email.status == "failed" and email.attempts == 3
    assert (
        "failed: 'shipment confirmation' to jane@example.com after 3 attempts"
        in (history(mail_db, order_id)[-1])
    )
    email_service.resend(mail_db, email.id, store_id=shop.store.store.id, channel=Channel.cli())
    with inbox:
        assert drain(mail_db, inbox) == 1
    assert inbox.messages[0]["Message-ID"] == email.message_id
    assert emails_of(mail_db, order_id)[0].status == "sent"


def test_two_workers_at_once_send_each_email_once(
    shop: OrderDesk, mail_db: Database, inbox: Inbox
) -> None:
    ids = [int(shop.create_order()["id"]) for _ in range(6)]
    for order_id in ids:
        shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})
    workers = [worker(mail_db, inbox), worker(mail_db, inbox)]
    barrier = threading.Barrier(2)

    def run(w: EmailWorker) -> None:
        barrier.wait()
        while asyncio.run(w.send_due()):
            pass

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    orders_mailed = sorted(int(m["X-Orderhub-Order"]) for m in inbox.messages)
    assert orders_mailed == ids


def test_an_email_committed_but_not_sent_survives_a_crash(
    shop: OrderDesk, mail_db: Database, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = int(shop.create_order()["id"])
    shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})  # committed
    dead = worker(mail_db, inbox)
    [claimed] = dead._claim()  # ...and the process dies before sending
    assert drain(mail_db, inbox) == 0  # leased: nobody else sends it yet
    later = datetime.now(UTC).replace(tzinfo=None) + dead.lease + timedelta(seconds=1)
    monkeypatch.setattr(outbox, "utcnow", lambda: later)
    assert drain(mail_db, inbox) == 1  # a new worker (after the restart) sends it
    [message] = inbox.messages
    assert message["Message-ID"] == claimed.message_id
    # The dead worker's late report changes nothing: the row is no longer its to settle.
    assert emails_of(mail_db, order_id)[0].status == "sent"


def test_a_template_that_fails_at_render_time_is_recorded_and_not_sent(
    shop: OrderDesk, mail_db: Database, inbox: Inbox
) -> None:
    store_id = shop.store.store.id
    broken = default(SHIPMENT_CONFIRMATION)
    assert broken is not None
    from dataclasses import replace

    with mail_db.write() as conn:  # saved past the checks, as an older version might have
        template_storage.save(conn, store_id, replace(broken, body="{{ (1 / 0) }}"))
    try:
        order_id = int(shop.create_order()["id"])
        shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS})
        assert drain(mail_db, inbox) == 1
        assert inbox.messages == []
        [email] = emails_of(mail_db, order_id)
        assert email.status == "failed" and email.attempts == 1
        assert "ZeroDivisionError" in history(mail_db, order_id)[-1]
    finally:
        with mail_db.write() as conn:
            template_storage.remove(conn, store_id, SHIPMENT_CONFIRMATION)


def test_staff_send_a_template_by_hand(shop: OrderDesk, mail_db: Database, inbox: Inbox) -> None:
    order_id = int(shop.create_order(email="ann@example.com")["id"])
    email_service.send_template(mail_db, shop.store.store, order_id, "order confirmation",
                                channel=Channel.desk("staff@shop.example"))  # fmt: skip
    assert drain(mail_db, inbox) == 1
    [message] = inbox.messages
    assert message["Subject"] == f"Your order {order_id} at Mail Shop"
    assert "T-Shirt" in inbox.text_of(message)
    with mail_db.read() as conn:
        assert conn.execute(select(email_outbox.c.recipient).where(
            email_outbox.c.order_id == order_id)).scalar_one() == "ann@example.com"  # fmt: skip


def test_a_serving_app_sends_queued_emails_by_itself(mail_db: Database, inbox: Inbox) -> None:
    settings = make_settings(smtp_url=inbox.url, email_poll_seconds=0.05)
    with TestClient(create_app(settings, database=mail_db)) as client:
        with mail_db.write() as conn:
            new = stores.create_store(conn, "Live Shop", settings={
                "shipment_confirmation_email": True, "email_sender_address": "o@live.example",
            })  # fmt: skip
        shop = OrderDesk(client, new)
        order_id = int(shop.create_order()["id"])
        assert shop.post(f"/orders/{order_id}/shipments", json={"tracking_number": UPS}).is_success
        deadline = time.monotonic() + 10
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    [message] = inbox.messages
    assert message["X-Orderhub-Order"] == str(order_id) and UPS_LINK in inbox.text_of(message)
