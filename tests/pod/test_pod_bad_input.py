"""Hostile and edge-case input on the print-on-demand endpoints, on both databases: each is
answered with an error naming the parameter or field (never the internal error), and
nothing is written. Also the shipping-method rule, label keys, and absent values in JSON
and XML."""

from __future__ import annotations

from typing import Any

import defusedxml.ElementTree as SafeET
import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.domain import limits
from orderhub.protocol.pod.xml_format import parse_xml
from tests.helpers import OrderDesk, sample_order
from tests.pod.helpers import DOC_EXAMPLE, Pod, sha1

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
UNICODE_NUMBERS = ["²", "¹", "١", "１", "1²"]
EDGE_DATES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01", "1969-01-01"]
ITEM = DOC_EXAMPLE["items"][0]


@pytest.fixture
def pod(client: TestClient, store: Any) -> Pod:
    return Pod(client, store)


def error_of(response: Any) -> str:
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/xml"):
        root = SafeET.fromstring(response.content)
        assert root.tag == "error", response.text
        message = str(root.text)
    else:
        body = response.json()
        assert list(body) == ["error"], body
        message = str(body["error"])
    assert "Internal error" not in message
    return message


def count(pod: Pod) -> int:
    return int(pod.get("orders/count.php").json()["count"])


def with_item(**changes: Any) -> dict[str, Any]:
    return {**DOC_EXAMPLE, "items": [{**ITEM, **changes}]}


# --- Unicode digits and ranges in the query --------------------------------------------


@pytest.mark.parametrize("raw", [*UNICODE_NUMBERS, "1,²", "99999999999999999999", "0"])
def test_ids_filter(pod: Pod, raw: str) -> None:
    pod.create()
    assert "ids" in error_of(pod.get("orders.php", ids=raw))


def test_arabic_digits_do_not_name_an_order(pod: Pod) -> None:
    order = pod.create()
    arabic = order["id"].translate(ARABIC)
    assert "ids" in error_of(pod.get("orders.php", ids=arabic))
    assert error_of(pod.get("order.php", id=arabic)) == "Order not found"
    assert error_of(pod.delete(id=arabic)) == "Order not found"
    assert pod.get("order.php", id=order["id"]).json()["order"]["deleted"] == "false"


@pytest.mark.parametrize("raw", [*UNICODE_NUMBERS, "99999999999999999999", "-1"])
def test_order_id(pod: Pod, raw: str) -> None:
    assert error_of(pod.get("order.php", id=raw)) == "Order not found"
    assert error_of(pod.delete(id=raw)) == "Order not found"


@pytest.mark.parametrize("name", ["limit", "page", "since_id"])
@pytest.mark.parametrize("raw", [*UNICODE_NUMBERS, "-1", "1.5"])
def test_paging_numbers(pod: Pod, name: str, raw: str) -> None:
    assert name in error_of(pod.get("orders.php", **{name: raw}))


def test_paging_ranges(pod: Pod) -> None:
    assert "page" in error_of(pod.get("orders.php", page="9" * 30))
    assert "page" in error_of(pod.get("orders.php", page=limits.MAX_OFFSET))
    assert "since_id" in error_of(pod.get("orders.php", since_id="9" * 30))
    assert "since_id" in error_of(pod.get("orders/count.php", since_id=2**63))
    assert pod.get("orders.php", limit="9" * 30).json() == {"orders": []}
    assert pod.get("orders.php", since_id=2**63 - 1).json() == {"orders": []}


@pytest.mark.parametrize("name", ["created_at_min", "created_at_max"])
@pytest.mark.parametrize("value", EDGE_DATES)
def test_dates_at_the_edge_of_the_calendar(pod: Pod, name: str, value: str) -> None:
    assert name in error_of(pod.get("orders.php", **{name: value}))
    assert name in error_of(pod.get("orders/count.php", **{name: value}))


def test_nul_in_the_unauthenticated_app_id(pod: Pod, client: TestClient) -> None:
    for query in ("AppId=%00&Signature=x", f"AppId={pod.app_id}%00&Signature=x"):
        assert "NUL" in error_of(client.get(f"/api/orders.php?{query}"))
    unsigned = f"AppId={pod.app_id}&ids=1%00"
    signed = f"{unsigned}&Signature={sha1(unsigned.encode(), pod.secret)}"
    assert "NUL" in error_of(client.get(f"/api/orders.php?{signed}"))


