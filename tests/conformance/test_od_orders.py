"""Order Desk v2 orders, written from the wire reference (spec §2, §4, §8, §10)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderhub.app import create_app
from tests.helpers import OrderDesk, make_settings, sample_order

TIMING = re.compile(r"^\d+\.\d{4} seconds$")
WIRE_DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def assert_error(response: Any, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error" and TIMING.match(body["execution_time"])
    for fragment in fragments:
        assert fragment in body["message"], body["message"]


def count(od: OrderDesk) -> int:
    return int(od.get("/orders").json()["total_records"])


# --- auth and envelope ------------------------------------------------------------------


def test_connection_test(od: OrderDesk) -> None:
    body = od.get("/test").json()
    assert body["status"] == "success" and body["message"] == "Connection Successful"
    assert WIRE_DATE.match(body["current_date_time"]) and TIMING.match(body["execution_time"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"ORDERDESK-STORE-ID": "1"},
        {"ORDERDESK-API-KEY": "x" * 50},
        {"ORDERDESK-STORE-ID": "abc", "ORDERDESK-API-KEY": "x" * 50},
    ],
)
def test_missing_or_malformed_credentials_are_401(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_error(client.get("/api/v2/test", headers=headers), 401)


def test_wrong_key_and_other_stores_key_are_401(od: OrderDesk, other_od: OrderDesk) -> None:
    store_id = str(od.store.store.id)
    wrong = od.get("/test", headers={"ORDERDESK-API-KEY": "y" * 50})
    assert_error(wrong, 401, "Invalid store id or API key")
    crossed = od.get("/test", headers={"ORDERDESK-API-KEY": other_od.store.api_key})
    assert_error(crossed, 401)
    lower = od.client.get(
        "/api/v2/test",
        headers={"orderdesk-store-id": store_id, "orderdesk-api-key": od.store.api_key},
    )
    assert lower.status_code == 200


def test_store_settings_and_folders_never_show_secrets(od: OrderDesk) -> None:
    response = od.get("/store")
    body = response.json()
    store = body["store"]
    assert store["id"] == str(od.store.store.id) and store["name"] == "Test Store"
    assert store["settings"]["timezone"] == "UTC"
    assert store["settings"]["date_format"] == "Y-m-d H:i:s"
    assert list(store["folders"].values()) == [
        "Received", "In Progress", "Paid", "Stock Allocation", "Printing",
        "Quality Control", "Shipped", "Refunded", "Internal Order Query", "Canceled",
    ]  # fmt: skip
    assert all(key.isdigit() for key in store["folders"])
    assert od.store.api_key not in response.text and od.store.pod_secret not in response.text
    assert "api_key" not in store["settings"]


def test_unknown_path_and_method(od: OrderDesk) -> None:
    assert_error(od.get("/nothing-here"), 404)
    assert_error(od.request("PATCH", "/orders"), 405)


# --- create ---------------------------------------------------------------------------


def test_create_returns_the_full_order_with_computed_totals(od: OrderDesk) -> None:
    payload = sample_order(
        source_id="A-100",
        discount_list=[{"name": "Sale", "code": "S1", "amount": "1.7"}],
        checkout_data={"Gift Message": "Happy Birthday", "A": "1"},
        order_metadata={"fraud_protection_score": 0},
        order_notes=[{"date_added": "2024-01-01 10:00:00", "username": "amy", "content": "hi"}],
        cc_number="4242 4242 4242 4242",
        cc_exp="02/2026",
        quantity_total=999,
        order_total=1,
    )
    payload["order_items"][0]["variation_list"] = {"Size": "Large", "Color": "Red"}
    response = od.post("/orders", json=payload)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success" and body["message"] == "Order Created"
    order = body["order"]
    assert isinstance(order["id"], str) and order["id"].isdigit()
    assert order["source_id"] == "A-100" and order["source_name"] == "API"
    # 2 x 19.99 + 7.25 = 47.23; - 1.70 + 5.5 + 0.5 + 1.2 = 52.73
    assert order["product_total"] == 47.23 and order["quantity_total"] == 3
    assert order["weight_total"] == 2.25 and order["discount_total"] == 1.7
    assert order["order_total"] == 52.73 and order["processor_balance"] == 52.73
    assert order["discount_list"] == [{"name": "Sale", "code": "S1", "amount": "1.70"}]
    assert list(order["checkout_data"]) == ["Gift Message", "A"]
    assert order["order_metadata"] == {"fraud_protection_score": 0}
    assert order["order_notes"][0]["content"] == "hi"
    assert order["cc_number_masked"] == "xxxxxxxxxxxx4242" and "4242 4242" not in response.text
    assert order["payment_status"] == "Captured" and order["email_count"] == "1"
    assert isinstance(order["folder_id"], int)
    assert WIRE_DATE.match(order["date_added"]) and WIRE_DATE.match(order["date_updated"])
    assert order["order_shipments"] == [] and order["return_address"] == []
    first, second = order["order_items"]
    assert first["id"].isdigit() and first["price"] == 19.99 and first["quantity"] == 2
    assert first["variation_list"] == {"Size": "Large", "Color": "Red"}
    assert second["variation_list"] == [] and second["metadata"] == []
    assert second["price"] == 7.25 and second["delivery_type"] == "ship"
    assert order["customer"]["last_name"] == "Doe"  # copied from shipping
    assert "order_history" not in order


def test_create_defaults(od: OrderDesk) -> None:
    payload = sample_order()
    for key in ("source_id", "source_name"):
        del payload[key]
    payload["customer"] = payload.pop("shipping")
    order = od.post("/orders", json=payload).json()["order"]
    folders = od.get("/store").json()["store"]["folders"]
    assert order["source_id"] == order["id"] and order["source_name"] == "Order Desk"
    assert folders[str(order["folder_id"])] == "Received"
    assert order["shipping"]["first_name"] == "Jane"


def test_date_added_may_be_given(od: OrderDesk) -> None:
    plain = od.create_order(date_added="2014-10-08 12:10:00")
    assert plain["date_added"] == "2014-10-08 12:10:00"
    with_offset = od.create_order(date_added="2014-10-08T12:10:00-04:00")
    assert with_offset["date_added"] == "2014-10-08 16:10:00"


def test_exact_decimal_totals(od: OrderDesk) -> None:
    order = od.create_order(
        shipping_total=0.1, handling_total=0.2, tax_total=0,
        order_items=[{"name": "a", "price": 19.99, "quantity": 3}],
    )  # fmt: skip
    assert order["product_total"] == 59.97 and order["order_total"] == 60.27


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"order_items": []}, "order_items"),
        ({"order_items": None}, "order_items"),
        ({"shipping": {"first_name": "Only"}}, "first and last name or a company"),
        ({"order_items": [{"name": "x", "quantity": 0}]}, "order_items[0].quantity"),
        ({"order_items": [{"name": "x", "quantity": -2}]}, "order_items[0].quantity"),
        ({"order_items": [{"name": "x", "quantity": 1.5}]}, "order_items[0].quantity"),
        ({"order_items": [{"name": "x", "weight": -1}]}, "order_items[0].weight"),
        ({"order_items": [{"name": "x", "price": "ten"}]}, "order_items[0].price"),
        ({"folder_id": 987654}, "folder_id"),
        ({"payment_status": "Paid-ish"}, "payment_status"),
        ({"shipping": "x"}, "shipping"),
        ({"date_added": "yesterday"}, "date_added"),
        ({"order_items": [{"name": "x", "delivery_type": "teleport"}]}, "delivery_type"),
    ],
)
def test_bad_orders_are_400_and_write_nothing(
    od: OrderDesk, change: dict[str, Any], fragment: str
) -> None:
    payload = sample_order(**change)
    if change.get("order_items") is None and "order_items" in change:
        del payload["order_items"]
    assert_error(od.post("/orders", json=payload), 400, fragment)
    assert count(od) == 0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [(b"{bad json", "malformed JSON"), (b"", "empty body"), (b"[1, 2]", "JSON object")],
)
def test_unreadable_bodies_are_400(od: OrderDesk, body: bytes, fragment: str) -> None:
    assert_error(od.post("/orders", content=body), 400, fragment)
    assert count(od) == 0


def test_json_body_is_read_whatever_the_content_type(od: OrderDesk) -> None:
    import orjson

    response = od.post(
        "/orders",
        content=orjson.dumps(sample_order()),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200


def test_oversized_body_is_413(database: Any, store: Any) -> None:
    app = create_app(make_settings(max_body_bytes=2048), database=database)
    with TestClient(app) as client:
        od = OrderDesk(client, store)
        big = sample_order(checkout_data={"note": "x" * 5000})
        assert_error(od.post("/orders", json=big), 413, "2048 bytes")
        assert count(od) == 0


def test_duplicate_source_is_409_naming_the_existing_order(od: OrderDesk) -> None:
    first = od.create_order(source_id="dup-1")
    again = od.post("/orders", json=sample_order(source_id="dup-1"))
    assert_error(again, 409, first["id"])
    other_source = od.post("/orders", json=sample_order(source_id="dup-1", source_name="eBay"))
    assert other_source.status_code == 200
    assert count(od) == 2


def test_idempotency_key_replays_and_detects_reuse(od: OrderDesk) -> None:
    payload = sample_order()
    first = od.post("/orders", json=payload, headers={"Idempotency-Key": "k-1"})
    again = od.post("/orders", json=payload, headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert count(od) == 1
    changed = sample_order(email="else@example.com")
    assert_error(od.post("/orders", json=changed, headers={"Idempotency-Key": "k-1"}), 409)
    assert count(od) == 1


def test_idempotency_keys_are_per_store(od: OrderDesk, other_od: OrderDesk) -> None:
    payload = sample_order()
    a = od.post("/orders", json=payload, headers={"Idempotency-Key": "shared"})
    b = other_od.post("/orders", json=payload, headers={"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 200
    assert "Idempotent-Replayed" not in b.headers


# --- read, replace, delete ----------------------------------------------------------------


def test_get_one_order(od: OrderDesk) -> None:
    created = od.create_order()
    body = od.get(f"/orders/{created['id']}").json()
    assert body["message"].startswith("Execution took ") and body["order"]["id"] == created["id"]
    assert body["order"]["order_items"] == created["order_items"]


@pytest.mark.parametrize("bad_id", ["999999999", "abc", "-1"])
def test_unknown_ids_are_404(od: OrderDesk, bad_id: str) -> None:
    assert_error(od.get(f"/orders/{bad_id}"), 404)


def test_put_is_a_full_replacement(od: OrderDesk) -> None:
    created = od.create_order(
        email="old@example.com", checkout_data={"k": "v"}, date_added="2020-02-02 02:02:02"
    )
    items = created["order_items"]
    replacement = {
        "shipping": {"company": "ACME"},
        "order_items": [
            {"id": items[0]["id"], "name": "T-Shirt", "price": 10, "quantity": 5},
            {"name": "New", "price": 1, "quantity": 1},
        ],
    }
    response = od.put(f"/orders/{created['id']}", json=replacement)
    assert response.status_code == 200 and response.json()["message"] == "Order Updated"
    order = response.json()["order"]
    assert order["email"] == "" and order["checkout_data"] == []
    assert order["source_id"] == created["source_id"] and order["folder_id"] == created["folder_id"]
    assert order["date_added"] == "2020-02-02 02:02:02"
    assert [i["name"] for i in order["order_items"]] == ["T-Shirt", "New"]
    assert order["order_items"][0]["id"] == items[0]["id"]
    assert items[1]["id"] not in {i["id"] for i in order["order_items"]}
    assert order["product_total"] == 51 and order["quantity_total"] == 6


def test_put_without_order_items_keeps_them(od: OrderDesk) -> None:
    created = od.create_order()
    order = od.put(f"/orders/{created['id']}", json={"shipping": {"company": "X"}}).json()["order"]
    assert order["order_items"] == created["order_items"]


def test_put_rejects_items_of_another_order_and_taken_source(od: OrderDesk) -> None:
    a, b = od.create_order(source_id="a"), od.create_order(source_id="b")
    foreign = {"shipping": {"company": "X"}, "order_items": [{"id": b["order_items"][0]["id"]}]}
    assert_error(od.put(f"/orders/{a['id']}", json=foreign), 400, "does not belong")
    taken = {"shipping": {"company": "X"}, "source_id": "b", "source_name": "API"}
    assert_error(od.put(f"/orders/{a['id']}", json=taken), 409, b["id"])


def test_method_override_put(od: OrderDesk) -> None:
    created = od.create_order()
    response = od.post(
        f"/orders/{created['id']}",
        json={"shipping": {"company": "Via Override"}},
        headers={"X-HTTP-Method-Override": "PUT"},
    )
    assert response.json()["order"]["shipping"]["company"] == "Via Override"


def test_content_type_on_get_is_tolerated(od: OrderDesk) -> None:
    assert od.get("/orders", headers={"Content-Type": "application/json"}).status_code == 200


def test_delete(od: OrderDesk) -> None:
    created = od.create_order()
    response = od.delete(f"/orders/{created['id']}")
    assert response.json()["message"] == f"Order {created['id']} Deleted"
    assert_error(od.get(f"/orders/{created['id']}"), 404)
    assert_error(od.delete(f"/orders/{created['id']}"), 404)


def test_history_note(od: OrderDesk) -> None:
    created = od.create_order()
    body = od.post(
        f"/orders/{created['id']}/order-history", json={"note": "My New Note", "source_name": "Ops"}
    ).json()
    assert body["status"] == "success" and body["total_records"] == 1
    history = body["order"]["order_history"]
    assert history[0]["note"] == "Order created"
    assert history[-1]["note"] == "My New Note" and history[-1]["source_name"] == "Ops"
    assert WIRE_DATE.match(history[-1]["date_added"])
    assert_error(od.post(f"/orders/{created['id']}/order-history", json={}), 400, "note")


# --- isolation ---------------------------------------------------------------------------


def test_another_stores_orders_are_not_found(od: OrderDesk, other_od: OrderDesk) -> None:
    mine = od.create_order()
    path = f"/orders/{mine['id']}"
    assert_error(other_od.get(path), 404)
    assert_error(other_od.put(path, json={"shipping": {"company": "X"}}), 404)
    assert_error(other_od.delete(path), 404)
    assert_error(other_od.post(path + "/order-history", json={"note": "x"}), 404)
    assert_error(other_od.get(path + "/order-items"), 404)
    assert other_od.get("/orders").json()["total_records"] == 0
    assert od.get(path).status_code == 200


# --- listing -----------------------------------------------------------------------------


def test_list_envelope_paging_and_limits(od: OrderDesk) -> None:
    ids = [od.create_order()["id"] for _ in range(5)]
    body = od.get(
        "/orders", params={"limit": 2, "offset": 1, "order_by": "id", "order": "asc"}
    ).json()
    assert body["total_records"] == 5 and body["records_returned"] == 2
    assert body["offset"] == 1 and body["limit"] == 2
    assert [o["id"] for o in body["orders"]] == ids[1:3]
    assert od.get("/orders").json()["limit"] == 50
    assert od.get("/orders", params={"limit": 1000}).json()["limit"] == 500
    for bad in ({"limit": 0}, {"limit": "abc"}, {"offset": -1}):
        assert_error(od.get("/orders", params=bad), 400)


def test_default_sort_is_newest_first_with_id_ties(od: OrderDesk) -> None:
    same = "2024-05-05 05:05:05"
    ids = [od.create_order(date_added=same)["id"] for _ in range(3)]
    listed = [o["id"] for o in od.get("/orders").json()["orders"]]
    assert listed == list(reversed(ids))


def test_sorting(od: OrderDesk) -> None:
    cheap = od.create_order(
        order_items=[{"name": "a", "price": 1}], shipping={"first_name": "Z", "last_name": "Zed"}
    )
    dear = od.create_order(
        order_items=[{"name": "a", "price": 100}], shipping={"first_name": "A", "last_name": "Abe"}
    )
    by_total = od.get("/orders", params={"order_by": "order_total", "order": "ASC"}).json()
    assert [o["id"] for o in by_total["orders"]] == [cheap["id"], dear["id"]]
    by_name = od.get("/orders", params={"order_by": "shipping_last_name", "order": "asc"}).json()
    assert [o["id"] for o in by_name["orders"]] == [dear["id"], cheap["id"]]
    assert_error(od.get("/orders", params={"order_by": "password"}), 400, "order_by")
    assert_error(od.get("/orders", params={"order": "sideways"}), 400, "order")


def test_filters(od: OrderDesk) -> None:
    a = od.create_order(
        source_id="F-1", source_name="Shopify", email="Amy@Example.com", customer_id="c-9",
        date_added="2024-03-01 10:00:00",
        shipping={"first_name": "Amy", "last_name": "Pond", "company": "Tardis Ltd",
                  "address1": "1 Leadworth Rd", "phone": "555-1234"},
    )  # fmt: skip
    b = od.create_order(source_id="F-2", source_name="eBay", date_added="2024-04-15 23:30:00")

    def ids(**params: Any) -> list[str]:
        response = od.get("/orders", params=params)
        assert response.status_code == 200, response.text
        return sorted(o["id"] for o in response.json()["orders"])

    assert ids(source_id="F-1") == [a["id"]]
    assert ids(source_name="eBay") == [b["id"]]
    assert ids(email="amy@example.com") == [a["id"]]
    assert ids(customer_id="c-9") == [a["id"]]
    assert ids(search_start_date="2024-04-01") == [b["id"]]
    assert ids(search_end_date="2024-04-15") == sorted([a["id"], b["id"]])
    assert ids(search_end_date="2024-04-14") == [a["id"]]
    assert ids(search_start_date="2024-03-01T09:00:00Z", search_end_date="2024-03-01 11:00:00") == [
        a["id"]
    ]
    assert ids(shipping_last_name="pon") == [a["id"]]
    assert ids(customer_company="tardis") == [a["id"]]
    assert ids(shipping_phone="1234") == [a["id"]]
    assert ids(shipping_address1="leadworth") == [a["id"]]
    assert ids(modified_start_date="2000-01-01") == sorted([a["id"], b["id"]])
    assert ids(modified_end_date="2000-01-01") == []
    folder_id = a["folder_id"]
    assert ids(folder_id=f"{folder_id},99999") == sorted([a["id"], b["id"]])
    assert ids(folder_name="Received") == sorted([a["id"], b["id"]])
    assert ids(folder_name="Paid") == []
    assert_error(od.get("/orders", params={"folder_name": "Nope"}), 400, "folder_name")
    assert_error(od.get("/orders", params={"folder_id": "x"}), 400, "folder_id")
    assert_error(od.get("/orders", params={"search_start_date": "soon"}), 400, "search_start_date")


def test_local_date_filters_use_the_store_time_zone(client: TestClient, make_store: Any) -> None:
    od = OrderDesk(client, make_store(timezone="America/Los_Angeles"))
    late = od.create_order(date_added="2024-07-02 05:00:00")  # 22:00 on 1 July in LA
    utc_day = od.get("/orders", params={"search_start_date": "2024-07-02"}).json()
    local_day = od.get(
        "/orders",
        params={"search_start_date_local": "2024-07-01", "search_end_date_local": "2024-07-01"},
    ).json()
    assert [o["id"] for o in utc_day["orders"]] == [late["id"]]
    assert [o["id"] for o in local_day["orders"]] == [late["id"]]
    assert (
        od.get("/orders", params={"search_start_date_local": "2024-07-02"}).json()["orders"] == []
    )


def test_email_count_counts_the_stores_orders_with_that_email(
    od: OrderDesk, other_od: OrderDesk
) -> None:
    od.create_order(email="repeat@example.com")
    other_od.create_order(email="repeat@example.com")
    second = od.create_order(email="repeat@example.com")
    assert second["email_count"] == "2"
    assert od.create_order(email="")["email_count"] == "0"


def test_history_on_request_in_lists(od: OrderDesk) -> None:
    od.create_order()
    plain = od.get("/orders").json()["orders"][0]
    assert "order_history" not in plain
    full = od.get("/orders", params={"get_order_history": 1}).json()["orders"][0]
    assert full["order_history"][0]["note"] == "Order created"


def test_keyset_cursor_walks_every_order_once(od: OrderDesk) -> None:
    """Equal dates are broken by id, so no order is skipped or repeated across pages."""
    ids = [od.create_order(date_added="2024-01-01 00:00:00")["id"] for _ in range(3)]
    ids += [od.create_order(date_added=f"2024-01-0{d} 12:00:00")["id"] for d in (2, 3, 4, 5)]
    by_offset = [o["id"] for o in od.get("/orders", params={"limit": 50}).json()["orders"]]
    seen, params = [], {"limit": 2}
    while True:
        response = od.get("/orders", params=params)
        body = response.json()
        seen += [o["id"] for o in body["orders"]]
        if not body["next_cursor"]:
            assert "Link" not in response.headers
            break
        assert 'rel="next"' in response.headers["Link"] and "cursor=" in response.headers["Link"]
        assert body["total_records"] == 7
        params = {"limit": 2, "cursor": body["next_cursor"]}
    assert seen == by_offset and sorted(seen) == sorted(ids)
    ascending = od.get("/orders", params={"limit": 3, "order_by": "id", "order": "asc"}).json()
    rest = od.get(
        "/orders",
        params={"limit": 50, "order_by": "id", "order": "asc", "cursor": ascending["next_cursor"]},
    ).json()
    assert [o["id"] for o in ascending["orders"] + rest["orders"]] == sorted(ids, key=int)
    assert_error(od.get("/orders", params={"cursor": "garbage"}), 400, "cursor")
    assert_error(od.get("/orders", params={"cursor": ascending["next_cursor"]}), 400, "cursor")
    assert_error(
        od.get("/orders", params={"order_by": "email", "cursor": ascending["next_cursor"]}),
        400,
        "cursor",
    )
