"""The print-on-demand endpoints in JSON and XML (§3–§10), on both databases."""

from __future__ import annotations

import re
from typing import Any

import defusedxml.ElementTree as SafeET
import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.app import create_app
from tests.helpers import OrderDesk, make_settings
from tests.pod.helpers import DOC_EXAMPLE, XML_ORDER, Pod, sha1

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture
def pod(client: TestClient, store: Any) -> Pod:
    return Pod(client, store)


def error_of(response: Any) -> str:
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/xml"):
        root = SafeET.fromstring(response.content)
        assert root.tag == "error"
        return str(root.text)
    body = response.json()
    assert list(body) == ["error"], body
    return str(body["error"])


# --- authentication ----------------------------------------------------------------------


def test_every_way_a_signature_can_be_wrong(pod: Pod, client: TestClient, make_store: Any) -> None:
    good = pod.signed_query()
    assert "orders" in client.get(f"/api/orders.php?{good}").json()
    other = Pod(client, make_store("Other"))
    bad = [
        "",  # nothing
        f"AppId={pod.app_id}",  # no signature
        f"Signature={sha1(b'', pod.secret)}",  # no AppId
        f"AppId={pod.app_id}&Signature=" + "0" * 40,  # wrong value
        f"AppId=APP-99999999&Signature={sha1(b'AppId=APP-99999999', pod.secret)}",  # unknown AppId
        f"AppId={pod.app_id}&Signature={sha1(f'AppId={pod.app_id}'.encode(), other.secret)}",
        good + "&limit=5",  # a parameter added after signing
        good.replace(pod.app_id, pod.app_id.lower()),  # not the signed bytes
    ]
    for query in bad:
        message = error_of(client.get(f"/api/orders.php?{query}"))
        assert message in ("Missing AppId or Signature", "Invalid AppId or Signature"), query


def test_signature_may_stand_anywhere_and_in_upper_case(pod: Pod, client: TestClient) -> None:
    order = pod.create()
    unsigned = f"AppId={pod.app_id}&id={order['id']}"
    signature = sha1(unsigned.encode(), pod.secret)
    first = client.get(f"/api/order.php?Signature={signature}&AppId={pod.app_id}&id={order['id']}")
    middle = client.get(
        f"/api/order.php?AppId={pod.app_id}&Signature={signature.upper()}&id={order['id']}"
    )
    assert first.json()["order"]["id"] == middle.json()["order"]["id"] == order["id"]


