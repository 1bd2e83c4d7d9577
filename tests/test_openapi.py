"""The OpenAPI document: valid, complete (every route with its parameters, security and the
statuses it answers), examples that match their schemas, and docs pages that work offline."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from orderhub.api.orderdesk import router as orderdesk_router
from orderhub.api.orderdesk import routes as orderdesk_routes
from orderhub.api.pod import routes as pod_routes
from orderhub.domain.queries import SEARCHABLE_ADDRESS_FIELDS
from orderhub.outbound import notify_route

DOCS = Path(__file__).resolve().parent.parent / "docs"
OD_ERRORS_ALWAYS = {"401", "429"}


@pytest.fixture(scope="module")
def document(client: Any) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, method) the app routes to an API handler, included routers walked."""
    for route in routes:
        if isinstance(route, APIRoute):
            if route.include_in_schema:
                for method in route.methods - {"HEAD"}:
                    yield prefix + route.path, method.lower()
        elif hasattr(route, "original_router"):  # FastAPI's included-router node
            yield from _routes(
                route.original_router.routes, prefix + (route.include_context.prefix or "")
            )


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def _declared() -> set[tuple[str, str]]:
    """Every (path, method) the protocol modules declare: each module of
    `api/orderdesk/routes/` (under /api/v2), the print-on-demand routes and the suppliers'
    notification route, read from the modules themselves rather than from the app."""
    declared: set[tuple[str, str]] = set()
    for info in pkgutil.iter_modules(orderdesk_routes.__path__):
        module = importlib.import_module(f"{orderdesk_routes.__name__}.{info.name}")
        declared |= set(_routes(module.router.routes, orderdesk_router.PREFIX))
    for router in (pod_routes.router, notify_route.router):
        declared |= set(_routes(router.routes))
    return declared


def test_every_route_is_documented(app: Any, document: dict[str, Any]) -> None:
    """The app serves every route its protocol modules declare (a route module left out of
    `api/orderdesk/router.py` fails here), and the document has exactly those operations."""
    routed = set(_routes(app.router.routes))
    documented = {(path, method) for path, method, _ in _operations(document)}
    declared = _declared()
    # the walk reaches each protocol
    assert {("/api/v2/orders", "post"), ("/api/orders.php", "post")} <= declared
    assert ("/api/suppliers/{supplier_id}/notify", "post") in declared
    assert routed == declared
    assert documented == routed


def test_every_operation_has_security_parameters_and_real_statuses(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["OrderDeskStoreId"] == {
        "type": "apiKey", "in": "header", "name": "ORDERDESK-STORE-ID",
        "description": schemes["OrderDeskStoreId"]["description"],
    }  # fmt: skip
    assert schemes["OrderDeskApiKey"]["name"] == "ORDERDESK-API-KEY"
    assert (schemes["PodAppId"]["in"], schemes["PodAppId"]["name"]) == ("query", "AppId")
    assert (schemes["PodSignature"]["in"], schemes["PodSignature"]["name"]) == (
        "query",
        "Signature",
    )
    assert "SHA-1" in schemes["PodSignature"]["description"]
    for path, method, operation in _operations(document):
        where = f"{method.upper()} {path}"
        statuses = set(operation["responses"])
        assert "422" not in statuses, where
        for name in re.findall(r"{(\w+)}", path):
            declared = [p for p in operation.get("parameters", []) if p["name"] == name]
            assert declared and declared[0]["in"] == "path", where
        if path.startswith("/api/v2/"):
            assert operation["security"] == [{"OrderDeskStoreId": [], "OrderDeskApiKey": []}]
            expected = {"200"} | OD_ERRORS_ALWAYS
            if "requestBody" in operation:
                expected |= {"400", "413"}
            if "{" in path:
                expected.add("404")
            assert expected <= statuses, where
            assert statuses <= {"200", "400", "401", "404", "409", "413", "429"}, where
            for status in statuses - {"200"}:
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, where
        elif path.startswith("/api/suppliers/"):
            assert operation["security"] == [{"SupplierAppId": [], "SupplierSignature": []}]
            assert statuses == {"200", "400", "403", "413"}, where
        else:
            assert operation["security"] == [{"PodAppId": [], "PodSignature": []}]
            assert statuses == {"200"}, where
            one_of = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert {"$ref": "#/components/schemas/PodError"} in one_of["oneOf"], where
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok != {}, where
    bodies = {(path, method) for path, method, op in _operations(document) if "requestBody" in op}
    assert ("/api/v2/folders/{folder_id}", "put") in bodies
    assert ("/api/orders.php", "post") in bodies
    pod_body = document["paths"]["/api/orders.php"]["post"]["requestBody"]["content"]
    assert set(pod_body) == {"application/json", "application/xml"}


def _table_names(markdown: str, heading: str) -> set[str]:
    """The backticked names in the first column of the table after `heading`; a row of
    prefixes (`customer_`) and fields stands for each prefix + field."""
    section = markdown.split(heading, 1)[1]
    names: set[str] = set()
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            if names:
                break
            continue
        row = re.findall(r"`([a-z_0-9]+)`", line.split("|")[1])
        prefixes = [n for n in row if n.endswith("_")]
        fields = [n for n in row if not n.endswith("_")]
        names.update(p + f for p in prefixes for f in fields) if prefixes else names.update(row)
    return names


def _params(document: dict[str, Any], path: str, method: str) -> set[str]:
    return {p["name"] for p in document["paths"][path][method].get("parameters", [])}


def test_list_parameters_match_the_docs(document: dict[str, Any]) -> None:
    orders = (DOCS / "orderdesk.md").read_text()
    documented = _table_names(orders, "### Listing: `GET /orders`")
    assert set(SEARCHABLE_ADDRESS_FIELDS) <= documented
    assert len(documented) > 20
    assert documented == _params(document, "/api/v2/orders", "get")
    assert _params(document, "/api/v2/inventory-items", "get") == {
        "code", "search", "limit", "offset",
    }  # fmt: skip

    pod = (DOCS / "pod.md").read_text()
    table = pod.split("## Endpoints", 1)[1].strip().split("\n\n", 1)[0]
    rows = {
        (cells[1].strip().lower(), cells[2].strip(" `")): set(re.findall(r"`([a-z_]+)`", cells[3]))
        for cells in (line.split("|") for line in table.splitlines()[2:])
        if cells[1].strip() in ("GET", "DELETE")
    }
    assert len(rows) == 4
    for (method, path), names in rows.items():
        # AppId and Signature are the security scheme, not parameters.
        assert names - {"AppId", "Signature"} <= _params(document, path, method), (method, path)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> OAS31Validator:
    return OAS31Validator({**schema, "components": document["components"]})


def test_examples_match_their_schemas(document: dict[str, Any]) -> None:
    checked = 0
    for path, method, operation in _operations(document):
        for status, answer in operation["responses"].items():
            media = answer["content"]["application/json"]
            values = [media["example"]] if "example" in media else []
            values += [e["value"] for e in media.get("examples", {}).values()]
            assert values, (method, path, status)
            for value in values:
                _validator(document, media["schema"]).validate(value)
                checked += 1
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "example" in body:
            _validator(document, body["schema"]).validate(body["example"])
    assert checked > 150


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_same_origin_assets(client: Any, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    parser = _Assets()
    parser.feed(html)
    assert len(parser.urls) >= 2
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "/openapi.json" in html
