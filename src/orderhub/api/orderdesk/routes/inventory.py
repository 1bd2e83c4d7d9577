"""Inventory items (spec §7) and the batch update."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body, path_id
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import InventoryItemIn, describe_errors, parse_body
from orderhub.api.orderdesk.params import parse_page
from orderhub.api.orderdesk.wire import inventory_dict
from orderhub.domain.errors import InvalidInput, OrderhubError
from orderhub.storage import inventory as repo
from orderhub.storage.stores import Store

router = APIRouter()
MAX_BATCH = 100


@router.get("/inventory-items", summary="List inventory items")
def list_items(request: Request, store: Store = Depends(current_store)) -> Response:
    params = request.query_params
    page = parse_page(params)
    codes = [c.strip() for c in params.get("code", "").split(",") if c.strip()] or None
    with request.app.state.db.read() as conn:
        total, found = repo.list_items(
            conn, store.id, codes=codes, search=params.get("search") or None,
            limit=page.limit, offset=page.offset,
        )  # fmt: skip
    return success(
        request,
        records_returned=len(found),
        total_records=str(total),
        offset=page.offset,
        limit=page.limit,
        inventory_items=[inventory_dict(item) for item in found],
    )


@router.get("/inventory-items/{item_id}", summary="Get one inventory item")
def get_item(item_id: str, request: Request, store: Store = Depends(current_store)) -> Response:
    iid = path_id(item_id, "Inventory Item")
    with request.app.state.db.read() as conn:
        item = repo.get_item(conn, store.id, iid)
    return success(request, records_returned=1, inventory_item=inventory_dict(item))


@router.post(
    "/inventory-items",
    summary="Create an inventory item",
    description="`name` and `code` are required; `code` is unique per store (409 otherwise).",
    openapi_extra=body_schema(InventoryItemIn),
)
def create_item(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    item = parse_body(InventoryItemIn, data).to_domain()
    with request.app.state.db.write() as conn:
        item_id = repo.create_item(conn, store.id, item)
        created = repo.get_item(conn, store.id, item_id)
    return success(request, message="Inventory Item Added", inventory_item=inventory_dict(created))


@router.put(
    "/inventory-items/{item_id}",
    summary="Replace an inventory item",
    description="Full replacement: pass every field; omitted ones are blanked.",
    openapi_extra=body_schema(InventoryItemIn),
)
def replace_item(
    item_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    iid = path_id(item_id, "Inventory Item")
    item = parse_body(InventoryItemIn, data).to_domain()
    with request.app.state.db.write() as conn:
        repo.replace_item(conn, store.id, iid, item)
        updated = repo.get_item(conn, store.id, iid)
    return success(
        request, message="Inventory Item Updated", inventory_item=inventory_dict(updated)
    )


@router.delete("/inventory-items/{item_id}", summary="Delete an inventory item")
def delete_item(item_id: str, request: Request, store: Store = Depends(current_store)) -> Response:
    iid = path_id(item_id, "Inventory Item")
    with request.app.state.db.write() as conn:
        repo.delete_item(conn, store.id, iid)
    return success(request, message=f"Inventory Item {iid} Deleted")


@router.put(
    "/batch-inventory-items",
    summary="Create or replace many inventory items",
    description=f"A JSON array of full items (at most {MAX_BATCH}). An entry with `id` "
    "replaces that item; without `id`, the item with the same `code` is replaced, or a new "
    "one is created. Each entry is committed on its own; `results` reports each.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
def batch_items(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    if not isinstance(data, list) or not data:
        raise InvalidInput("request body: expected a non-empty JSON array of inventory items")
    if len(data) > MAX_BATCH:
        raise InvalidInput(f"request body: at most {MAX_BATCH} items per call, got {len(data)}")
    results = [_one(request, store, position, entry) for position, entry in enumerate(data)]
    good = sum(1 for r in results if r["status"] == "success")
    return success(
        request, message=f"{good} of {len(results)} Inventory Items Saved", results=results
    )


def _one(request: Request, store: Store, position: int, entry: Any) -> dict[str, Any]:
    try:
        if not isinstance(entry, dict):
            raise InvalidInput("expected an inventory item object")
        try:
            body = InventoryItemIn.model_validate(entry)
        except ValidationError as exc:
            raise InvalidInput(describe_errors(exc)) from None
        item = body.to_domain()
        with request.app.state.db.write() as conn:
            target = None
            if body.id not in (None, ""):
                target = path_id(str(body.id), "Inventory Item")
            else:
                existing = repo.find_by_code(conn, store.id, item.code)
                target = existing.id if existing else None
            if target is None:
                target = repo.create_item(conn, store.id, item)
                message = "Inventory Item Added"
            else:
                repo.replace_item(conn, store.id, target, item)
                message = "Inventory Item Updated"
        return {"id": target, "code": item.code, "status": "success", "message": message}
    except OrderhubError as exc:
        code = entry.get("code", "") if isinstance(entry, dict) else ""
        return {"code": code, "status": "error", "message": f"[{position}] {exc.message}"}
