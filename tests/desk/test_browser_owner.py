"""The owner's desk in a real browser against a real `orderhub serve`: no lost edits
between two people, and the pages that run the store (suppliers, webhooks, folders, the
dashboard, search)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest

from tests.desk.conftest import Served, serve
from tests.desk.test_browser import sign_in
from tests.outbound.receiver import Answer, Received, Receiver

Shoot = Callable[..., None]
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The desk's served store, its server allowed to reach loopback receivers and sending
    webhooks every 0.2 s with a single try (so a broken receiver shows at once)."""
    tmp = tmp_path_factory.mktemp("desk-owner")
    wanted = {
        "ORDERHUB_OUTBOUND_ALLOW_PRIVATE": "1", "ORDERHUB_WEBHOOK_POLL_SECONDS": "0.2",
        "ORDERHUB_WEBHOOK_MAX_ATTEMPTS": "1",
    }  # fmt: skip
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield from serve(f"sqlite:///{tmp / 'orderhub.db'}", tmp)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Outside:
    """A loopback receiver playing the shop's webhook receiver and a print provider (its
    order count answers a connection test). `broken` makes the webhook answers fail."""

    def __init__(self) -> None:
        self.broken = False
        self.receiver = Receiver(answer_for=self.answer)

    def answer(self, got: Received) -> Answer:
        if got.path.startswith("/api/orders/count.php"):
            return Answer(200, orjson.dumps({"count": 0}), JSON)
        if self.broken:
            return Answer(503, b"receiver is down for maintenance")
        return Answer(200, b"received, thanks")


@pytest.fixture
def outside() -> Iterator[Outside]:
    found = Outside()
    with found.receiver:
        yield found


def _until(tab: Any, text: str, where: str = "main", seconds: float = 10) -> None:
    """Reload until `text` shows in `where` (the server's worker sends in the background)."""
    for _ in range(int(seconds / 0.25)):
        if text.lower() in tab.locator(where).inner_text().lower():  # badges are capitalised
            return
        tab.wait_for_timeout(250)
        tab.reload()
    raise AssertionError(f"{text!r} never showed in {where}")


