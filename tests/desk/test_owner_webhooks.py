"""The webhooks page: owners add endpoints (secret shown once), change events, disable,
send a test event, read the delivery log, resend, rotate the secret and remove, through the
same service as `orderhub webhook`; staff are refused; another store's endpoint is not
found. Both databases."""

from __future__ import annotations

import re
from typing import Any

import pytest

from orderhub.storage import audit, stores, webhook_admin, webhooks
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, deliver_webhooks, owner_app, signed
from tests.outbound.receiver import Answer, Receiver

__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def owner(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "owner")


def _endpoint(database: Database, store: stores.NewStore) -> webhooks.Endpoint:
    with database.read() as conn:
        [found] = webhooks.list_endpoints(conn, store.store.id)
    return found


def _secret(database: Database, endpoint_id: int) -> str:
    with database.read() as conn:
        return str(
            conn.execute(webhooks.endpoints.select().where(webhooks.endpoints.c.id == endpoint_id))
            .one()
            .secret
        )


def test_a_webhook_is_added_tested_logged_resent_rotated_and_removed(
    owner_app: Any, owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    od.create_order()
    answers = [Answer(200, b"thanks"), Answer(500, b"receiver broke")]
    with Receiver(answer_for=lambda _: answers[0]) as receiver:
        added = owner.post(
            "/desk/webhooks",
            {"url": receiver.url + "/hook", "events": ["order.created", "shipment.created"],
             "format": "json", "secret": ""},
        )  # fmt: skip
        assert added.status_code == 200
        endpoint = _endpoint(database, store)
        secret = _secret(database, endpoint.id)
        assert secret in added.text  # shown this once
        assert endpoint.events == ("order.created", "shipment.created")
        page = owner.client.get(f"/desk/webhooks/{endpoint.id}")
        assert secret not in page.text and secret not in owner.client.get("/desk/webhooks").text

        sent = owner.post(f"/desk/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert "Test event queued" in sent.text
        assert deliver_webhooks(owner_app) == 1
        [got] = receiver.received
        assert got.headers["X-ORDERHUB-EVENT"] == "test" and got.path == "/hook"
        log = owner.client.get(f"/desk/webhooks/{endpoint.id}").text
        assert "delivered" in log and "thanks" in log and "HTTP 200" in log

        answers[0] = Answer(500, b"receiver broke")
        owner.post(f"/desk/webhooks/{endpoint.id}/test")
        deliver_webhooks(owner_app)
        log = owner.client.get(f"/desk/webhooks/{endpoint.id}").text
        assert "failed" in log and "receiver broke" in log and "HTTP 500" in log
        answers[0] = Answer(200, b"better now")
        resent = owner.post(f"/desk/webhooks/{endpoint.id}/resend-failed", follow_redirects=True)
        assert "1 failed deliveries queued again" in resent.text
        deliver_webhooks(owner_app)
        with database.read() as conn:
            statuses = [
                item.delivery.status
                for item in webhook_admin.delivery_log(conn, store.store.id, endpoint.id, limit=9)
            ]
        assert statuses == ["delivered", "delivered"]
        first = re.findall(r"/deliveries/([0-9a-f-]{36})/resend", log)[0]
        one = owner.post(
            f"/desk/webhooks/{endpoint.id}/deliveries/{first}/resend", follow_redirects=True
        )
        assert "Delivery queued again" in one.text

    events = owner.post(
        f"/desk/webhooks/{endpoint.id}/events", {"events": ["*"]}, follow_redirects=True
    )
    assert "Events saved" in events.text and _endpoint(database, store).events == ("*",)
    none = owner.post(f"/desk/webhooks/{endpoint.id}/events", {})
    assert none.status_code == 400 and "at least one event" in none.text
    owner.post(f"/desk/webhooks/{endpoint.id}/active", {"active": "no"})
    assert not _endpoint(database, store).active
    rotated = owner.post(f"/desk/webhooks/{endpoint.id}/rotate", {"confirm": "yes"})
    new_secret = _secret(database, endpoint.id)
    assert new_secret != secret and new_secret in rotated.text
    assert new_secret not in owner.client.get(f"/desk/webhooks/{endpoint.id}").text
    removed = owner.post(
        f"/desk/webhooks/{endpoint.id}/remove", {"confirm": "yes"}, follow_redirects=True
    )
    assert "removed" in removed.text
    with database.read() as conn:
        assert webhooks.list_endpoints(conn, store.store.id) == []
        actions = [e.action for e in audit.page(conn, store.store.id, before=None, limit=20)]
    assert actions[0] == "webhook.remove" and "webhook.rotate_secret" in actions
    assert actions[-1] == "webhook.add"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"url": "ftp://x"}, "url", "http(s) URL"),
        ({"events": ["order.exploded"]}, "events", "unknown event"),
        ({"events": []}, "events", "at least one event"),
        ({"format": "xml"}, "format", "must be one of"),
        ({"secret": "short"}, "secret", "8 to 200 characters"),
    ],
)
def test_bad_webhook_input_is_shown_beside_the_field(
    owner: Signed, database: Database, store: stores.NewStore, changes: dict[str, Any],
    field: str, message: str,
) -> None:  # fmt: skip
    form = {"url": "http://127.0.0.1:9/", "events": ["order.created"], "format": "form", **changes}
    response = owner.post("/desk/webhooks", form)
    assert response.status_code == 400
    assert message in response.text.split(f'id="err-{field}">', 1)[1].split("</p>", 1)[0]
    with database.read() as conn:
        assert webhooks.list_endpoints(conn, store.store.id) == []


def test_staff_and_other_stores_are_refused(
    owner_app: Any, owner: Signed, database: Database, store: stores.NewStore, make_store: Any
) -> None:
    owner.post(
        "/desk/webhooks",
        {"url": "http://127.0.0.1:9/", "events": ["order.created"], "format": "form"},
    )
    endpoint = _endpoint(database, store)
    staff = signed(owner_app, database, store, "staff")
    assert "/desk/webhooks" not in staff.client.get("/desk/inventory").text
    assert staff.client.get("/desk/webhooks").status_code == 403
    assert staff.client.get(f"/desk/webhooks/{endpoint.id}").status_code == 403
    for action in ("events", "active", "rotate", "remove", "test", "resend-failed"):
        path = f"/desk/webhooks/{endpoint.id}/{action}"
        assert staff.post(path, {"confirm": "yes"}).status_code == 403
    other = signed(owner_app, database, make_store("Other"), "owner")
    assert other.client.get(f"/desk/webhooks/{endpoint.id}").status_code == 404
    for action in ("remove", "rotate", "test"):
        path = f"/desk/webhooks/{endpoint.id}/{action}"
        assert other.post(path, {"confirm": "yes"}).status_code == 404
    assert _endpoint(database, store).active
