"""Hostile and edge-case input on /api/v2: every one is refused with a 4xx naming the field,
the same on SQLite and PostgreSQL, and nothing is written (a 500 is always a bug).

Found by fuzzing (Schemathesis) and by hand: Unicode digits, integers past 32/64 bits, totals
that overflow the storage, dates at the edge of the calendar, deep JSON, NUL characters,
strings longer than their column, forged cursors.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from orderhub.api.orderdesk.openapi_models import BatchInventoryResult, BatchShipmentResult
from orderhub.domain import limits
from tests.helpers import OrderDesk, sample_order

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
UNICODE_NUMBERS = ["²", "%C2%B2", "١", "１", "1²"]
EDGE_DATES = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01", "1969-12-31"]


def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


def refused(response: Any, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error", body
    for fragment in fragments:
        assert fragment in body["message"], body["message"]


def count(od: OrderDesk) -> int:
    return int(od.get("/orders").json()["total_records"])


def item(**fields: Any) -> dict[str, Any]:
    return {"name": "Thing", "code": "T-1", "price": 1, "quantity": 1, **fields}


# --- Unicode digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["%C2%B2", "%D9%A1", "%EF%BC%91", "1%C2%B2", "99999999999999999999", "0"]
)
def test_path_ids_that_are_not_ascii_numbers_are_not_found(od: OrderDesk, raw: str) -> None:
    order = od.create_order()
    for path in (
        f"/orders/{raw}",
        f"/orders/{raw}/order-items",
        f"/orders/{order['id']}/order-items/{raw}",
        f"/orders/{order['id']}/shipments/{raw}",
        f"/inventory-items/{raw}",
    ):
        refused(od.get(path), 404)
    refused(od.delete(f"/folders/{raw}"), 404)


def test_arabic_digits_do_not_name_an_order(od: OrderDesk) -> None:
    order = od.create_order()
    for digits in (str(order["id"]).translate(ARABIC), str(order["id"]).translate(FULL_WIDTH)):
        refused(od.get(f"/orders/{digits}"), 404)
        refused(od.delete(f"/orders/{digits}"), 404)
    assert od.get(f"/orders/{order['id']}").status_code == 200


def _header(value: str) -> bytes:
    """Header bytes are read as latin-1: `²` and `¹` arrive as themselves."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode()


@pytest.mark.parametrize("store_id", ["²", "¹", "1²", "١", "１", "99999999999999999999999"])
def test_store_id_header_with_unicode_digits_is_401(
    client: TestClient, od: OrderDesk, store_id: str
) -> None:
    own = str(od.store.store.id)
    key = (b"orderdesk-api-key", od.store.api_key.encode())
    for value in (store_id, own.translate(ARABIC), own + "²"):
        status, body = _raw_request(
            client, "GET", "/api/v2/test", [(b"orderdesk-store-id", _header(value)), key]
        )
        assert status == 401, body


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("raw", UNICODE_NUMBERS + ["-1", "1.5", "0x10"])
def test_paging_numbers(od: OrderDesk, name: str, raw: str) -> None:
    for path in ("/orders", "/inventory-items"):
        refused(od.get(f"{path}?{name}={raw}"), 400, name)


def test_offset_over_the_limit_is_refused_and_a_huge_limit_is_clamped(od: OrderDesk) -> None:
    for path in ("/orders", "/inventory-items"):
        refused(od.get(f"{path}?offset={limits.MAX_OFFSET + 1}"), 400, "offset")
        refused(od.get(f"{path}?offset={'9' * 30}"), 400, "offset")
        assert od.get(f"{path}?offset={limits.MAX_OFFSET}").status_code == 200
        assert od.get(f"{path}?limit={'9' * 30}").json()["limit"] == 500


@pytest.mark.parametrize("raw", ["²", "١", "1,²", "99999999999999999999", "0"])
def test_folder_id_filter(od: OrderDesk, raw: str) -> None:
    refused(od.get(f"/orders?folder_id={raw}"), 400, "folder_id")


