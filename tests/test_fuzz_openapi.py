"""Schemathesis against the live ASGI app, on both protocols and both databases, with a
store's real credentials (print-on-demand requests signed as the protocol says).

Checks: no server error, every status documented, content type and body as documented.
A print-on-demand server error is an HTTP 200 `{"error": "Internal error..."}`, so that is
checked too, as is that every print-on-demand request got past the signature.

Bounded and reproducible: a fixed number of examples per operation, derandomized.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orderhub.api.orderdesk import openapi_spec as orderdesk_spec
from orderhub.api.pod import openapi_spec as pod_spec
from orderhub.app import create_app
from orderhub.outbound import openapi_spec as supplier_spec
from orderhub.protocol.pod.signature import sign
from orderhub.protocol.pod.xml_format import parse_xml
from orderhub.storage import stores
from orderhub.storage.database import Database
from tests.helpers import make_settings, sample_order

MAX_EXAMPLES = int(os.environ.get("ORDERHUB_FUZZ_EXAMPLES", "20"))
POD_PATHS = ("/api/orders.php", "/api/order.php", "/api/orders/count.php")
INTERNAL_ERROR = b"Internal error"
UNSIGNED = (b"Invalid AppId or Signature", b"Missing AppId or Signature")


@schemathesis.deserializer("application/xml")
def _xml(_ctx: Any, response: Any) -> Any:
    """XML answers mirror the JSON ones: {root element: content}."""
    root, content = parse_xml(response.content)
    return {root: content}


@schemathesis.check
def pod_errors_are_not_server_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """Print-on-demand errors are HTTP 200, so a 5xx shows only in the message."""
    if case.path in POD_PATHS:
        assert INTERNAL_ERROR not in response.content, (
            f"server error behind HTTP 200: {response.content[:300]!r}"
        )
    return None


@schemathesis.check
def pod_signature_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every generated print-on-demand request is signed: a refusal is a signing bug."""
    if case.path in POD_PATHS:
        assert not any(text in response.content for text in UNSIGNED), response.content[:300]
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    pod_errors_are_not_server_errors,
    pod_signature_accepted,
]


@pytest.fixture(scope="module")
def fuzz_app(database: Database) -> Any:
    return create_app(make_settings(), database=database)


@pytest.fixture(scope="module")
def fuzz_store(database: Database) -> stores.NewStore:
    with database.write() as conn:
        return stores.create_store(conn, "Fuzz Store")


@pytest.fixture
def real_ids(fuzz_app: Any, fuzz_store: stores.NewStore) -> dict[str, str]:
    """Records that exist, made afresh for each operation (an earlier DELETE may have
    removed the last ones): an order with items and a partial shipment, an inventory item,
    an empty folder."""
    from fastapi.testclient import TestClient

    headers = {
        "ORDERDESK-STORE-ID": str(fuzz_store.store.id),
        "ORDERDESK-API-KEY": fuzz_store.api_key,
    }
    with TestClient(fuzz_app) as client:
        order = client.post("/api/v2/orders", headers=headers, json=sample_order())
        assert order.status_code == 200, order.text
        oid = order.json()["order"]["id"]
        tag = secrets.token_hex(4)  # fuzzed calls may have taken any name or code
        item = order.json()["order"]["order_items"][0]["id"]
        line = {"tracking_number": f"T{tag}", "order_items": [{"id": item, "quantity": 1}]}
        shipment = client.post(f"/api/v2/orders/{oid}/shipments", headers=headers, json=line)
        inventory = client.post(
            "/api/v2/inventory-items",
            headers=headers,
            json={"name": "T-Shirt", "code": f"INV-{tag}", "stock": 5},
        )
        folder = client.post("/api/v2/folders", headers=headers, json={"name": f"Empty {tag}"})
    for made in (shipment, inventory, folder):
        assert made.status_code == 200, made.text
    return {
        "order_id": oid,
        "item_id": item,
        "shipment_id": shipment.json()["shipment"]["id"],
        "inventory_item_id": str(inventory.json()["inventory_item"]["id"]),
        "folder_id": str(folder.json()["folder"]["id"]),
    }


def _offered(case: Any) -> Any:
    """A generated order with designs the store offers (random placements and URLs are
    refused before anything else is looked at), so that the rest of it is what decides."""
    if isinstance(case.body, dict):
        case.body["shipping"] = {"shippingMethod": "courier"}
        for item in case.body.get("items") or []:
            if isinstance(item, dict):
                item["designs"] = {"front": "https://example.com/a.png"}
                item.pop("mockups", None)
    return case


