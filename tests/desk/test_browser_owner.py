"""The owner's desk in a real browser against a real `orderhub serve`: no lost edits
between two people, and the pages that run the store (suppliers, webhooks, folders, the
dashboard, search)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.desk.conftest import Served
from tests.desk.test_browser import sign_in

Shoot = Callable[..., None]


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
