"""A rule made in the desk's form, in a real browser: built row by row, previewed over the
store's orders (nothing written), saved, and then routing a new API order by itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from orderhub.domain.channel import Channel
from orderhub.services import rules as rule_service
from tests.desk.conftest import Served
from tests.desk.test_browser import sign_in
from tests.helpers import sample_order

Shoot = Callable[..., None]
SHIPPING = {**sample_order()["shipping"], "country": "IE"}
EXAMPLES = [
    {"name": "Unpaid for 3 days needs attention", "event": "schedule", "every_minutes": 60,
     "folder": "Received", "match": "all",
     "conditions": [{"field": "payment_status", "op": "not_equals", "value": "Approved"},
                    {"field": "date_added", "op": "older_than", "value": "3d"}],
     "actions": [{"action": "move", "folder": "Internal Order Query"}],
     "stop": True, "enabled": False},
    {"name": "Gift wrap", "event": "manual", "match": "all", "conditions": [],
     "actions": [{"action": "add_note", "text": "Gift wrap requested"},
                 {"action": "tag", "color": "#b42318", "name": "Gift"}],
     "stop": False, "enabled": True},
]  # fmt: skip


def _folder_of(served: Served, order_id: int) -> int:
    return int(served.api("GET", f"/orders/{order_id}").json()["order"]["folder_id"])


def test_a_rule_made_in_the_form_is_previewed_saved_and_moves_new_orders(
    page: Any, phone: Any, served: Served, shoot: Shoot
) -> None:
    earlier = served.new_order(shipping=SHIPPING)
    received = _folder_of(served, earlier)
    sign_in(page, served)
    page.get_by_role("link", name="Rules").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Rule name").fill("Irish orders to quality control")
    page.get_by_label("Event", exact=True).select_option("order.created")
    page.locator('[name="conditions.0.field"]').select_option("shipping.country")
    page.locator('[name="conditions.0.op"]').select_option("equals")
    page.locator('[name="conditions.0.value"]').fill("ie")
    page.locator('[name="actions.0.action"]').select_option("move")
    page.locator('[name="actions.0.folder"]').select_option("Quality Control")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    assert re.search(r"\b1 of the \d+ most recent orders would match", preview.inner_text())
    assert preview.get_by_role("link", name=f"#{earlier}", exact=True).count() == 1
    assert "Quality Control" in preview.inner_text()
    assert _folder_of(served, earlier) == received  # the preview wrote nothing
    assert page.locator('[name="conditions.0.value"]').input_value() == "ie"
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "rule-form", full_page=True)
    page.get_by_role("button", name="Save rule").click()
    assert "Irish orders to quality control" in page.get_by_role("status").inner_text()
    assert "Not run yet" in page.locator("main").inner_text()

    routed = served.new_order(shipping=SHIPPING)
    page.get_by_role("link", name=re.compile("^Quality Control")).click()
    assert page.get_by_role("link", name=f"#{routed}", exact=True).count() == 1
    assert page.get_by_role("link", name=f"#{earlier}", exact=True).count() == 0
    for rule in EXAMPLES:
        rule_service.add_rule(served.db, served.store.store, rule, channel=Channel.cli())
    page.goto(f"{served.base_url}/desk/rules")
    assert f"matched order {routed}: moved to Quality Control" in page.locator("main").inner_text()
    shoot(page, "rules", full_page=True)
    page.goto(f"{served.base_url}/desk/orders/{routed}")
    page.get_by_role("button", name="Gift wrap").click()
    assert "matched order" in page.get_by_role("status").inner_text()
    assert "Rule 'Gift wrap': " in page.locator(".history").inner_text()

    sign_in(phone, served)
    phone.goto(f"{served.base_url}/desk/rules")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    shoot(phone, "phone-rules")
    phone.get_by_role("link", name="Irish orders to quality control").click()
    phone.get_by_role("button", name="Preview").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.evaluate("window.scrollTo(0, 0)")
    shoot(phone, "phone-rule-form", full_page=True)

    # A split with two item conditions and an email, each row added by its submit button.
    page.goto(f"{served.base_url}/desk/rules/new")
    page.get_by_label("Rule name").fill("Shirts to the printer")
    page.get_by_role("button", name="Remove condition 1").click()
    page.locator('[name="actions.0.action"]').select_option("split")
    assert page.locator('[name="actions.0.text"]').is_hidden()
    page.locator('[name="actions.0.folder"]').select_option("Printing")
    page.locator('[name="actions.0.conditions.0.field"]').select_option("order_items.code")
    page.locator('[name="actions.0.conditions.0.op"]').select_option("starts_with")
    page.locator('[name="actions.0.conditions.0.value"]').fill("TS-")
    assert page.locator('[name="actions.0.conditions.0.key"]').is_hidden()
    page.get_by_role("button", name="Add item condition").click()
    item = '[name="actions.0.conditions.1.{}"]'
    page.locator(item.format("field")).select_option("order_items.variation_list.")
    page.locator(item.format("key")).fill("Size")
    page.locator(item.format("value")).fill("M")
    page.get_by_role("button", name="Add action").click()
    page.locator('[name="actions.1.action"]').select_option("email")
    page.locator('[name="actions.1.template"]').select_option("shipment confirmation")
    assert page.locator('[name="actions.1.to"]').input_value() == "customer"
    assert page.locator('[name="actions.1.conditions.0.field"]').is_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "rule-form-split", full_page=True)
    page.get_by_role("button", name="Save rule").click()
    assert "Shirts to the printer" in page.get_by_role("status").inner_text()
    said = page.locator("main").inner_text()
    assert "split items matching order_items.code starts_with 'TS-' and " in said
    assert "email 'shipment confirmation' to customer" in said
    phone.goto(f"{served.base_url}/desk/rules")
    phone.get_by_role("link", name="Shirts to the printer").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
