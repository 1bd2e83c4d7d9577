"""The print-on-demand notifications page: the URL is set and cleared (checked like the
setting and by the outbound guards), the log lists what was sent and what gave up, and one
is sent again; owners only. Both databases."""

from __future__ import annotations

from typing import Any

import pytest

from orderhub.storage import audit, notifications, stores
from orderhub.storage.database import Database
from tests.desk.owner_helpers import Signed, owner_app, signed

__all__ = ["owner_app"]  # the fixture


@pytest.fixture
def owner(owner_app: Any, database: Database, store: stores.NewStore) -> Signed:
    return signed(owner_app, database, store, "owner")


def _url(database: Database, store: stores.NewStore) -> Any:
    with database.read() as conn:
        return stores.get_store(conn, store.store.id).settings.get("pod_notification_url")


def test_the_url_is_set_and_the_log_resends(
    owner: Signed, database: Database, store: stores.NewStore, od: Any
) -> None:
    saved = owner.post(
        "/desk/notifications", {"url": "http://127.0.0.1:9/pod"}, follow_redirects=True
    )
    assert "Notifications go to http://127.0.0.1:9/pod" in saved.text
    assert _url(database, store) == "http://127.0.0.1:9/pod"
    bad = owner.post("/desk/notifications", {"url": "not a url"})
    assert bad.status_code == 400 and 'id="err-url"' in bad.text
    assert _url(database, store) == "http://127.0.0.1:9/pod"
    order_id = int(od.create_order()["id"])
    with database.write() as conn:
        notifications.enqueue(conn, store.store.id, order_id, "shipped")
        [row] = notifications.history(conn, store.store.id, order_id)[-1:]
        notifications.failed_attempt(
            conn, row["id"], status=502, error="bad gateway", retry_at=None
        )
    log = owner.client.get("/desk/notifications").text
    assert "failed" in log and "HTTP 502" in log and "bad gateway" in log
    resent = owner.post(f"/desk/notifications/{row['id']}/resend", follow_redirects=True)
    assert "Notification queued again" in resent.text
    with database.read() as conn:
        again = notifications.history(conn, store.store.id, order_id)[-1]
    assert again["failed_at"] is None and again["attempts"] == 0
    cleared = owner.post("/desk/notifications", {"url": ""}, follow_redirects=True)
    assert "Notifications are off" in cleared.text and _url(database, store) is None
    with database.read() as conn:
        entries = audit.page(conn, store.store.id, before=None, limit=5)
    # Saved as any setting is (services/store_settings.py): named, never its value (a URL may
    # carry a credential), and a cleared one is recorded as unset, as `orderhub store unset`.
    assert [e.action for e in entries] == ["settings.unset", "notification.resend", "settings.set"]
    assert entries[-1].subject == "pod_notification_url" and "127.0.0.1" not in entries[-1].detail


def test_staff_and_other_stores_are_refused(
    owner_app: Any, database: Database, store: stores.NewStore, make_store: Any, od: Any
) -> None:
    staff = signed(owner_app, database, store, "staff")
    assert staff.client.get("/desk/notifications").status_code == 403
    assert staff.post("/desk/notifications", {"url": ""}).status_code == 403
    order_id = int(od.create_order()["id"])
    with database.write() as conn:
        notifications.enqueue(conn, store.store.id, order_id, "shipped", "http://127.0.0.1:9/")
        row_id = notifications.history(conn, store.store.id, order_id)[-1]["id"]
    other = signed(owner_app, database, make_store("Other"), "owner")
    assert other.post(f"/desk/notifications/{row_id}/resend").status_code == 404