# --- the create body ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", ["١", "²", "１", 2**64, 2**40, 2**31, limits.MAX_QUANTITY + 1, "1e3", 0, True]
)
def test_quantity(pod: Pod, quantity: Any) -> None:
    body = orjson.dumps(with_item(quantity=1))
    if isinstance(quantity, int) and not isinstance(quantity, bool):  # past 64 bits too
        body = body.replace(b'"quantity":1', b'"quantity":%d' % quantity)
    else:
        body = orjson.dumps(with_item(quantity=quantity))
    assert "items[0].quantity" in error_of(pod.post(body))
    assert count(pod) == 0


def test_largest_quantity_is_accepted(pod: Pod) -> None:
    assert pod.create(**with_item(quantity=str(limits.MAX_QUANTITY)))["items"][0]["quantity"] == (
        str(limits.MAX_QUANTITY)
    )


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"retailPrice": "1E+999999999"}, "items[0].retailPrice"),
        ({"retailPrice": "١٠"}, "items[0].retailPrice"),
        ({"retailPrice": 999_999_999_999, "quantity": 1_000_000}, "order total"),
    ],
)
def test_prices_and_totals(pod: Pod, changes: dict[str, Any], fragment: str) -> None:
    assert fragment in error_of(pod.post(with_item(**changes)))
    assert count(pod) == 0


def test_overflowing_json_numbers_are_refused(pod: Pod) -> None:
    body = orjson.dumps(with_item(retailPrice=1)).replace(
        b'"retailPrice":1', b'"retailPrice":1e400'
    )
    assert "malformed JSON" in error_of(pod.post(body))


def test_deep_bodies_are_refused(pod: Pod) -> None:
    deep: Any = "x"
    for _ in range(limits.MAX_JSON_DEPTH + 1):
        deep = {"n": deep}
    assert "nested deeper than 32" in error_of(pod.post({**DOC_EXAMPLE, "extra": deep}))
    assert "items[0].label" in error_of(pod.post(with_item(label={"type": {"a": "b"}})))
    assert count(pod) == 0


def test_nul_in_the_body(pod: Pod) -> None:
    address = {**DOC_EXAMPLE["shipping_address"], "city": "Black\x00burn"}
    assert "NUL" in error_of(pod.post({**DOC_EXAMPLE, "shipping_address": address}))
    assert "NUL" in error_of(pod.post({**DOC_EXAMPLE, "ignored\x00": 1}))
    xml = b"<order><comment>a&#0;b</comment></order>"
    assert "malformed XML" in error_of(pod.post(xml, "application/xml"))
    assert count(pod) == 0


@pytest.mark.parametrize(
    ("changes", "fragment", "width"),
    [
        ({"external_id": None}, "external_id", limits.width("orders", "source_id")),
        ({"buyer_email": None}, "buyer_email", limits.width("orders", "email")),
        ({"shipping": None}, "shipping.shippingMethod", 100),
        ({"shipping_address": "postcode"}, "shipping_address.postcode", limits.ADDRESS_WIDTH),
        ({"items": "pn"}, "items[0].pn", limits.width("order_items", "code")),
        ({"items": "title"}, "items[0].title", limits.width("order_items", "name")),
    ],
)
def test_text_is_as_long_as_its_column(
    pod: Pod, changes: dict[str, Any], fragment: str, width: int
) -> None:
    def body(length: int) -> dict[str, Any]:
        ((key, sub),) = changes.items()
        text = "x" * length
        if key == "shipping":
            return {**DOC_EXAMPLE, "shipping": {"shippingMethod": text}}
        if key == "items":
            return with_item(**{sub: text})
        if sub is not None:
            return {**DOC_EXAMPLE, key: {**DOC_EXAMPLE[key], sub: text}}
        return {**DOC_EXAMPLE, key: text}

    assert fragment in error_of(pod.post(body(width + 1)))
    assert "order" in pod.post(body(width)).json()


# --- shipping methods ----------------------------------------------------------------------