@pytest.mark.parametrize(
    "quantity", ["١", "²", "１", 2**64, 2**40, 2**31, limits.MAX_QUANTITY + 1, 0]
)
def test_item_quantity(od: OrderDesk, quantity: Any) -> None:
    body = sample_order(order_items=[item(quantity=quantity)])
    refused(od.post("/orders", json=body), 400, "quantity")
    order = od.create_order()
    refused(od.post(f"/orders/{order['id']}/order-items", json=item(quantity=quantity)), 400)
    first = order["order_items"][0]["id"]
    patch = od.put(f"/orders/{order['id']}/order-items/{first}", json={"quantity": quantity})
    refused(patch, 400, "quantity")
    assert count(od) == 1


def test_largest_quantity_is_accepted(od: OrderDesk) -> None:
    body = sample_order(order_items=[item(quantity=limits.MAX_QUANTITY)])
    assert od.post("/orders", json=body).status_code == 200


# --- numbers the storage cannot hold ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"folder_id": 2**64}, "folder_id"),
        ({"folder_id": "١"}, "folder_id"),
        ({"shipping_total": 2**64}, "shipping_total"),
        ({"tax_total": "1E+999999999"}, "tax_total"),
        ({"order_items": [item(price="1E+999999999")]}, "price"),
        ({"order_items": [item(price="١٠")]}, "price"),
        ({"order_items": [item(weight="1e12")]}, "weight"),
        ({"order_items": [item(id=2**64)]}, "id"),
        ({"order_items": [item(price=999_999_999_999, quantity=1_000_000)]}, "order total"),
        ({"order_items": [item(weight=999_999_999_999, quantity=1_000_000)]}, "weight total"),
        ({"order_items": [item(quantity=1_000_000) for _ in range(2200)]}, "quantity total"),
    ],
)
def test_numbers_out_of_range_are_400_naming_the_field(
    od: OrderDesk, change: dict[str, Any], field: str
) -> None:
    refused(od.post("/orders", json=sample_order(**change)), 400, field)
    assert count(od) == 0


def test_an_added_item_that_overflows_the_total_is_refused(od: OrderDesk) -> None:
    order = od.create_order(order_items=[item(price=999_999_999_999, quantity=90)])
    added = od.post(
        f"/orders/{order['id']}/order-items", json=item(price=999_999_999_999, quantity=100)
    )
    refused(added, 400, "order total")
    first = order["order_items"][0]["id"]
    patch = od.put(f"/orders/{order['id']}/order-items/{first}", json={"quantity": 1_000_000})
    refused(patch, 400, "order total")
    assert len(od.get(f"/orders/{order['id']}").json()["order"]["order_items"]) == 1


@pytest.mark.parametrize("stock", [2**64, 2**33, limits.MAX_STOCK + 1, -limits.MAX_STOCK - 1, "١"])
def test_inventory_stock(od: OrderDesk, stock: Any) -> None:
    body = {"name": "Shirt", "code": "S-1", "stock": stock}
    refused(od.post("/inventory-items", json=body), 400, "stock")
    batch = od.put("/batch-inventory-items", json=[body]).json()
    assert batch["results"][0]["status"] == "error" and "stock" in batch["results"][0]["message"]
    assert od.get("/inventory-items").json()["inventory_items"] == []


def test_inventory_stock_at_the_limit_is_accepted(od: OrderDesk) -> None:
    body = {
        "name": "Shirt",
        "code": "S-1",
        "stock": -limits.MAX_STOCK,
        "price": "999999999999.9999",
    }
    assert od.post("/inventory-items", json=body).status_code == 200


@pytest.mark.parametrize("order_id", [2**64, 2**63, "١", "²"])
def test_move_list_ids(od: OrderDesk, order_id: Any) -> None:
    body = {"order_id_list": [order_id], "destination_folder_name": "Received"}
    refused(od.post("/move-orders", json=body), 400, "order_id_list")
    body = {"order_id_list": [1], "destination_folder_id": order_id}
    refused(od.post("/move-orders", json=body), 400, "destination_folder_id")


