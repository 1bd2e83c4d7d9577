"""The rules engine's `email` action, through the outbox to a real SMTP server on loopback,
on both databases: a rule on `order.created` sends exactly one email; a recipient that
cannot be used fails the rule alone (the history says why) and the order still comes in."""

from __future__ import annotations

from typing import Any

from orderhub.domain.channel import Channel
from orderhub.services import rules
from orderhub.storage import stores
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.templating.builtins import EMAIL, Template
from tests.emails.smtp import Inbox
from tests.emails.test_delivery import drain, emails_of, inbox, mail_client, mail_db
from tests.helpers import OrderDesk, sample_order

__all__ = ["inbox", "mail_client", "mail_db"]  # the fixtures, shared with test_delivery.py


def _shop(
    mail_db: Database, mail_client: Any, to: str, template: str = "order confirmation"
) -> OrderDesk:
    with mail_db.write() as conn:
        new = stores.create_store(conn, "Rule Mail Shop",
                                  settings={"email_sender_address": "orders@shop.example"})  # fmt: skip
        template_storage.save(conn, new.store.id, Template("Packed", EMAIL, "Packed {{ order.id }}",
                                                           "<p>Packed</p>", ""))  # fmt: skip
    rules.add_rule(mail_db, new.store, {
        "name": "Confirm", "event": "order.created",
        "actions": [{"action": "email", "template": template, "to": to}],
    }, channel=Channel.cli())  # fmt: skip
    return OrderDesk(mail_client, new)


def _notes(shop: OrderDesk, order_id: int) -> list[str]:
    order = shop.get(f"/orders/{order_id}").json()["order"]
    return [h["note"] for h in order["order_history"]]


def test_an_email_rule_sends_one_email_through_the_outbox(
    mail_db: Database, mail_client: Any, inbox: Inbox
) -> None:
    shop = _shop(mail_db, mail_client, "customer")
    order_id = int(shop.create_order(email="ann@example.com")["id"])
    [queued] = emails_of(mail_db, order_id)  # queued in the create's own transaction
    assert queued.template == "order confirmation" and queued.recipient == "ann@example.com"
    assert drain(mail_db, inbox) == 1
    assert drain(mail_db, inbox) == 0
    [message] = inbox.messages
    assert message["To"] == "ann@example.com"
    assert message["Subject"] == f"Your order {order_id} at Rule Mail Shop"
    notes = _notes(shop, order_id)
    assert "Rule 'Confirm': queued email 'order confirmation' to customer" in notes
    assert f"Email {queued.id} sent: 'order confirmation' to ann@example.com" in notes


def test_an_email_rule_with_no_usable_recipient_fails_alone(
    mail_db: Database, mail_client: Any, inbox: Inbox
) -> None:
    shop = _shop(mail_db, mail_client, "customer")
    created = shop.post("/orders", json=sample_order(email=""))
    assert created.status_code == 200, created.text
    order_id = int(created.json()["order"]["id"])
    assert emails_of(mail_db, order_id) == []
    assert (
        "Rule 'Confirm' failed: the order's email: no email address; its actions were undone"
        in _notes(shop, order_id)
    )
    assert drain(mail_db, inbox) == 0 and inbox.messages == []


def test_an_email_rule_whose_template_is_gone_fails_alone(
    mail_db: Database, mail_client: Any, inbox: Inbox
) -> None:
    shop = _shop(mail_db, mail_client, "packing@shop.example", template="Packed")
    with mail_db.write() as conn:
        template_storage.remove(conn, shop.store.store.id, "Packed")
    order_id = int(shop.create_order()["id"])
    assert emails_of(mail_db, order_id) == []
    assert (
        "Rule 'Confirm' failed: template: 'Packed' is not an email template of this store; "
        "its actions were undone" in _notes(shop, order_id)
    )
