"""The desk in a real browser (Debian's headless Chromium via Playwright) against a real
`orderhub serve` process: the flows staff use every day, end to end."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.desk.conftest import Served
from tests.desk.helpers import DeskUser

Shoot = Callable[..., None]


def sign_in(
    page: Any, served: Served, user: DeskUser | None = None, *, to_folder: bool = True
) -> None:
    """Signs in (the desk opens on its dashboard), then opens the first folder."""
    user = user or served.owner
    page.goto(served.base_url + "/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/desk$"))
    if to_folder:
        page.get_by_role("navigation", name="Folders").get_by_role("link").first.click()
        page.wait_for_url(re.compile(r"/desk/folders/\d+"))


def test_sign_in_refuses_a_wrong_password_then_lets_the_right_one_in(
    page: Any, served: Served, shoot: Shoot
) -> None:
    page.goto(served.base_url + "/")
    assert page.url.endswith("/login")
    shoot(page, "login")
    page.get_by_label("Email").fill(served.owner.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong email or password."
    assert page.get_by_label("Email").input_value() == served.owner.email
    sign_in(page, served, to_folder=False)
    assert page.get_by_role("status").inner_text().startswith("Signed in as")


def test_a_folder_lists_its_orders_and_searches_them(
    page: Any, served: Served, shoot: Shoot
) -> None:
    sign_in(page, served)
    rows = page.locator("table.orders tbody tr")
    assert rows.count() >= 10
    header = page.locator("table.orders thead").inner_text()
    for column in ("ORDER", "DATE", "CUSTOMER", "EMAIL", "ITEMS", "TOTAL", "SOURCE", "FULFILMENT"):
        assert column in header.upper()
    nav = page.get_by_role("navigation", name="Folders")
    assert re.search(r"Received\s+\d+", nav.inner_text())
    shoot(page, "folder")
    page.get_by_label("Search").fill("garcia")
    page.get_by_role("button", name="Search").click()
    assert rows.count() == 2
    assert all("Maria Garcia" in rows.nth(i).inner_text() for i in range(2))
    page.get_by_label("Search").fill("WEB-1003")
    page.get_by_role("button", name="Search").click()
    assert rows.count() == 1 and "Li Wei" in rows.first.inner_text()


def test_opening_an_order_shows_all_of_it(page: Any, served: Served, shoot: Shoot) -> None:
    order_id = served.new_order(
        checkout_data={"Gift": "yes"}, order_metadata={"channel": "instagram"}
    )
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/folders/{_folder_id(served, 'Received')}")
    page.get_by_role("link", name=f"#{order_id}", exact=True).click()
    page.wait_for_url(f"**/desk/orders/{order_id}")
    text = page.locator("main").inner_text()
    text = text.replace("Unfulfilled", "unfulfilled")
    for expected in ("Order #", "Ship to", "Customer", "Items", "Order total", "Gift",
                     "instagram", "History", "Shipments", "unfulfilled"):  # fmt: skip
        assert expected in text, expected
    shoot(page, "order", full_page=True)


def _folder_id(served: Served, name: str) -> int:
    with served.db.read() as conn:
        from orderhub.storage import stores

        folder = stores.find_folder(conn, served.store.store.id, name=name)
    assert folder is not None
    return folder.id


def _folder_of(served: Served, order_id: int) -> int:
    order = served.api("GET", f"/orders/{order_id}").json()["order"]
    return int(order["folder_id"])


@pytest.mark.parametrize(
    ("folder", "suggested"),
    [
        (
            "x\";filename*=utf-8''invoice.html;x=\"",
            "orders-x_;filename_=utf-8''invoice.html;x=_.csv",
        ),
        ("Versand 🚚", "orders-versand-🚚.csv"),
    ],
)
def test_the_export_downloads_under_its_folders_name(
    page: Any, served: Served, folder: str, suggested: str
) -> None:
    """A folder name from an API client cannot rename the download (to `invoice.html`)."""
    response = served.api("POST", "/folders", json={"name": folder})
    assert response.status_code == 200, response.text
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/folders/{response.json()['folder']['id']}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == suggested


def test_two_selected_orders_move_to_another_folder(page: Any, served: Served) -> None:
    first, second = served.new_order(), served.new_order()
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/folders/{_folder_id(served, 'Received')}")
    page.get_by_label(f"Select order {first}", exact=True).check()
    page.get_by_label(f"Select order {second}", exact=True).check()
    page.get_by_label("Move selected to").select_option(label="Printing")
    page.get_by_role("button", name="Move", exact=True).click()
    assert page.get_by_role("status").inner_text() == "Moved 2 orders"
    printing = _folder_id(served, "Printing")
    assert _folder_of(served, first) == printing and _folder_of(served, second) == printing
    history = served.api("GET", f"/orders/{first}").json()["order"]["order_history"]
    assert any("Moved from Received to Printing" in h["note"] for h in history)


def test_a_partial_then_a_final_shipment_fulfils_the_order_and_moves_it_to_shipped(
    page: Any, served: Served, shoot: Shoot
) -> None:
    order_id = served.new_order(
        order_items=[
            {"name": "Logo T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 3},
            {"name": "Enamel Mug", "code": "MUG-1", "price": 9.5, "quantity": 1},
        ]
    )
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/orders/{order_id}")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_label("Only these quantities:").check()
    page.get_by_label(re.compile("^Logo T-Shirt")).fill("2")
    page.get_by_role("button", name="Add shipment").click()
    assert page.get_by_role("status").inner_text() == "Shipment added for the chosen items"
    assert "partial" in page.locator("h1").inner_text().lower()
    shoot(page, "order-partial", full_page=True)
    page.get_by_label("Tracking number").fill("9400111899223197428490")
    page.get_by_label("Everything not shipped yet").check()
    page.get_by_role("button", name="Add shipment").click()
    assert "fulfilled" in page.locator("h1").inner_text().lower()
    assert "unfulfilled" not in page.locator("h1").inner_text().lower()
    assert page.get_by_role("link", name="1Z999AA10123456784").get_attribute("href", timeout=1000)
    assert _folder_of(served, order_id) == _folder_id(served, "Shipped")
    assert "Shipped" in page.locator(".crumbs").inner_text()


def test_staff_split_an_order_into_the_printing_folder(
    page: Any, served: Served, shoot: Shoot
) -> None:
    order_id = served.new_order(
        source_id=f"WEB-SPLIT-{time.monotonic_ns()}",
        order_items=[
            {"name": "Logo T-Shirt", "code": "TS-1", "price": 19.99, "quantity": 5},
            {"name": "Enamel Mug", "code": "MUG-1", "price": 9.5, "quantity": 2},
        ],
    )
    sign_in(page, served, served.staff)
    page.goto(f"{served.base_url}/desk/orders/{order_id}")
    page.get_by_text("Split into a new order").click()
    split = page.locator("#split")
    split.get_by_label(re.compile("^Quantity to split off: Logo T-Shirt")).fill("5")
    split.get_by_label(re.compile("^Quantity to split off: Enamel Mug")).fill("2")
    split.get_by_role("button", name="Split order").click()
    assert (
        page.locator("#split")
        .get_by_role("alert")
        .inner_text()
        .endswith("every item would move: a split must leave something on the order")
    )
    shoot(page, "order-split", full_page=True)
    split = page.locator("#split")
    split.get_by_label(re.compile("^Quantity to split off: Logo T-Shirt")).fill("3")
    split.get_by_label(re.compile("^Quantity to split off: Enamel Mug")).fill("2")
    split.get_by_label("New order's folder").select_option(label="Printing")
    split.get_by_role("button", name="Split order").click()
    status = page.get_by_role("status").inner_text()
    assert status.startswith("Split: the chosen items are now order #"), status
    new_id = int(status.split("#")[1].split()[0])
    new = served.api("GET", f"/orders/{new_id}").json()["order"]
    assert {i["code"]: i["quantity"] for i in new["order_items"]} == {"TS-1": 3, "MUG-1": 2}
    assert int(new["folder_id"]) == _folder_id(served, "Printing")
    kept = served.api("GET", f"/orders/{order_id}").json()["order"]
    assert {i["code"]: i["quantity"] for i in kept["order_items"]} == {"TS-1": 2}
    assert "moved to order" in page.locator("#history").inner_text()


def test_a_note_and_a_new_shipping_address_are_saved(page: Any, served: Served) -> None:
    order_id = served.new_order()
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/orders/{order_id}")
    page.get_by_label("Add a note").fill("Customer asked for gift wrap")
    page.get_by_role("button", name="Add note").click()
    assert page.get_by_role("status").inner_text() == "Note added"
    assert "Customer asked for gift wrap" in page.locator(".history").inner_text()
    page.get_by_text("Edit shipping address").click()
    page.get_by_label("Address line 1").fill("221B Baker Street")
    page.get_by_label("City").fill("London")
    page.get_by_role("button", name="Save address").click()
    assert page.get_by_role("status").inner_text() == "Shipping address saved"
    order = served.api("GET", f"/orders/{order_id}").json()["order"]
    assert order["shipping"]["address1"] == "221B Baker Street"
    assert order["shipping"]["city"] == "London"
    notes = {h["note"]: h["source_name"] for h in order["order_history"]}
    assert notes["Customer asked for gift wrap"] == f"Desk ({served.owner.email})"
    assert f"Desk ({served.owner.email})" in page.locator(".history").inner_text()


def test_stock_is_changed_and_the_orders_that_took_it_are_listed(
    page: Any, served: Served, shoot: Shoot
) -> None:
    sign_in(page, served, served.staff)
    page.get_by_role("link", name="Inventory").click()
    page.get_by_label("Search").fill("mug")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/desk/inventory?q=mug")
    shoot(page, "inventory")
    page.get_by_role("link", name="Enamel Mug").click()
    assert page.locator("main table tbody tr").count() >= 10
    page.get_by_label("Stock").fill("75")
    page.get_by_label("Price").fill("11.25")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text() == "Stock and price saved"
    shoot(page, "inventory-item", full_page=True)
    item = served.api("GET", "/inventory-items?code=MUG-1").json()["inventory_items"][0]
    assert (item["stock"], item["price"]) == (75, 11.25)


def test_packing_slips_print_one_order_per_page(page: Any, served: Served, shoot: Shoot) -> None:
    first, second = served.order_ids[:2]
    sign_in(page, served)
    page.goto(f"{served.base_url}/desk/folders/{_folder_of(served, first)}")
    page.get_by_label(f"Select order {first}", exact=True).check()
    page.get_by_label(f"Select order {second}", exact=True).check()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Packing slips").click()
    slips = opened.value
    slips.wait_for_load_state()
    assert slips.locator("article.slip").count() == 2
    numbers = set(re.findall(r"Order #(\d+)", slips.locator("body").inner_text()))
    assert numbers == {str(first), str(second)}
    slips.close()
    page.goto(f"{served.base_url}/desk/orders/{first}/slip")
    assert page.locator("article.slip").count() == 1
    assert "packing slip" in page.locator(".slip-head").inner_text().lower()
    shoot(page, "packing-slip", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".print-bar").is_hidden()
    pdf = page.pdf(format="A4")
    assert (
        pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ") >= 1
    )


def test_rotating_the_api_key_shows_the_new_key_once(
    page: Any, served: Served, shoot: Shoot
) -> None:
    sign_in(page, served)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("The current key stops working at once").check()
    page.get_by_role("button", name="Rotate API key").click()
    key = page.locator("#new-api-key").inner_text()
    assert len(key) == 50
    shoot(page, "settings", full_page=True)
    headers = {"ORDERDESK-STORE-ID": str(served.store.store.id), "ORDERDESK-API-KEY": key}
    assert httpx.get(f"{served.base_url}/api/v2/test", headers=headers).status_code == 200
    old = {**headers, "ORDERDESK-API-KEY": served.store.api_key}
    # A process may trust a key it has just verified for ORDERHUB_AUTH_CACHE_SECONDS (5 s).
    deadline = time.monotonic() + 10
    while httpx.get(f"{served.base_url}/api/v2/test", headers=old).status_code != 401:
        assert time.monotonic() < deadline, "the old key still works"
        time.sleep(0.5)
    served.store = type(served.store)(served.store.store, key, served.store.pod_secret)
    page.goto(served.base_url + "/desk/settings")
    assert page.locator("#new-api-key").count() == 0
    assert key not in page.content()


def test_staff_see_no_settings(page: Any, served: Served) -> None:
    sign_in(page, served, served.staff)
    assert page.get_by_role("link", name="Settings").count() == 0
    page.goto(served.base_url + "/desk/settings")
    assert "Only the store's owners" in page.locator("body").inner_text()


def test_signing_out_ends_the_session(page: Any, served: Served) -> None:
    sign_in(page, served)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto(served.base_url + "/desk/inventory")
    assert "/login" in page.url


def test_the_desk_works_on_a_phone_sized_screen(phone: Any, served: Served, shoot: Shoot) -> None:
    sign_in(phone, served)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, width
    shoot(phone, "phone-folder")
    phone.get_by_role("link", name=f"#{served.order_ids[0]}", exact=True).click()
    phone.wait_for_url(f"**/desk/orders/{served.order_ids[0]}")
    shoot(phone, "phone-order")
    assert "Ship to" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400


def test_the_desk_is_usable_from_the_keyboard(page: Any, served: Served) -> None:
    sign_in(page, served)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Schmidt")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Schmidt**")
    assert page.locator("table.orders tbody tr").count() == 2


@pytest.mark.postgres
def test_a_day_at_the_desk_on_postgresql(page: Any, served_postgres: Served) -> None:
    """The smoke flow on PostgreSQL: sign in, search, open, note, ship, see it in Shipped."""
    served = served_postgres
    sign_in(page, served)
    page.get_by_label("Search").fill("Khan")
    page.get_by_role("button", name="Search").click()
    assert page.locator("table.orders tbody tr").count() == 2
    order_id = served.order_ids[1]
    page.get_by_role("link", name=f"#{order_id}", exact=True).click()
    page.get_by_label("Add a note").fill("Checked on PostgreSQL")
    page.get_by_role("button", name="Add note").click()
    assert page.get_by_role("status").inner_text() == "Note added"
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Add shipment").click()
    assert "fulfilled" in page.locator("h1").inner_text().lower()
    assert "Shipped" in page.locator(".crumbs").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def test_an_owner_edits_a_template_previews_it_and_prints_two_orders(
    page: Any, served: Served, shoot: Shoot
) -> None:
    first, second = served.order_ids[2:4]
    sign_in(page, served)
    page.get_by_role("link", name="Templates").click()
    shoot(page, "templates")
    page.get_by_role("link", name="packing slip").click()
    body = page.get_by_label("Document (HTML, one order per page)")
    body.fill(body.input_value().replace("Thank you for your order.", "Thanks from Northwind!"))
    page.get_by_label("Preview on order").fill(str(first))
    page.get_by_role("button", name="Preview").click()
    preview = page.frame_locator("iframe.preview-frame")
    assert "Thanks from Northwind!" in preview.locator("body").inner_text()
    assert f"Order #{first}" in preview.locator("body").inner_text()
    shoot(page, "template-edit", full_page=True)
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("status").inner_text() == "Template 'packing slip' saved"
    try:
        page.goto(f"{served.base_url}/desk/folders/{_folder_of(served, first)}")
        page.get_by_label(f"Select order {first}", exact=True).check()
        page.get_by_label(f"Select order {second}", exact=True).check()
        page.get_by_label("Document").select_option("packing slip")
        with page.context.expect_page() as opened:
            page.get_by_role("button", name="Print", exact=True).click()
        printed = opened.value
        printed.wait_for_load_state()
        assert printed.locator("article.slip").count() == 2
        assert printed.locator("article.slip svg.barcode").count() == 2
        assert printed.locator("text=Thanks from Northwind!").count() == 2
        shoot(printed, "print-packing-slips", full_page=True)
        printed.emulate_media(media="print")
        pdf = printed.pdf(format="A4")
        assert (
            pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page ")
            == 2
        )  # one order per page
        printed.close()
        page.goto(f"{served.base_url}/desk/orders/{first}")
        page.get_by_label(re.compile(r"^Send to ")).select_option("order confirmation")
        page.get_by_role("button", name="Send", exact=True).click()
        assert page.get_by_role("status").inner_text() == (
            "'order confirmation' queued for the customer"
        )
        emails = page.locator("#emails table").inner_text()
        assert "order confirmation" in emails and "pending" in emails
        shoot(page, "order-emails")
    finally:
        page.goto(f"{served.base_url}/desk/templates/packing%20slip")
        page.get_by_role("button", name="Reset to default").click()