def _real_strategy(operation: Any, path: str, ids: dict[str, str]) -> Any:
    """Positive cases aimed at the records in `ids`."""
    if path in POD_PATHS:
        if operation.method.upper() == "POST":
            return operation.as_strategy(GenerationMode.POSITIVE).map(_offered)
        if path == "/api/orders/count.php":
            return operation.as_strategy(GenerationMode.POSITIVE)
        if path == "/api/orders.php" and operation.method.upper() == "GET":
            return operation.as_strategy(GenerationMode.POSITIVE, query={"ids": ids["order_id"]})
        return operation.as_strategy(GenerationMode.POSITIVE, query={"id": ids["order_id"]})
    names = re.findall(r"{(\w+)}", path)
    if any(name not in ids for name in names if name != "item_id"):
        return operation.as_strategy(GenerationMode.POSITIVE)  # a supplier: none made here
    if path.startswith("/api/v2/inventory-items"):
        values = {"item_id": ids["inventory_item_id"]}
    else:
        values = {name: ids[name] for name in names}
    return operation.as_strategy(GenerationMode.POSITIVE, path_parameters=values)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def _send(case: Any, store: stores.NewStore) -> Any:
    if case.path not in POD_PATHS:
        return case.call(
            headers={
                "ORDERDESK-STORE-ID": str(store.store.id),
                "ORDERDESK-API-KEY": store.api_key,
            }
        )
    # Print-on-demand: the query string is built here, byte for byte, so that the signature
    # is computed over exactly what is sent.
    query = {k: v for k, v in (case.query or {}).items() if k not in ("AppId", "Signature")}
    pairs = [("AppId", store.store.pod_app_id), *((k, _text(v)) for k, v in query.items())]
    unsigned = urlencode(pairs, doseq=True)
    case.query = {}
    if case.method.upper() != "POST":
        signature = sign(unsigned.encode(), store.pod_secret)
        return case.call(params=f"{unsigned}&Signature={signature}")
    wire = case.as_transport_kwargs()
    if "json" in wire:
        body = json.dumps(wire["json"]).encode()
        content_type = "application/json"
    else:
        data = wire.get("data", b"")
        body = data.encode() if isinstance(data, str) else bytes(data)
        content_type = case.media_type or "application/xml"
    signature = sign(body, store.pod_secret)
    return case.call(
        params=f"{unsigned}&Signature={signature}",
        data=body,
        headers={"Content-Type": content_type},
    )


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


OPERATIONS = sorted((*orderdesk_spec.OPERATIONS, *pod_spec.OPERATIONS, *supplier_spec.OPERATIONS))


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_answers_as_documented(
    api_schema: Any, fuzz_store: stores.NewStore, real_ids: dict[str, str], path: str, method: str
) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(
        _real_strategy(operation, path, real_ids),
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    def run(case: Any) -> None:
        response = _send(case, fuzz_store)
        case.validate_response(response, checks=CHECKS)

    run()


# --- what the fuzz run found (input-validation bugs, fixed by the validation boundary) -----


@pytest.mark.parametrize("path", ["/orders/¹", "/inventory-items/¹", "/folders/¹"])
def test_found_unicode_digit_id_is_not_found(od: Any, path: str) -> None:
    method = "DELETE" if path.startswith("/folders") else "GET"
    assert od.request(method, path).status_code == 404


def test_found_huge_stock_is_refused(od: Any) -> None:
    item = {"name": "Huge", "code": "HUGE-1", "stock": 2**63}
    assert od.post("/inventory-items", json=item).status_code == 400


def test_huge_stock_in_batch_is_an_entry_error(od: Any) -> None:
    """Found by the fuzz run before the service layer: the overflow escaped the batch."""
    items = [{"name": "Huge", "code": "HUGE-2", "stock": 2**63}]
    response = od.put("/batch-inventory-items", json=items)
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "error"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/orders?customer_company=%00", None),
        ("GET", "/inventory-items?code=%00", None),
        ("POST", "/inventory-items", {"name": "\x00", "code": "NUL-1"}),
    ],
)
def test_found_nul_is_refused_or_stored(od: Any, method: str, path: str, body: Any) -> None:
    response = od.request(method, path, json=body)
    assert response.status_code in (200, 400), response.text


def test_found_shipment_field_wider_than_its_column(od: Any) -> None:
    order = od.create_order()
    shipment = {"tracking_number": "1Z999AA10123456784", "print_status": "123456789"}
    response = od.post(f"/orders/{order['id']}/shipments", json=shipment)
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize("supplier_id", ["0", "-1", str(2**63), "9" * 30])
def test_found_supplier_id_out_of_range_is_refused(client: Any, supplier_id: str) -> None:
    """It reached the query: OverflowError on SQLite, bigint out of range on PostgreSQL."""
    response = client.post(
        f"/api/suppliers/{supplier_id}/notify?AppId=APP-1&Signature=00", json={"order": {}}
    )
    assert response.status_code == 403
    assert response.json() == {"error": "Invalid AppId or Signature"}


# --- the coverage and stateful phases: a few cases in CI, more on request ------------------
# ORDERHUB_FUZZ_COVERAGE=N runs N coverage cases per operation (default 8; 0: all of them),
# ORDERHUB_FUZZ_STATEFUL=N runs N state-machine walks (default 3).
COVERAGE_CASES = int(os.environ.get("ORDERHUB_FUZZ_COVERAGE", "8"))
STATEFUL_RUNS = int(os.environ.get("ORDERHUB_FUZZ_STATEFUL", "3"))


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_coverage_phase_answers_as_documented(
    api_schema: Any, fuzz_store: stores.NewStore, path: str, method: str
) -> None:
    """Schemathesis' coverage phase: boundary values and each kind of wrong value, per field."""
    operation = api_schema[path][method]
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=api_schema.config.generation_for(operation=operation, phase="coverage"),
        auth_storage=None,
        override=Override(),
        feedback=FeedbackSources(),
    )
    cases = list(itertools.islice(generator, COVERAGE_CASES or None))
    assert cases
    for case in cases:
        case.validate_response(_send(case, fuzz_store), checks=CHECKS)


def test_stateful_phase_answers_as_documented(api_schema: Any, fuzz_store: stores.NewStore) -> None:
    """Schemathesis' stateful phase: calls chained by the links the schema implies (create an
    order, then read, change or delete it), every answer checked."""
    machine = api_schema.as_state_machine()

    class Walk(machine):  # type: ignore[misc,valid-type]
        def call(self, case: Any, **kwargs: Any) -> Any:
            return _send(case, fuzz_store)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        Walk,
        settings=settings(
            max_examples=STATEFUL_RUNS, stateful_step_count=6, deadline=None,
            derandomize=True, database=None, suppress_health_check=list(HealthCheck),
        ),
    )  # fmt: skip