def test_an_owner_connects_a_webhook_and_a_printer_and_watches_the_store(
    page: Any, phone: Any, served: Served, outside: Outside, shoot: Shoot
) -> None:
    sign_in(page, served, to_folder=False)
    assert "Orders in per day" in page.locator("main").inner_text()
    shoot(page, "dashboard", full_page=True)

    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("URL that receives the POSTs").fill(outside.receiver.url + "/hook")
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#new-webhook-secret").inner_text()
    assert len(secret) == 48
    shoot(page, "webhooks")
    page.get_by_role("link", name="Open it and send a test event").click()
    assert secret not in page.content()
    page.get_by_role("button", name="Send a test event").click()
    assert "Test event queued" in page.get_by_role("status").inner_text()
    _until(page, "delivered", "#deliveries")
    assert "received, thanks" in page.locator("#deliveries").inner_text()

    outside.broken = True
    page.get_by_role("button", name="Send a test event").click()
    _until(page, "failed", "#deliveries")
    assert "receiver is down" in page.locator("#deliveries").inner_text()
    shoot(page, "webhook", full_page=True)
    page.get_by_role("link", name="Dashboard").click()
    assert "webhook deliveries gave up" in page.locator(".failing").inner_text()
    shoot(page, "dashboard-failing")
    page.locator(".failing").get_by_role("link").first.click()
    page.get_by_role("link", name=outside.receiver.url + "/hook").click()
    outside.broken = False
    page.get_by_role("button", name="Resend all failed").click()
    assert "1 failed deliveries queued again" in page.get_by_role("status").inner_text()
    _until(page, "delivered", "#deliveries tbody tr:first-child")

    page.get_by_role("link", name="Suppliers").click()
    page.get_by_label("Name").fill("Printer")
    page.get_by_label("Site root URL").fill(outside.receiver.url)
    page.get_by_label("AppId of our account there").fill("APP-00146434")
    page.get_by_label("Secret key").fill("printer-secret-123")
    page.get_by_label("Forward the orders arriving in").select_option(label="Printing")
    page.get_by_role("button", name="Add supplier").click()
    assert page.locator("#new-supplier-secret").inner_text() == "printer-secret-123"
    shoot(page, "suppliers")
    page.get_by_role("link", name="Open it and test the connection").click()
    page.get_by_role("button", name="Test the connection").click()
    assert "Connected: Printer accepted" in page.locator("#connection-result").inner_text()
    assert "printer-secret-123" not in page.content()
    shoot(page, "supplier")

    page.get_by_role("link", name="Folders", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Rush")
    page.get_by_role("button", name="Create folder").click()
    rush = page.locator("li", has=page.get_by_role("link", name="Rush", exact=True))
    rush.get_by_label("New name for Rush").fill("Rush jobs")
    rush.get_by_role("button", name="Rename").click()
    assert "Folder renamed to Rush jobs" in page.get_by_role("status").inner_text()
    folder_id = int(page.get_by_role("link", name="Rush jobs", exact=True).first
                    .get_attribute("href").rsplit("/", 1)[1])  # fmt: skip
    moved = served.order_ids[:2]
    served.api(
        "POST", "/move-orders", json={"order_id_list": moved, "destination_folder_id": folder_id}
    )
    page.reload()
    rush = page.locator("li", has=page.get_by_role("link", name="Rush jobs", exact=True))
    rush.get_by_label("Its 2 orders go to").select_option(label="Paid")
    shoot(page, "folders", full_page=True)
    rush.get_by_role("button", name="Delete and move its orders").click()
    assert "its 2 orders moved" in page.get_by_role("status").inner_text()
    for order_id in moved:
        order = served.api("GET", f"/orders/{order_id}").json()["order"]
        assert "Rush jobs deleted" in str(order["order_history"])

    sign_in(phone, served, to_folder=False)
    shoot(phone, "phone-dashboard", full_page=True)
    phone.goto(f"{served.base_url}/desk/webhooks")
    shoot(phone, "phone-webhooks", full_page=True)


def test_staff_see_no_owner_page(page: Any, served: Served) -> None:
    sign_in(page, served, served.staff, to_folder=False)
    nav = page.get_by_role("navigation", name="Folders").inner_text()
    for name in ("Suppliers", "Webhooks", "Notifications", "Settings"):
        assert name not in nav
    for path in ("suppliers", "webhooks", "folders", "notifications"):
        response = page.goto(f"{served.base_url}/desk/{path}")
        assert response is not None and response.status == 403


def test_two_people_edit_the_same_address_and_nothing_is_lost(
    page: Any, browser: Any, served: Served, shoot: Shoot
) -> None:
    order_id = served.new_order()
    url = f"{served.base_url}/desk/orders/{order_id}"
    other = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        staff = other.new_page()
        sign_in(page, served)
        sign_in(staff, served, served.staff)
        for tab in (page, staff):
            tab.goto(url)
            tab.get_by_text("Edit shipping address").click()
        page.get_by_label("City").fill("Shelbyville")
        staff.get_by_label("Postal code").fill("99999")
        page.get_by_role("button", name="Save address").click()
        assert page.get_by_role("status").inner_text() == "Shipping address saved"
        staff.get_by_role("button", name="Save address").click()
        alert = staff.locator("#address [role=alert]").inner_text()
        assert f"changed by Desk ({served.owner.email})" in alert
        assert staff.get_by_label("Postal code").input_value() == "99999"
        assert "Shelbyville" in staff.locator("#address .now-value").first.inner_text()
        staff.get_by_label("City").scroll_into_view_if_needed()
        shoot(staff, "stale-address")
        shipping = served.api("GET", f"/orders/{order_id}").json()["order"]["shipping"]
        assert shipping["city"] == "Shelbyville" and shipping["postal_code"] != "99999"
        # Taking the other's city and saving again keeps both changes.
        staff.get_by_label("City").fill("Shelbyville")
        staff.get_by_role("button", name="Save address").click()
        assert staff.get_by_role("status").inner_text() == "Shipping address saved"
        shipping = served.api("GET", f"/orders/{order_id}").json()["order"]["shipping"]
        assert (shipping["city"], shipping["postal_code"]) == ("Shelbyville", "99999")
    finally:
        other.close()


def test_search_by_tracking_number_and_the_keys(page: Any, served: Served, shoot: Shoot) -> None:
    """The top bar's search finds an order in any folder (here Shipped) from any page."""
    order_id = served.new_order()
    items = served.api("GET", f"/orders/{order_id}").json()["order"]["order_items"]
    shipment = {"tracking_number": "1Z999AA10123456784",
                "order_items": [{"id": items[0]["id"], "quantity": 1}]}  # fmt: skip
    assert served.api("POST", f"/orders/{order_id}/shipments", json=shipment).status_code == 200
    sign_in(page, served)
    page.keyboard.press("/")  # a folder's page: its own search
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Escape")
    shipped = page.get_by_role("navigation", name="Folders").get_by_role(
        "link", name=re.compile(r"^Shipped")
    )
    shipped_id = int(shipped.get_attribute("href").rsplit("/", 1)[1])
    moved = {"order_id_list": [order_id], "destination_folder_id": shipped_id}
    assert served.api("POST", "/move-orders", json=moved).status_code == 200
    page.get_by_role("link", name="Dashboard").click()
    page.locator("main h1").click()
    page.keyboard.press("/")  # elsewhere: the top bar's, any order of the store
    assert page.evaluate("document.activeElement.id") == "top-q"
    page.keyboard.type("1Z999AA10123456784")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/search?q=1Z999AA10123456784")
    rows = page.locator("table.orders tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and f"#{order_id}" in rows.first.inner_text()
    assert "Shipped" in rows.first.inner_text()
    assert page.get_by_label("Folder", exact=True).input_value() == ""  # All folders
    shoot(page, "search")
    page.keyboard.press("Escape")
    page.locator("main h1").click()
    page.keyboard.press("?")
    assert "open the row" in page.get_by_role("dialog", name="Keyboard shortcuts").inner_text()
    page.keyboard.press("j")
    page.keyboard.press("o")
    page.wait_for_url(f"**/desk/orders/{order_id}")