def test_any_shipping_method_is_accepted_by_default(pod: Pod) -> None:
    free = pod.create(shipping={"shippingMethod": "UK Royal Mail 24 Tracked"})
    assert free["shipping"]["shippingMethod"] == "UK Royal Mail 24 Tracked"
    assert pod.create(shipping={"shippingMethod": "platinum"})["shipping"]["shippingMethod"] == (
        "platinum"
    )
    known = pod.create(shipping={"shippingMethod": "  COURIER "})
    assert known["shipping"]["shippingMethod"] == "courier"
    assert "shipping.shippingMethod is required" in error_of(
        pod.post({**DOC_EXAMPLE, "shipping": {"shippingMethod": "  "}})
    )


def test_a_strict_list_refuses_other_methods(client: TestClient, make_store: Any) -> None:
    strict = Pod(client, make_store(settings={"pod_shipping_methods": ["tracked", "Next Day"]}))
    assert (
        strict.create(shipping={"shippingMethod": "next day"})["shipping"]["shippingMethod"]
        == "next day"
    )
    assert (
        strict.create(shipping={"shippingMethod": "TRACKED"})["shipping"]["shippingMethod"]
        == "tracked"
    )
    message = error_of(strict.post({**DOC_EXAMPLE, "shipping": {"shippingMethod": "courier"}}))
    assert "'courier' is not offered" in message and "tracked, Next Day" in message


# --- labels become XML element names --------------------------------------------------------


@pytest.mark.parametrize("key", ["1type", "a b", "<x>", "", "x" * 65, "a:b", "é"])
def test_label_keys_must_be_plain_names(pod: Pod, key: str) -> None:
    assert "items[0].label" in error_of(pod.post(with_item(label={key: "printed"})))
    assert count(pod) == 0


def test_plain_label_keys_render_in_xml(pod: Pod) -> None:
    label = {"type": "printed", "name": "ink-label", "_x.y-z9": "1"}
    order = pod.create(**with_item(label=label))
    xml = pod.get("order.php", id=order["id"], format="xml")
    root = SafeET.fromstring(xml.content)
    assert root.findtext("items/item/label/_x.y-z9") == "1"
    assert root.findtext("items/item/label/name") == "ink-label"


# --- absent values read the same in JSON and XML ---------------------------------------


def test_absent_values_agree_in_json_and_xml(pod: Pod) -> None:
    order = pod.create()
    as_json = pod.get("order.php", id=order["id"]).json()["order"]
    root, as_xml = parse_xml(pod.get("order.php", id=order["id"], format="xml").content)
    assert root == "order"
    assert as_json["shipping"]["trackingNumber"] is None
    assert as_json["external_id"] is None and as_json["items"][0]["label"] is None
    for key in ("trackingNumber", "shipped_at", "shiped_at"):
        assert as_xml["shipping"][key] is as_json["shipping"][key] is None
    assert as_xml["external_id"] is None and as_xml["items"][0]["label"] is None
    assert as_xml["comment"] == as_json["comment"] == "Test order."
    assert as_xml["packing_slip"] == as_json["packing_slip"] == ""


def test_control_characters_are_refused_so_xml_stays_well_formed(pod: Pod, od: OrderDesk) -> None:
    assert "U+000B" in error_of(pod.post(with_item(title="Tee\x0b")))
    assert "U+0008" in error_of(pod.post({**DOC_EXAMPLE, "comment": "a\x08b"}))
    refused = od.post("/orders", json=sample_order(shipping_method="Ground\x02"))
    assert refused.status_code == 400 and "U+0002" in refused.json()["message"]
    created = od.post("/orders", json=sample_order(shipping_method="Ground\tfast"))
    order_id = created.json()["order"]["id"]
    xml = pod.get("order.php", id=order_id, format="xml")
    assert SafeET.fromstring(xml.content).findtext("shipping/shippingMethod") == "Ground\tfast"


# --- image URLs are http(s) links ---------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:image/png;base64,AA", "https://", "https://a b/x.png"]
)
def test_design_urls_are_http_links_only(pod: Pod, url: str) -> None:
    message = error_of(pod.post(with_item(designs={"front": url})))
    assert "items[0].designs.front must be an http(s) image URL" in message
    assert count(pod) == 0
