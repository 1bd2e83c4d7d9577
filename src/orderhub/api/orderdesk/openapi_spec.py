"""The /api/v2 operations as the OpenAPI document shows them: credentials, query parameters,
bodies the routes declare no schema for, and every status each operation really answers,
all in the error envelope `{"status": "error", "message", "execution_time"}`.

A table rather than decorators on the routes, so the contract lives in one place and the
handlers stay about handling; keyed by the handlers themselves, so each path is written once,
in its route (see api/openapi.py for how it is merged).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from orderhub.api.openapi import (
    Endpoint,
    Operation,
    Surface,
    operations_by_route,
    parameter,
    ref,
    request_body,
    response,
)
from orderhub.api.orderdesk import openapi_models as out
from orderhub.api.orderdesk.openapi_examples import ERRORS, SUCCESS, error
from orderhub.api.orderdesk.params import ORDER_PARAMS, PAGING
from orderhub.api.orderdesk.router import router
from orderhub.api.orderdesk.routes import (
    folders,
    inventory,
    items,
    moves,
    orders,
    shipments,
    splits,
    store,
)
from orderhub.protocol.orderdesk.models import (
    BatchShipmentIn,
    FolderIn,
    InventoryItemIn,
    SplitOrderIn,
)

TAG = "Order Desk v2"
SECURITY: list[dict[str, list[str]]] = [{"OrderDeskStoreId": [], "OrderDeskApiKey": []}]
SECURITY_SCHEMES = {
    "OrderDeskStoreId": {
        "type": "apiKey",
        "in": "header",
        "name": "ORDERDESK-STORE-ID",
        "description": "The store's id (`orderhub store list`).",
    },
    "OrderDeskApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "ORDERDESK-API-KEY",
        "description": "The store's API key (shown once by `orderhub store create` and "
        "`orderhub key rotate`). Both headers are needed; a missing or wrong one is a 401.",
    },
}
MAX_BATCH = 100

_DESCRIPTIONS = {
    "400": "Invalid input: malformed JSON, or a field with a bad value (the message names it)",
    "401": "Missing or wrong ORDERDESK-STORE-ID / ORDERDESK-API-KEY",
    "404": "No such record in this store",
    "409": "Conflict (the message says with what)",
    "413": "Request body larger than ORDERHUB_MAX_BODY_BYTES",
    "429": "The store's rate limit is exhausted; retry after X-Retry-After seconds",
}
_TOKENS = {
    "X-Tokens-Remaining": {
        "description": "Tokens left in the store's rate-limit bucket "
        "(absent when the limit is off)",
        "schema": {"type": "integer"},
    }
}
_RETRY = {
    name: {"description": "Whole seconds to wait before retrying", "schema": {"type": "integer"}}
    for name in ("X-Retry-After", "Retry-After")
}


def _errors(statuses: str, messages: dict[str, str]) -> dict[str, dict[str, Any]]:
    answers = {}
    for status in statuses.split():
        headers = _RETRY if status == "429" else None
        example = error(messages.get(status, ERRORS[status]))
        answers[status] = response(
            _DESCRIPTIONS[status],
            {"application/json": ref(out.ErrorResponse)},
            example,
            headers=headers,
        )
    return answers


def op(
    model: type[BaseModel],
    example: str,
    statuses: str,
    *,
    messages: dict[str, str] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    description: str | None = None,
) -> Operation:
    """One operation: 200 with `model`, and the error statuses named in `statuses`
    (401 and 429 always: every call is authenticated and charged)."""
    ok = response(
        "Success",
        {"application/json": ref(model)},
        SUCCESS[example],
        headers=_TOKENS,
    )
    errors = _errors(" ".join(sorted({*statuses.split(), "401", "429"})), messages or {})
    return Operation(
        responses={"200": ok, **errors},
        security=SECURITY,
        parameters=parameters or [],
        path_parameters=_PATH_PARAMETERS,
        request_body=body,
        description=description,
    )


_ID = {"type": "string", "pattern": r"^[0-9]{1,18}$"}
_PATH_PARAMETERS = {
    name: {"description": f"The {what}'s id; anything else is not found (404)", "schema": _ID}
    for name, what in (
        ("order_id", "order"),
        ("item_id", "item"),
        ("shipment_id", "shipment"),
        ("folder_id", "folder"),
    )
}


def _q(name: str, description: str, schema: dict[str, Any] | None = None, **kw: Any) -> Any:
    return parameter(name, "query", description, schema, **kw)


_PAGING = [_q(p.name, p.description, p.schema) for p in PAGING]
ORDER_FILTERS = [_q(p.name, p.description, p.schema, example=p.example) for p in ORDER_PARAMS]
INVENTORY_FILTERS = [
    *_PAGING,
    _q("code", "One code or a comma-separated list (exact)", example="TS-1,MUG"),
    _q("search", "Case-insensitive substring of name or code"),
]
IDEMPOTENCY_KEY = parameter(
    "Idempotency-Key",
    "header",
    "Makes retries safe: a retry with the same key and body replays the first answer "
    "(with `Idempotent-Replayed: true`); the same key with another body is a 409",
    {"type": "string", "minLength": 1, "maxLength": 255},
)


def _array_of(model: type[BaseModel]) -> dict[str, Any]:
    schema = {"type": "array", "minItems": 1, "maxItems": MAX_BATCH, "items": ref(model)}
    return request_body({"application/json": schema})


_NOT_FOUND = {
    "order": {"404": "Order 99 not found"},
    "item": {"404": "Order Item 99 not found"},
    "shipment": {"404": "Shipment 99 not found"},
    "inventory": {
        "404": "Inventory Item 99 not found",
        "409": "code: an inventory item with code 'TS-1' already exists",
    },
    "folder": {
        "404": "Folder 99 not found",
        "409": "name: a folder named 'Printing' already exists",
    },
}
_STOCK = {"409": "insufficient stock for code TS-1 (have 1, need 2)"}
_TRACKING = {"409": "Shipment Not Added"}
_FOLDER_BODY = request_body({"application/json": ref(FolderIn)}, {"name": "Printing"})
_FOLDER_HELD = {
    "404": "Folder 99 not found",
    "409": "Folder 5 still holds 3 orders; move them first",
}
_SPLIT_BODY = request_body(
    {"application/json": ref(SplitOrderIn)},
    {"items": [{"code": "TEE-BLK-L", "quantity": 3}, {"id": 17}], "folder_name": "Printing"},
)
_SPLIT_REFUSED = {"400": "items: item 17 is not on this order"}
# Keyed by the route's endpoint: its path and method are read from its decorator.
_TABLE: dict[Endpoint, Operation] = {
    store.test_connection: op(out.ConnectionResponse, "connection", ""),
    store.store_settings: op(out.StoreResponse, "store", ""),
    orders.list_orders: op(out.OrderListResponse, "order_list", "400", parameters=ORDER_FILTERS),
    orders.create_order: op(
        out.OrderResponse, "order_created", "400 409 413", parameters=[IDEMPOTENCY_KEY]
    ),
    orders.get_order: op(out.OrderResponse, "order", "404"),
    orders.replace_order: op(out.OrderResponse, "order_updated", "400 404 409 413"),
    orders.delete_order: op(out.MessageResponse, "order_deleted", "404"),
    splits.split_order: op(
        out.SplitOrderResponse,
        "order_split",
        "400 404 413",
        messages=_SPLIT_REFUSED,
        body=_SPLIT_BODY,
    ),
    orders.add_history: op(out.OrderHistoryResponse, "history", "400 404 413"),
    items.list_items: op(out.OrderItemsResponse, "items", "404"),
    items.add_item: op(out.OrderItemResponse, "item_added", "400 404 409 413", messages=_STOCK),
    items.get_item: op(out.OrderItemResponse, "item", "404", messages=_NOT_FOUND["item"]),
    items.update_item: op(
        out.OrderItemResponse,
        "item_updated",
        "400 404 409 413",
        messages={**_NOT_FOUND["item"], **_STOCK},
    ),
    items.delete_item: op(out.MessageResponse, "item_deleted", "404", messages=_NOT_FOUND["item"]),
    shipments.list_shipments: op(out.ShipmentsResponse, "shipments", "404"),
    shipments.add_shipment: op(
        out.ShipmentResponse, "shipment_added", "400 404 409 413", messages=_TRACKING
    ),
    shipments.get_shipment: op(
        out.ShipmentResponse, "shipment", "404", messages=_NOT_FOUND["shipment"]
    ),
    shipments.update_shipment: op(
        out.ShipmentResponse, "shipment_updated", "400 404 413", messages=_NOT_FOUND["shipment"]
    ),
    shipments.delete_shipment: op(
        out.MessageResponse, "shipment_deleted", "404", messages=_NOT_FOUND["shipment"]
    ),
    shipments.batch_shipments: op(
        out.BatchShipmentsResponse, "batch_shipments", "400 413", body=_array_of(BatchShipmentIn)
    ),
    inventory.list_items: op(
        out.InventoryListResponse, "inventory_list", "400", parameters=INVENTORY_FILTERS
    ),
    inventory.create_item: op(
        out.InventoryItemResponse,
        "inventory_added",
        "400 409 413",
        messages=_NOT_FOUND["inventory"],
    ),
    inventory.get_item: op(
        out.InventoryItemResponse, "inventory_item", "404", messages=_NOT_FOUND["inventory"]
    ),
    inventory.replace_item: op(
        out.InventoryItemResponse,
        "inventory_updated",
        "400 404 409 413",
        messages=_NOT_FOUND["inventory"],
    ),
    inventory.delete_item: op(
        out.MessageResponse, "inventory_deleted", "404", messages=_NOT_FOUND["inventory"]
    ),
    inventory.batch_items: op(
        out.BatchInventoryResponse, "batch_inventory", "400 413", body=_array_of(InventoryItemIn)
    ),
    moves.move_orders: op(out.MoveOrdersResponse, "move_orders", "400 413"),
    folders.list_folders: op(out.FoldersResponse, "folders", ""),
    folders.create_folder: op(
        out.FolderResponse, "folder_added", "400 409 413", messages=_NOT_FOUND["folder"]
    ),
    folders.rename_folder: op(
        out.FolderResponse,
        "folder_updated",
        "400 404 409 413",
        messages=_NOT_FOUND["folder"],
        body=_FOLDER_BODY,
        description="Only `name` changes; `pod_status` is set when a folder is created.",
    ),
    folders.delete_folder: op(
        out.MessageResponse, "folder_deleted", "404 409", messages=_FOLDER_HELD
    ),
}
OPERATIONS = operations_by_route(router.routes, _TABLE)

SURFACE = Surface(
    security_schemes=SECURITY_SCHEMES,
    operations=OPERATIONS,
    tag_description=(
        TAG,
        "The Order Desk REST API v2 (docs/orderdesk.md). Every call needs the two "
        'ORDERDESK-* headers; every error is `{"status": "error", "message", '
        '"execution_time"}` with the HTTP status.',
    ),
)
