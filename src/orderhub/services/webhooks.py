"""Webhook endpoints: add, change events, enable/disable, remove, rotate the signing
secret, resend, and send a test event. One path for `orderhub webhook` and the desk, each
change written to the audit log in its own transaction.

A signing secret is returned once, by `add_endpoint` (when generated) and `rotate_secret`;
nothing shows it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput
from orderhub.domain.limits import URL_MAX, WEBHOOK_NAME_MAX, WEBHOOK_SECRET_MAX, WEBHOOK_SECRET_MIN
from orderhub.domain.values import text_problem
from orderhub.outbound import net
from orderhub.protocol.orderdesk.webhook import FORMATS
from orderhub.services import audit
from orderhub.services.events import EVENTS
from orderhub.storage import webhook_admin, webhooks
from orderhub.storage.database import Database
from orderhub.storage.webhooks import Endpoint

MAX_SECRET_LENGTH, MIN_SECRET_LENGTH = WEBHOOK_SECRET_MAX, WEBHOOK_SECRET_MIN
TEST_EVENT = "test"


def check_events(events: Sequence[str]) -> list[str]:
    unknown = [name for name in events if name not in (*EVENTS, webhooks.ALL_EVENTS)]
    if unknown:
        raise InvalidInput(
            f"events: unknown event {unknown[0]!r}; events are {', '.join(EVENTS)} (or * for all)"
        )
    if not events:
        raise InvalidInput("events: choose at least one event")
    return list(dict.fromkeys(events))


def _check(
    url: str, events: Sequence[str], fmt: str, secret: str | None,
    outbound: net.OutboundSettings | net.OutboundPolicy,
) -> list[str]:  # fmt: skip
    names = check_events(events)
    if fmt not in FORMATS:
        raise InvalidInput(f"format: must be one of {', '.join(FORMATS)}")
    if secret is not None and not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise InvalidInput(f"secret: must be {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} characters")
    if not url.startswith(("http://", "https://")) or len(url) > URL_MAX:
        raise InvalidInput("url: must be an http(s) URL")
    try:
        net.check_url(url, outbound)
    except net.OutboundRefused as exc:
        raise InvalidInput(f"url: {exc.message}") from None
    return names


def add_endpoint(
    db: Database,
    store_id: int,
    url: str,
    events: Sequence[str],
    fmt: str,
    secret: str | None,
    *,
    outbound: net.OutboundSettings | net.OutboundPolicy,
    channel: Channel,
    name: str = "",
) -> tuple[Endpoint, str]:
    """The new endpoint and its signing secret (the one given, else a new random one);
    `name` is what rules' webhook actions call it (docs/rules.md)."""
    url = url.strip()
    names = _check(url, events, fmt, secret, outbound)
    if len(name) > WEBHOOK_NAME_MAX or text_problem(name):
        raise InvalidInput(f"name: must be at most {WEBHOOK_NAME_MAX} printable characters")
    signing_secret = secret or secrets.token_hex(24)
    with db.write() as conn:
        endpoint = webhooks.add_endpoint(conn, store_id, url, names, fmt, signing_secret, name)
        audit.record(conn, store_id, channel, "webhook.add", f"webhook {endpoint.id}", url)
    return endpoint, signing_secret


def set_events(
    db: Database, store_id: int, endpoint_id: int, events: Sequence[str], *, channel: Channel
) -> None:
    names = check_events(events)
    with db.write() as conn:
        webhook_admin.set_events(conn, store_id, endpoint_id, names)
        audit.record(
            conn, store_id, channel, "webhook.events", f"webhook {endpoint_id}", ", ".join(names)
        )


def set_active(
    db: Database, store_id: int, endpoint_id: int, active: bool, *, channel: Channel
) -> None:
    with db.write() as conn:
        webhooks.set_active(conn, store_id, endpoint_id, active)
        action = "webhook.enable" if active else "webhook.disable"
        audit.record(conn, store_id, channel, action, f"webhook {endpoint_id}")


def remove_endpoint(db: Database, store_id: int, endpoint_id: int, *, channel: Channel) -> None:
    with db.write() as conn:
        webhooks.remove_endpoint(conn, store_id, endpoint_id)
        audit.record(conn, store_id, channel, "webhook.remove", f"webhook {endpoint_id}")


def rotate_secret(db: Database, store_id: int, endpoint_id: int, *, channel: Channel) -> str:
    """A new signing secret, returned this once; deliveries from now on are signed with it."""
    secret = secrets.token_hex(24)
    with db.write() as conn:
        webhook_admin.set_secret(conn, store_id, endpoint_id, secret)
        audit.record(conn, store_id, channel, "webhook.rotate_secret", f"webhook {endpoint_id}")
    return secret


def resend(db: Database, store_id: int | None, delivery_id: str, *, channel: Channel) -> None:
    """Queue a failed (or delivered) delivery again. `store_id` None (the CLI, which names
    deliveries by their global id) resends whichever store's it is."""
    with db.write() as conn:
        owner = (
            store_id if store_id is not None else webhook_admin.store_of_delivery(conn, delivery_id)
        )
        found = webhook_admin.delivery_in_store(conn, owner, delivery_id)
        webhooks.resend(conn, found.delivery_id)
        audit.record(
            conn, owner, channel, "webhook.resend", f"webhook {found.endpoint_id}", delivery_id
        )


def resend_failed(db: Database, store_id: int, endpoint_id: int, *, channel: Channel) -> int:
    with db.write() as conn:
        webhook_admin.get_endpoint(conn, store_id, endpoint_id)
        count = webhook_admin.resend_failed(conn, store_id, endpoint_id)
        if count:
            audit.record(
                conn, store_id, channel, "webhook.resend", f"webhook {endpoint_id}",
                f"{count} failed deliveries",
            )  # fmt: skip
    return count


def send_test(db: Database, store_id: int, endpoint_id: int, *, channel: Channel) -> None:
    """Queue a `test` event for the endpoint, carrying the store's newest order; it is
    delivered, logged and retried like any other."""
    with db.write() as conn:
        webhook_admin.get_endpoint(conn, store_id, endpoint_id)
        order_id = webhook_admin.newest_order_id(conn, store_id)
        if order_id is None:
            raise InvalidInput("A test event carries an order: the store has none yet")
        webhooks.enqueue(conn, store_id, [endpoint_id], TEST_EVENT, order_id, {"test": True})
        audit.record(conn, store_id, channel, "webhook.test", f"webhook {endpoint_id}")
