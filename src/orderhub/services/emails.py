"""Customer emails: queuing one (inner form, inside any change's transaction), the shipment
confirmation subscriber, sending a template by hand, re-sending, and settling an attempt.

Every email queued, sent or failed is a line in its order's history (template, recipient,
outcome). A recipient that is missing, malformed or carries a line break is refused before
anything is written (`InvalidRecipient`); the caller words or records the refusal.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from orderhub.domain import emails as email_values
from orderhub.domain.channel import Channel
from orderhub.domain.dates import utcnow
from orderhub.domain.emails import InvalidRecipient
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.events import SHIPMENT_CREATED
from orderhub.domain.stores import Store
from orderhub.services.events import OrderEvent, Subscription
from orderhub.services.transaction import write
from orderhub.storage import emails as email_storage
from orderhub.storage import orders as order_storage
from orderhub.storage import shipments as shipment_storage
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.storage.tables import orders
from orderhub.templating.builtins import EMAIL, SHIPMENT_CONFIRMATION

CUSTOMER = "customer"
# History lines the subscriber and the sender write name this as their source.
AUTOMATIC = Channel("email", "Email")
HISTORY_EVENT = "email"


class UnknownTemplate(InvalidInput):
    """No email template of that name in the store."""


def _customer_address(conn: Connection, store: Store, order_id: int) -> str:
    found = conn.execute(
        select(orders.c.email).where(orders.c.store_id == store.id, orders.c.id == order_id)
    ).first()
    if found is None:
        raise NotFound(f"Order {order_id} not found")
    return str(found.email or "")


def _message_domain(store: Store) -> str:
    sender = str(store.settings.get("email_sender_address") or "")
    return sender.rpartition("@")[2] or "orderhub.invalid"


def queue_email(
    conn: Connection,
    store: Store,
    order_id: int,
    template: str,
    to: str,
    *,
    channel: Channel,
    now: datetime,
    shipment_id: int | None = None,
) -> None:
    """Queue `template` to `to` ("customer": the order's email; else an address) in the
    caller's transaction, with its history line. Raises `InvalidRecipient` (a bad or missing
    address, a line break in it) or `UnknownTemplate`, having written nothing."""
    found = template_storage.find(conn, store.id, template)
    if found is None or found.kind != EMAIL:
        raise UnknownTemplate(
            f"template: {template[:100]!r} is not an email template of this store"
        )
    raw = _customer_address(conn, store, order_id) if to == CUSTOMER else to
    field = "the order's email" if to == CUSTOMER else "to"
    recipient = email_values.address(raw, field)
    email_id = email_storage.enqueue(
        conn, store.id, order_id, found.name, recipient, shipment_id=shipment_id, now=now,
        domain=_message_domain(store),
    )  # fmt: skip
    note = f"Email {email_id} queued: '{found.name}' to {recipient}"
    order_storage.record_history(
        conn, store.id, order_id, note, event=HISTORY_EVENT, channel=channel, now=now
    )


def send_template(
    db: Database, store: Store, order_id: int, template: str, *, channel: Channel
) -> None:
    """Staff send a template to the order's customer by hand (the outer form)."""
    with write(db, store) as (conn, store):
        order_storage.lock_order(conn, store.id, order_id)
        queue_email(conn, store, order_id, template, CUSTOMER, channel=channel, now=utcnow())


def confirms_shipments(store: Store) -> bool:
    return bool(store.settings.get("shipment_confirmation_email"))


def on_order_event(conn: Connection, store: Store, event: OrderEvent) -> None:
    """The shipment confirmation, on every new shipment with a tracking number, when the store
    turned it on (the event's subscriber; no query at all when it is off). A recipient that
    cannot be used is written to the order's history instead."""
    if event.name != SHIPMENT_CREATED or not confirms_shipments(store):
        return
    shipment_id = int(event.data["shipment_id"])
    try:
        shipment = shipment_storage.get(conn, store.id, event.order_id, shipment_id)
    except NotFound:
        return
    number = shipment.tracking_number.strip()
    if not number or number.upper() == "N/A":
        return
    now = utcnow()
    try:
        queue_email(
            conn, store, event.order_id, SHIPMENT_CONFIRMATION, CUSTOMER, channel=AUTOMATIC,
            now=now, shipment_id=shipment_id,
        )  # fmt: skip
    except (InvalidRecipient, UnknownTemplate) as exc:
        note = f"Email '{SHIPMENT_CONFIRMATION}' not sent: {exc.message}"
        order_storage.record_history(
            conn, store.id, event.order_id, note, event=HISTORY_EVENT, channel=AUTOMATIC, now=now
        )


SUBSCRIPTION = Subscription(
    on_order_event,
    interest=lambda _conn, store, name: name == SHIPMENT_CREATED and confirms_shipments(store),
)


def claim_due(db: Database, *, limit: int, lease: timedelta) -> list[email_storage.Email]:
    """Take up to `limit` due emails for `lease` (the sender's; storage/emails.py)."""
    with db.write() as conn:
        return email_storage.claim_due(conn, limit=limit, lease=lease)


def resend(
    db: Database, email_id: int, *, store_id: int | None, channel: Channel
) -> email_storage.Email:
    """Queue a sent or failed email again (`store_id`: only if it is that store's)."""
    with db.write() as conn:
        found = email_storage.get(conn, email_id, store_id)
        email_storage.resend(conn, found)
        note = f"Email {found.id} re-queued: '{found.template}' to {found.recipient}"
        order_storage.record_history(
            conn, found.store_id, found.order_id, note, event=HISTORY_EVENT, channel=channel,
            now=utcnow(),
        )  # fmt: skip
        return email_storage.get(conn, email_id)


def settle(
    db: Database,
    email: email_storage.Email,
    attempt: email_storage.Attempt,
    *,
    sent: bool,
    retry_at: datetime | None,
) -> None:
    """Record an attempt; the order's history hears of the outcome (sent, or failed for
    good), not of each retry."""
    with db.write() as conn:
        settled = email_storage.record_attempt(conn, email, attempt, sent=sent, retry_at=retry_at)
        if not settled or (not sent and retry_at is not None):
            return
        if sent:
            note = f"Email {email.id} sent: '{email.template}' to {email.recipient}"
        else:
            note = (
                f"Email {email.id} failed: '{email.template}' to {email.recipient} "
                f"after {email.attempts} attempt{'s' * (email.attempts != 1)}: {attempt.error}"
            )
        order_storage.record_history(
            conn, email.store_id, email.order_id, note[:2000], event=HISTORY_EVENT,
            channel=AUTOMATIC, now=utcnow(),
        )  # fmt: skip