@pytest.mark.parametrize(
    "line",
    [
        {"id": 2**64},
        {"id": "١"},
        {"code": "TS-1", "quantity": 2**40},
        {"code": "TS-1", "quantity": "²"},
    ],
)
def test_shipment_lines(od: OrderDesk, line: dict[str, Any]) -> None:
    order = od.create_order()
    body = {"tracking_number": "1Z999", "order_items": [line]}
    refused(od.post(f"/orders/{order['id']}/shipments", json=body), 400, "order_items[0]")
    assert od.get(f"/orders/{order['id']}").json()["order"]["order_shipments"] == []


# --- dates ------------------------------------------------------------------------------

DATE_FILTERS = (
    "search_start_date", "search_end_date", "search_start_date_local", "search_end_date_local",
    "modified_start_date", "modified_end_date",
)  # fmt: skip


@pytest.mark.parametrize("value", EDGE_DATES)
def test_date_filters_at_the_edge_of_the_calendar(od: OrderDesk, value: str) -> None:
    for name in DATE_FILTERS:
        refused(od.get("/orders", params={name: value}), 400, name)


@pytest.mark.parametrize("value", EDGE_DATES)
def test_date_added_at_the_edge_of_the_calendar(od: OrderDesk, value: str) -> None:
    refused(od.post("/orders", json=sample_order(date_added=value)), 400, "date_added")
    order = od.create_order()
    body = {"tracking_number": "1Z1", "date_shipped": value}
    refused(od.post(f"/orders/{order['id']}/shipments", json=body), 400, "date_shipped")


def test_dates_inside_the_bounds_are_accepted(od: OrderDesk) -> None:
    order = od.create_order(date_added="1970-01-01T00:00:00Z")
    assert order["date_added"] == "1970-01-01 00:00:00"
    assert od.get("/orders", params={"search_end_date": "9998-12-31"}).status_code == 200


# --- JSON nesting, big numbers inside free-form JSON, NUL ---------------------------------


def test_deep_json_is_refused_everywhere(od: OrderDesk) -> None:
    too_deep = deep(limits.MAX_JSON_DEPTH + 1)
    order = od.create_order()
    attempts = [
        od.post("/orders", json=sample_order(order_metadata=too_deep)),
        od.post("/orders", json=sample_order(checkout_data=too_deep)),
        od.post("/orders", json=sample_order(order_items=[item(variation_list=too_deep)])),
        od.post(f"/orders/{order['id']}/order-items", json=item(metadata=too_deep)),
        od.post("/inventory-items", json={"name": "A", "code": "A", "metadata": too_deep}),
        od.post(f"/orders/{order['id']}/shipments", json={"tracking_number": "Z", "x": too_deep}),
    ]
    for response in attempts:
        refused(response, 400, "nested deeper than 32")
    assert count(od) == 1
    fits = sample_order(order_metadata=deep(limits.MAX_JSON_DEPTH - 2))
    assert od.post("/orders", json=fits).status_code == 200


@pytest.mark.parametrize("raw", [b'{"a": 1e400}', b'{"a": -1e999}', b'{"a": [NaN]}'])
def test_numbers_json_cannot_hold_inside_metadata(od: OrderDesk, raw: bytes) -> None:
    body = orjson.dumps(sample_order(order_metadata={"placeholder": 1}))
    response = od.post("/orders", content=body.replace(b'{"placeholder":1}', raw))
    refused(response, 400, "malformed JSON")
    assert count(od) == 0


def test_integers_past_64_bits_in_metadata_read_back_as_stored(od: OrderDesk) -> None:
    """orjson reads an integer past 64 bits as a float: it is stored and shown as that."""
    body = orjson.dumps(sample_order(order_metadata={"placeholder": 1}))
    raw = body.replace(b'{"placeholder":1}', b'{"a": 18446744073709551616}')
    created = od.post("/orders", content=raw)
    assert created.status_code == 200, created.text
    order = od.get(f"/orders/{created.json()['order']['id']}").json()["order"]
    assert order["order_metadata"] == created.json()["order"]["order_metadata"]
    assert order["order_metadata"]["a"] == float(2**64)