def test_post_is_signed_over_the_raw_body(pod: Pod, client: TestClient) -> None:
    body = orjson.dumps(DOC_EXAMPLE)
    wrong = client.post(
        f"/api/orders.php?AppId={pod.app_id}&Signature={sha1(body + b' ', pod.secret)}",
        content=body, headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert error_of(wrong) == "Invalid AppId or Signature"
    assert pod.get("orders/count.php").json() == {"count": 0}


# --- create ------------------------------------------------------------------------------


def test_documented_example_is_accepted_as_is(pod: Pod) -> None:
    order = pod.create()
    assert order["id"].isdigit() and order["external_id"] is None
    assert (
        order["status"] == "received" and order["deleted"] == "false" and order["type"] == "order"
    )
    assert order["brand"] == "Inkthreadable" and ISO.match(order["created_at"])
    assert order["shipping_address"]["postcode"] == "BB1 5QH"
    assert order["shipping_address"]["county"] == "Lancashire"
    assert order["billing_address"]["lastName"] == "Cunliffe"
    item = order["items"][0]
    assert item["pn"] == "JH001" and item["quantity"] == "4" and item["retailPrice"] == "20.00000"
    assert item["designs"] == [
        {"title": "front", "src": "http://example.com/a.jpg"},
        {"title": "back", "src": "http://example.com/b.jpg"},
    ]
    assert item["mockups"] == []
    assert "Please print as large as posible" in item["description"]
    assert item["description"].startswith("\t<ul>")
    shipping = order["shipping"]
    assert shipping == {
        "shippingMethod": "courier",
        "trackingNumber": None,
        "shipped_at": None,
        "shiped_at": None,
    }


def test_brand_and_brandname_both_accepted(pod: Pod) -> None:
    data = {k: v for k, v in DOC_EXAMPLE.items() if k != "brandName"}
    assert pod.post({**data, "brand": "Other Brand"}).json()["order"]["brand"] == "Other Brand"


def test_xml_create_answers_in_xml(pod: Pod) -> None:
    response = pod.post(XML_ORDER, "application/xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = SafeET.fromstring(response.content)
    assert root.tag == "order" and root.findtext("external_id") == "XML-1"
    assert root.findtext("status") == "received" and root.findtext("brand") == "Brand X"
    assert root.find("items/item/pn").text == "GD05-BLK-L"  # type: ignore[union-attr]
    assert root.find("items/item/designs/design/title").text == "front"  # type: ignore[union-attr]
    eleven = XML_ORDER.replace(b'version="1.0"', b'version="1.1"').replace(b"XML-1", b"XML-11")
    assert (
        SafeET.fromstring(pod.post(eleven, "text/xml").content).findtext("external_id") == "XML-11"
    )
    sniffed = pod.post(XML_ORDER.replace(b"XML-1", b"XML-3"), "application/octet-stream")
    assert SafeET.fromstring(sniffed.content).findtext("external_id") == "XML-3"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shipping_address": None}, "shipping_address is required"),
        ({"shipping_address": {**DOC_EXAMPLE["shipping_address"], "postcode": ""}}, "shipping_address.postcode is required"),
        ({"shipping": {}}, "shipping.shippingMethod is required"),
        # Any method is accepted unless the store sets a strict list (test_pod_bad_input.py).
        ({"shipping": {"shippingMethod": "p" * 101}}, "shipping.shippingMethod is longer than 100 characters"),
        ({"items": []}, "items is required"),
        ({"items": [{**DOC_EXAMPLE["items"][0], "pn": ""}]}, "items[0].pn is required"),
        ({"items": [DOC_EXAMPLE["items"][0], {**DOC_EXAMPLE["items"][0], "quantity": 0}]}, "items[1].quantity"),
        ({"items": [{**DOC_EXAMPLE["items"][0], "designs": {}}]}, "items[0].designs: at least one design"),
        ({"items": [{**DOC_EXAMPLE["items"][0], "designs": {"belly": "http://x/y.png"}}]}, "A specified position of design is not allowed."),
        ({"items": [{**DOC_EXAMPLE["items"][0], "designs": {"front": "ftp://x"}}]}, "items[0].designs.front"),
        ({"items": [{**DOC_EXAMPLE["items"][0], "retailPrice": "cheap"}]}, "items[0].retailPrice"),
    ],
)  # fmt: skip
def test_create_validation_names_the_field(pod: Pod, change: dict[str, Any], message: str) -> None:
    assert message in error_of(pod.post({**DOC_EXAMPLE, **change}))
    assert pod.get("orders/count.php").json() == {"count": 0}


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"{bad", "application/json", "malformed JSON"),
        (b"", "application/json", "empty"),
        (b"<order><unclosed></order>", "application/xml", "malformed XML"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><order>&b;</order>',
         "application/xml", "DTD or entities"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><order>&x;</order>',
         "application/xml", "DTD or entities"),
    ],
)  # fmt: skip
def test_bad_bodies_and_xml_attacks_are_refused(
    pod: Pod, body: bytes, content_type: str, message: str
) -> None:
    assert message in error_of(pod.post(body, content_type))
    assert pod.get("orders/count.php").json() == {"count": 0}


def test_oversized_body_is_an_error_in_the_protocols_shape(database: Any, store: Any) -> None:
    with TestClient(create_app(make_settings(max_body_bytes=2048), database=database)) as client:
        pod = Pod(client, store)
        big = {**DOC_EXAMPLE, "comment": "x" * 1800, "packing_slip": "y" * 1000}
        assert "larger than the limit of 2048 bytes" in error_of(pod.post(big))


def test_duplicate_external_id(pod: Pod, client: TestClient, make_store: Any) -> None:
    first = pod.create(external_id="EXT-9")
    assert f"order {first['id']} already has external_id EXT-9" in error_of(
        pod.post({**DOC_EXAMPLE, "external_id": "EXT-9"})
    )
    lenient = Pod(client, make_store(settings={"pod_duplicate_external_id": "return_existing"}))
    a = lenient.create(external_id="E")
    assert lenient.create(external_id="E")["id"] == a["id"]
    assert lenient.get("orders/count.php").json() == {"count": 1}


def test_idempotency_key_replays(pod: Pod) -> None:
    body = orjson.dumps(DOC_EXAMPLE)
    first = pod.post(body, headers={"Idempotency-Key": "retry-1"}).json()
    again = pod.post(body, headers={"Idempotency-Key": "retry-1"}).json()
    assert first == again and pod.get("orders/count.php").json() == {"count": 1}


def test_validation_lists_are_store_settings(client: TestClient, make_store: Any) -> None:
    custom = Pod(
        client,
        make_store(
            settings={"pod_shipping_methods": ["platinum"], "pod_design_placements": ["belly"]}
        ),
    )
    order = {**DOC_EXAMPLE, "shipping": {"shippingMethod": "Platinum"},
             "items": [{**DOC_EXAMPLE["items"][0], "designs": {"belly": "http://x/b.png"}}]}  # fmt: skip
    assert custom.create(**order)["shipping"]["shippingMethod"] == "Platinum"
    assert "not offered" in error_of(custom.post(DOC_EXAMPLE))


