"""`POST /api/suppliers/{supplier_id}/notify` as the OpenAPI document shows it: the
supplier's AppId + Signature, the `{"order": {...}}` body, and each answer (see
api/openapi.py for how the table is merged)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from orderhub.api.openapi import (
    Endpoint,
    Operation,
    Surface,
    operations_by_route,
    ref,
    request_body,
    response,
)
from orderhub.outbound import notify_route
from orderhub.outbound.notify_route import REFUSED

TAG = "Forwarding to print providers"
SECURITY: list[dict[str, list[str]]] = [{"SupplierAppId": [], "SupplierSignature": []}]
SECURITY_SCHEMES = {
    "SupplierAppId": {
        "type": "apiKey",
        "in": "query",
        "name": "AppId",
        "description": "The AppId the hub gave this supplier (`orderhub supplier show`).",
    },
    "SupplierSignature": {
        "type": "apiKey",
        "in": "query",
        "name": "Signature",
        "description": "Lower-case hex SHA-1 of the raw body followed by the supplier's "
        "secret, as print-on-demand notifications are signed.",
    },
}


class SupplierNotificationIn(BaseModel):
    """A print-on-demand order notification; `id` or `external_id` names the order."""

    model_config = ConfigDict(extra="allow")

    order: dict[str, Any]


class SupplierNotificationResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    result: str


class SupplierError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    error: str


class HubError(BaseModel):
    """Errors answered before the route runs (a non-numeric id, a body over the limit)."""

    model_config = ConfigDict(extra="forbid")

    detail: str


_BODY_ERROR = 'the body must be JSON: {"order": {...}}'
# Keyed by the route's endpoint: its path and method are read from its decorator.
_TABLE: dict[Endpoint, Operation] = {
    notify_route.supplier_notification: Operation(
        responses={
            "200": response(
                "Applied to the forwarded order, or ignored (not an order the hub forwarded)",
                {"application/json": {**ref(SupplierNotificationResult)}},
                examples={"applied": {"result": "applied"}, "ignored": {"result": "ignored"}},
            ),
            "400": response(
                'The body is not `{"order": {...}}`, or the supplier id is not a number',
                {"application/json": {"oneOf": [ref(SupplierError), ref(HubError)]}},
                {"error": _BODY_ERROR},
            ),
            "403": response(
                "Unknown supplier, or a missing or wrong AppId / Signature (one answer for all)",
                {"application/json": ref(SupplierError)},
                {"error": REFUSED},
            ),
            "413": response(
                "Request body larger than ORDERHUB_MAX_BODY_BYTES",
                {"application/json": ref(HubError)},
                {"detail": "request body: larger than the limit of 1048576 bytes"},
            ),
        },
        security=SECURITY,
        path_parameters={"supplier_id": {"description": "The supplier's id in the hub"}},
        request_body=request_body(
            {"application/json": ref(SupplierNotificationIn)},
            {"order": {"id": "5", "status": "shipped", "shipping": {"trackingNumber": "1Z9"}}},
        ),
    )
}

OPERATIONS = operations_by_route(notify_route.router.routes, _TABLE)

SURFACE = Surface(
    security_schemes=SECURITY_SCHEMES,
    operations=OPERATIONS,
    tag_description=(
        TAG,
        "Signed status notifications from the print providers the hub "
        "forwards orders to (docs/outbound.md).",
    ),
)