def test_nul_is_refused_in_bodies(od: OrderDesk) -> None:
    order = od.create_order()
    attempts = [
        od.post("/orders", json=sample_order(email="a\x00@b.c")),
        od.post("/orders", json=sample_order(order_metadata={"k": "v\x00"})),
        od.post("/orders", json=sample_order(order_metadata={"k\x00": "v"})),
        od.post("/orders", json=sample_order(order_items=[item(name="\x00")])),
        od.post(f"/orders/{order['id']}/shipments", json={"tracking_number": "1Z\x00"}),
        od.post("/inventory-items", json={"name": "A", "code": "A\x00"}),
        od.post("/folders", json={"name": "F\x00"}),
        od.post(f"/orders/{order['id']}/order-history", json={"note": "hi\x00"}),
    ]
    for response in attempts:
        refused(response, 400, "NUL")
    assert count(od) == 1


@pytest.mark.parametrize(
    "query",
    ["email=a%00b", "source_id=%00", "shipping_last_name=%00", "folder_name=%00", "code=%00",
     "search=%00"],
)  # fmt: skip
def test_nul_in_query_parameters(od: OrderDesk, query: str) -> None:
    path = "/inventory-items" if query.startswith(("code", "search")) else "/orders"
    refused(od.get(f"{path}?{query}"), 400, "NUL")


def test_nul_in_header_values(client: TestClient, od: OrderDesk) -> None:
    scope_headers = [
        (b"orderdesk-store-id", str(od.store.store.id).encode()),
        (b"orderdesk-api-key", od.store.api_key.encode() + b"\x00"),
    ]
    response = _raw_request(client, "GET", "/api/v2/test", scope_headers)
    assert response[0] in (400, 401), response
    key = [(b"idempotency-key", b"k\x00")]
    status, _ = _raw_request(
        client, "POST", "/api/v2/orders",
        [*_auth(od), *key, (b"content-type", b"application/json")],
        orjson.dumps(sample_order()),
    )  # fmt: skip
    assert status == 400
    assert count(od) == 0


def _auth(od: OrderDesk) -> list[tuple[bytes, bytes]]:
    return [
        (b"orderdesk-store-id", str(od.store.store.id).encode()),
        (b"orderdesk-api-key", od.store.api_key.encode()),
    ]