# --- list, get, count, paging --------------------------------------------------------------


def test_list_get_count_and_paging(pod: Pod) -> None:
    ids = [pod.create(external_id=f"P{i}")["id"] for i in range(5)]
    listed = pod.get("orders.php").json()
    assert [o["order"]["id"] for o in listed["orders"]] == ids  # ascending by id
    page2 = pod.get("orders.php", limit=2, page=2).json()
    assert [o["order"]["id"] for o in page2["orders"]] == ids[2:4]
    assert pod.get("orders.php", limit=2, page=9).json() == {"orders": []}
    since = pod.get("orders.php", since_id=ids[2]).json()
    assert [o["order"]["id"] for o in since["orders"]] == ids[3:]
    chosen = pod.get("orders.php", ids=f"{ids[0]},{ids[4]}").json()
    assert [o["order"]["id"] for o in chosen["orders"]] == [ids[0], ids[4]]
    assert pod.get("orders.php", limit=1000).status_code == 200
    assert pod.get("orders/count.php").json() == {"count": 5}
    assert pod.get("orders/count.php", since_id=ids[1]).json() == {"count": 3}
    assert pod.get("orders/count.php", status="paid").json() == {"count": 0}
    assert pod.get("orders/count.php", status="received").json() == {"count": 5}
    assert pod.get("orders/count.php", created_at_min="2000-01-01T00:00:00Z").json() == {"count": 5}
    assert pod.get("orders/count.php", created_at_max="2000-01-01T00:00:00+01:00").json() == {
        "count": 0
    }
    one = pod.get("order.php", id=ids[1]).json()
    assert one["order"]["external_id"] == "P1"
    for bad in (
        {"status": "lost"},
        {"limit": "many"},
        {"page": 0},
        {"ids": "1,x"},
        {"created_at_min": "soon"},
    ):
        assert error_of(pod.get("orders.php", **bad))


def test_xml_reads(pod: Pod) -> None:
    pod.create()
    listed = SafeET.fromstring(pod.get("orders.php", format="XML").content)
    assert listed.tag == "orders" and len(listed.findall("order")) == 1
    count = SafeET.fromstring(pod.get("orders/count.php", format="xml").content)
    assert count.tag == "count" and count.text == "1"
    assert error_of(pod.get("order.php", id="999999", format="xml")) == "Order not found"


@pytest.mark.parametrize("junk", ["999999", "'`;:", ""])
def test_unknown_order_is_order_not_found(pod: Pod, junk: str) -> None:
    assert error_of(pod.get("order.php", id=junk)) == "Order not found"


def test_stores_are_isolated(pod: Pod, client: TestClient, make_store: Any) -> None:
    order = pod.create()
    other = Pod(client, make_store("Other"))
    assert error_of(other.get("order.php", id=order["id"])) == "Order not found"
    assert other.get("orders.php").json() == {"orders": []}
    assert error_of(other.delete(id=order["id"])) == "Order not found"


# --- delete ------------------------------------------------------------------------------


def test_only_unpaid_orders_can_be_deleted(pod: Pod, od_for: Any) -> None:
    unpaid, paid = pod.create(external_id="U"), pod.create(external_id="P")
    od = od_for(pod.store)
    od.post("/move-orders", json={"order_id_list": [paid["id"]], "destination_folder_name": "Paid"})
    assert pod.get("order.php", id=paid["id"]).json()["order"]["status"] == "paid"
    refused = error_of(pod.delete(id=paid["id"]))
    assert (
        refused
        == f"Order {paid['id']} cannot be deleted: it is paid; only unpaid (received) orders can be"
    )
    deleted = pod.delete(id=unpaid["id"]).json()["order"]
    assert deleted["deleted"] == "true" and deleted["status"] == "received"
    listed = {
        o["order"]["id"]: o["order"]["deleted"] for o in pod.get("orders.php").json()["orders"]
    }
    assert listed == {unpaid["id"]: "true", paid["id"]: "false"}
    assert pod.delete(id=unpaid["id"]).json()["order"]["deleted"] == "true"
    assert error_of(pod.delete(id="424242")) == "Order not found"
    back_office = od.get(f"/orders/{unpaid['id']}").json()["order"]
    folders = od.get("/store").json()["store"]["folders"]
    assert folders[str(back_office["folder_id"])] == "Canceled"


@pytest.fixture
def od_for(client: TestClient) -> Any:
    return lambda store: OrderDesk(client, store)
