"""The print-on-demand operations as the OpenAPI document shows them: AppId + Signature,
query parameters, the JSON and XML order body, and the answers — every one HTTP 200, errors
included (`{"error": ...}`), as the original API does; hence a oneOf on 200.

A table rather than decorators on the routes (see api/openapi.py for how it is merged).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from orderhub.api.openapi import Endpoint, Operation, Surface, operations_by_route, parameter, ref
from orderhub.api.pod import openapi_models as m
from orderhub.api.pod import routes
from orderhub.domain.pod import STATUSES
from orderhub.protocol.pod.xml_format import render_xml

TAG = "Print-on-demand (Inkthreadable)"
SECURITY: list[dict[str, list[str]]] = [{"PodAppId": [], "PodSignature": []}]
SECURITY_SCHEMES = {
    "PodAppId": {
        "type": "apiKey",
        "in": "query",
        "name": "AppId",
        "description": "The store's print-on-demand AppId (`APP-` + 8 digits; "
        "`orderhub store show ID --show-secret`).",
    },
    "PodSignature": {
        "type": "apiKey",
        "in": "query",
        "name": "Signature",
        "description": "Lower-case hex SHA-1 of the payload followed by the store's secret: "
        "for POST the raw request body byte for byte; for GET and DELETE the query string "
        "exactly as sent with the `Signature=…` pair removed wherever it stands (nothing "
        "re-encoded or re-ordered). Example: `sha1('AppId=APP-00146434' + 'secret')` = "
        "`3fbea9c084999b967693032a74cae3cebc4ddbf9`. Computed per request, so Swagger's "
        '"Try it out" cannot sign; use the Python client or docs/pod.md\'s curl recipe.',
    },
}
MAX_LIMIT = 250

PLACEMENT = {"title": "front", "src": "https://example.com/a.png"}
ADDRESS = {
    "firstName": "Alex", "lastName": "Cunliffe", "company": "Inkthreadable",
    "address1": "Unit 501a", "address2": "Glenfield Park Two", "city": "Blackburn",
    "county": "Lancashire", "postcode": "BB1 5QH", "country": "United Kingdom",
    "phone1": "+44 (0)1254 777070", "phone2": "", "phone3": "", "vatNumber": "",
}  # fmt: skip
ORDER: dict[str, Any] = {
    "id": "5", "external_id": "SHOP-1", "created_at": "2026-11-25T10:15:00+00:00",
    "type": "order", "status": "received", "deleted": "false", "brand": "Inkthreadable",
    "billing_address": ADDRESS, "shipping_address": ADDRESS,
    "items": [{
        "id": "7", "pn": "JH001", "title": "JH001", "quantity": "4", "retailPrice": "20.00000",
        "description": "", "label": None, "designs": [PLACEMENT], "mockups": [],
    }],
    "summary": {"quantity": 4, "retailTotal": "80.00000", "shippingPrice": "0.00000"},
    "shipping": {"shippingMethod": "courier", "trackingNumber": None, "shipped_at": None,
                 "shiped_at": None},
    "comment": "Test order.", "packing_slip": "",
}  # fmt: skip
ORDER_IN: dict[str, Any] = {
    "external_id": "SHOP-1", "brandName": "Inkthreadable", "comment": "Test order.",
    "shipping_address": {k: v for k, v in ADDRESS.items() if v},
    "shipping": {"shippingMethod": "courier"},
    "items": [{"pn": "JH001", "quantity": 4, "retailPrice": 20,
               "designs": {"front": "https://example.com/a.png"}}],
}  # fmt: skip
XML_ORDER_IN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<order><external_id>SHOP-1</external_id>'
    "<shipping_address><firstName>Alex</firstName><lastName>Cunliffe</lastName>"
    "<address1>Unit 501a</address1><city>Blackburn</city><postcode>BB1 5QH</postcode>"
    "<country>United Kingdom</country></shipping_address>"
    "<shipping><shippingMethod>courier</shippingMethod></shipping>"
    "<items><item><pn>JH001</pn><quantity>4</quantity>"
    "<designs><front>https://example.com/a.png</front></designs></item></items></order>"
)
# Any root the answers use, as XML mirrors the JSON (docs/pod.md, "Formats").
_XML_SCHEMA = {
    "type": "object",
    "description": "The JSON answer as XML: the root is <orders>, <order>, <count> or <error>; "
    "an object's keys are child elements, a list repeats elements named for its entries.",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {root: {} for root in ("orders", "order", "count", "error")},
    "additionalProperties": False,
}


def _xml(document: dict[str, Any]) -> str:
    ((root, value),) = document.items()
    return render_xml(root, value).decode()


def _answer(model: type[BaseModel], success: dict[str, Any], error: str) -> dict[str, Any]:
    examples = {"success": success, "error": {"error": error}}
    return {
        "200": {
            "description": "The answer in the request's format — or, for ANY error (bad "
            'signature, invalid input, unknown order, body too large), `{"error": message}` '
            "with HTTP 200 too, as the original API answers",
            "content": {
                "application/json": {
                    "schema": {"oneOf": [ref(model), ref(m.PodError)]},
                    "examples": {k: {"value": v} for k, v in examples.items()},
                },
                "application/xml": {
                    "schema": _XML_SCHEMA,
                    "examples": {k: {"value": _xml(v)} for k, v in examples.items()},
                },
            },
        }
    }


def _q(name: str, description: str, schema: dict[str, Any] | None = None, **kw: Any) -> Any:
    return parameter(name, "query", description, schema, **kw)


_DATE = {"type": "string", "examples": ["2026-07-17T00:00:00.000Z", "2026-07-17"]}
FORMAT = _q("format", "Answer format, any case (default json)",
            {"type": "string", "enum": ["json", "xml", "JSON", "XML"]})  # fmt: skip
ORDER_ID = _q("id", "The order's id (a leading # is accepted)", required=True, example="5")
FILTERS = [
    _q("ids", "Comma-separated order ids (a leading # on each is accepted)", example="5,7"),
    _q("since_id", "Only orders with a greater id", {"type": "integer", "minimum": 0}),
    _q("created_at_min", "Created at or after (ISO 8601; without an offset, in the store's "
       "time zone)", _DATE),
    _q("created_at_max", "Created at or before; a bare date includes the whole day", _DATE),
    _q("status", "Only orders in this status", {"type": "string", "enum": list(STATUSES)}),
]  # fmt: skip
IDEMPOTENCY_KEY = parameter(
    "Idempotency-Key",
    "header",
    "A retry with the same key and body replays the first answer",
    {"type": "string", "minLength": 1, "maxLength": 255},
)


def op(answers: dict[str, Any], parameters: list[dict[str, Any]], **kw: Any) -> Operation:
    return Operation(responses=answers, security=SECURITY, parameters=parameters, **kw)


# Keyed by the route's endpoint: its path and method are read from its decorator.
_TABLE: dict[Endpoint, Operation] = {
    routes.list_orders: op(
        _answer(
            m.PodOrderListResponse, {"orders": [{"order": ORDER}]}, "Invalid AppId or Signature"
        ),
        [
            *FILTERS,
            _q(
                "limit",
                f"Page size; default 50, larger than {MAX_LIMIT} is clamped",
                {"type": "integer", "minimum": 1},
            ),
            _q("page", "Page number, from 1", {"type": "integer", "minimum": 1}),
            FORMAT,
        ],
        description="Ordered by id, ascending; no total (ask count.php).",
    ),
    routes.get_order: op(
        _answer(m.PodOrderResponse, {"order": ORDER}, "Order not found"), [ORDER_ID, FORMAT]
    ),
    routes.count_orders: op(
        _answer(m.PodCountResponse, {"count": 12}, "status must be one of received, …"),
        [*FILTERS, FORMAT],
    ),
    routes.create_order: op(
        _answer(m.PodOrderResponse, {"order": ORDER}, "items[0].pn is required"),
        [IDEMPOTENCY_KEY],
        request_body={
            "required": True,
            "description": "The order as JSON or XML (by Content-Type, else by the first "
            "character). The Signature is computed over these bytes.",
            "content": {
                "application/json": {"schema": ref(m.PodOrderIn), "example": ORDER_IN},
                "application/xml": {"schema": ref(m.PodOrderIn), "example": XML_ORDER_IN},
            },
        },
        description="The answer comes in the body's format. A duplicate external_id is an "
        "error, or the existing order with the store setting pod_duplicate_external_id "
        "= return_existing.",
    ),
    routes.delete_order: op(
        _answer(
            m.PodOrderResponse,
            {"order": {**ORDER, "deleted": "true"}},
            "Order 5 cannot be deleted: it is printing; only unpaid (received) orders can be",
        ),
        [ORDER_ID, FORMAT],
        description="Cancels an unpaid (received) order; it stays, flagged deleted.",
    ),
}

OPERATIONS = operations_by_route(routes.router.routes, _TABLE)

SURFACE = Surface(
    security_schemes=SECURITY_SCHEMES,
    operations=OPERATIONS,
    tag_description=(
        TAG,
        "The Inkthreadable print-on-demand order API (docs/pod.md): AppId and a SHA-1 "
        "Signature in the query string, JSON or XML, every answer HTTP 200.",
    ),
)