def _raw_request(
    client: TestClient,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
) -> tuple[int, bytes]:
    """Straight to the app with these exact header bytes: httpx refuses NUL in header values
    and re-encodes latin-1 ones as UTF-8; a real server passes them through as sent."""
    import anyio

    app = client.app
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        chunks = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            return chunks.pop() if chunks else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 1), "server": ("testserver", 80),
        }  # fmt: skip
        await app(scope, receive, send)  # type: ignore[operator]

    anyio.run(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return int(start["status"]), b"".join(m.get("body", b"") for m in sent[1:])


# --- text longer than its column --------------------------------------------------------

ORDER_TEXT = (
    "source_id", "source_name", "email", "shipping_method", "cc_exp", "cc_number_masked",
    "processor_response", "payment_type", "customer_id", "ip_address", "tag_color", "tag_name",
    "fulfillment_name", "fulfillment_id",
)  # fmt: skip
ITEM_TEXT = ("name", "code", "category_code", "fulfillment_method")
SHIPMENT_TEXT = (
    "tracking_number", "carrier_code", "shipment_method", "weight", "cost", "status",
    "tracking_url", "label_format", "print_status", "cart_shipment_id", "label_shipment_id",
)  # fmt: skip
INVENTORY_TEXT = ("name", "code", "location", "update_source", "manufacturer_sku")


def _width(table: str, column: str) -> int:
    return limits.TEXT_WIDTHS[table][column]


@pytest.mark.parametrize("field", ORDER_TEXT)
def test_order_text_is_as_long_as_its_column(od: OrderDesk, field: str) -> None:
    width = _width("orders", field)
    refused(od.post("/orders", json=sample_order(**{field: "x" * (width + 1)})), 400, field)
    if field != "cc_number_masked":  # shown masked
        created = od.create_order(**{field: "x" * width})
        assert created[field] == "x" * width


def test_address_text_is_as_long_as_its_column(od: OrderDesk) -> None:
    width = _width("orders", "shipping_city")
    long = {**sample_order()["shipping"], "city": "x" * (width + 1)}
    refused(od.post("/orders", json=sample_order(shipping=long)), 400, "shipping.city")


@pytest.mark.parametrize("field", ITEM_TEXT)
def test_item_text_is_as_long_as_its_column(od: OrderDesk, field: str) -> None:
    width = _width("order_items", field)
    refused(
        od.post("/orders", json=sample_order(order_items=[item(**{field: "x" * (width + 1)})])),
        400, field,
    )  # fmt: skip
    created = od.create_order(order_items=[item(**{field: "x" * width})])
    assert created["order_items"][0][field] == "x" * width


@pytest.mark.parametrize("field", SHIPMENT_TEXT)
def test_shipment_text_is_as_long_as_its_column(od: OrderDesk, field: str) -> None:
    order = od.create_order()
    width = _width("shipments", field)
    base = {"tracking_number": "1Z999"}
    too_long = od.post(f"/orders/{order['id']}/shipments", json={**base, field: "x" * (width + 1)})
    refused(too_long, 400, field)
    fitting = "x" * width
    if field == "tracking_url":  # links only to http(s)
        fitting = "https://t.example/" + "x" * (width - 18)
    fits = od.post(f"/orders/{order['id']}/shipments", json={**base, field: fitting})
    assert fits.status_code == 200, fits.text


@pytest.mark.parametrize("field", INVENTORY_TEXT)
def test_inventory_text_is_as_long_as_its_column(od: OrderDesk, field: str) -> None:
    width = _width("inventory_items", field)
    base = {"name": "Shirt", "code": "S-1"}
    refused(od.post("/inventory-items", json={**base, field: "x" * (width + 1)}), 400, field)
    fits = od.post("/inventory-items", json={**base, field: "x" * width})
    assert fits.status_code == 200, fits.text


def test_folder_name_and_history_source_are_as_long_as_their_columns(od: OrderDesk) -> None:
    width = _width("folders", "name")
    refused(od.post("/folders", json={"name": "x" * (width + 1)}), 400, "name")
    assert od.post("/folders", json={"name": "x" * width}).status_code == 200
    order = od.create_order()
    width = _width("order_history", "source_name")
    note = {"note": "hello", "source_name": "x" * (width + 1)}
    refused(od.post(f"/orders/{order['id']}/order-history", json=note), 400, "source_name")


def test_every_width_matches_the_schema() -> None:
    from sqlalchemy import String

    from orderhub.storage import tables

    for table, columns in limits.TEXT_WIDTHS.items():
        for column, width in columns.items():
            kind = tables.metadata.tables[table].c[column].type
            assert isinstance(kind, String) and kind.length == width, (table, column)


# --- cursors ----------------------------------------------------------------------------


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


@pytest.mark.parametrize(
    ("order_by", "cursor"),
    [
        ("id", ["id", [1], 1]),
        ("id", ["id", {"a": 1}, 1]),
        ("id", ["id", 2**64 - 1, 1]),
        ("id", ["id", 5, 2**64 - 1]),
        ("id", ["id", 5, -1]),
        ("id", ["id", True, 1]),
        ("date_added", ["date_added", "0001-01-01T00:00:00", 1]),
        ("date_added", ["date_added", "9999-12-31T23:59:59", 1]),
        ("date_added", ["date_added", "2026-01-01T00:00:00+01:00", 1]),
        ("date_added", ["date_added", ["2026-01-01"], 1]),
        ("date_updated", ["date_updated", 20260101, 1]),
        ("date_added", {"a": 1}),
        ("date_added", "x"),
    ],
)
def test_forged_cursors(od: OrderDesk, order_by: str, cursor: Any) -> None:
    response = od.get("/orders", params={"order_by": order_by, "cursor": _cursor(cursor)})
    refused(response, 400, "cursor")


# --- stock moved by orders ----------------------------------------------------------------


def test_stock_moved_by_orders_stays_in_range(client: TestClient, make_store: Any) -> None:
    od = OrderDesk(client, make_store(settings={"auto_update_stock_count": True}))
    low = -limits.MAX_STOCK + 10
    created = od.post("/inventory-items", json={"name": "S", "code": "S-1", "stock": low})
    stock_url = f"/inventory-items/{created.json()['inventory_item']['id']}"
    lines = [item(code="S-1", quantity=limits.MAX_QUANTITY) for _ in range(200)]
    refused(od.post("/orders", json=sample_order(order_items=lines)), 400, "stock", "S-1")
    assert count(od) == 0
    order = od.create_order(order_items=[item(code="S-1", quantity=10)])
    assert int(od.get(stock_url).json()["inventory_item"]["stock"]) == -limits.MAX_STOCK
    added = od.post(f"/orders/{order['id']}/order-items", json=item(code="S-1", quantity=1))
    refused(added, 400, "stock")
    assert od.delete(f"/orders/{order['id']}").status_code == 200
    assert int(od.get(stock_url).json()["inventory_item"]["stock"]) == low


# --- characters no XML document can hold ------------------------------------------------


def test_control_characters_are_refused(od: OrderDesk) -> None:
    shipping = {**sample_order()["shipping"], "first_name": "Ja\x01ne"}
    refused(od.post("/orders", json=sample_order(shipping=shipping)), 400, "U+0001")
    refused(od.post("/orders", json=sample_order(order_metadata={"k": "\x1f"})), 400, "U+001F")
    refused(od.post("/orders", json=sample_order(email="a\ufffe@b.c")), 400, "U+FFFE")
    assert count(od) == 0
    kept = od.create_order(order_items=[item(name="Tee\tblue\r\nlarge")])
    assert kept["order_items"][0]["name"] == "Tee\tblue\r\nlarge"


# --- URLs that the desk shows as links --------------------------------------------------

HOSTILE_LINKS = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "https://",
    "ftp://files.example/x",
]


@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_tracking_urls_are_http_links_only(od: OrderDesk, url: str) -> None:
    order = od.create_order()
    body = {"tracking_number": "1Z999", "tracking_url": url}
    refused(od.post(f"/orders/{order['id']}/shipments", json=body), 400, "tracking_url")
    batch = od.post("/batch-shipments", json=[{**body, "order_id": order["id"]}])
    assert "tracking_url" in str(batch.json()), batch.text
    assert od.get(f"/orders/{order['id']}/shipments").json()["total_records"] == 0
    accepted = od.post(
        f"/orders/{order['id']}/shipments",
        json={"tracking_number": "1Z999", "tracking_url": "HTTPS://track.example/?n=1"},
    )
    assert accepted.status_code == 200, accepted.text


# --- batch result entries echo only values of their documented type -----------------------

ODD_VALUES = [{}, [], None, True, {"$ne": 1}, 12]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_batch_inventory_results_match_their_schema(od: OrderDesk, value: Any) -> None:
    """Found by a Schemathesis run: a non-string `code` was echoed as it came."""
    response = od.put("/batch-inventory-items", json=[{"name": "Odd", "code": value}])
    assert response.status_code == 200, response.text
    for entry in response.json()["results"]:
        BatchInventoryResult.model_validate(entry, strict=True)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_batch_shipment_results_match_their_schema(od: OrderDesk, value: Any) -> None:
    response = od.post("/batch-shipments", json=[{"order_id": value, "tracking_number": "1Z"}])
    assert response.status_code == 200, response.text
    for entry in response.json()["results"]:
        BatchShipmentResult.model_validate(entry, strict=True)
        assert entry["order_id"] in ("", "12")
