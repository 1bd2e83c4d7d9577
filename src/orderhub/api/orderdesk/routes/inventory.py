"""Inventory items (spec §7) and the batch update."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from orderhub.api import db as reads
from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.params import parse_page
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.values import echoed_text
from orderhub.protocol.orderdesk.models import InventoryItemIn, describe_errors, parse_body
from orderhub.protocol.orderdesk.wire import inventory_dict
from orderhub.services import inventory as service
from orderhub.storage import inventory as inventory_storage

router = APIRouter()
MAX_BATCH = 100


@router.get("/inventory-items", summary="List inventory items")
async def list_items(request: Request, call: CallDep) -> Response:
    params = request.query_params
    page = parse_page(params)
    codes = [c.strip() for c in params.get("code", "").split(",") if c.strip()] or None
    total, found = await reads.read(
        call.db,
        lambda conn: inventory_storage.list_items(
            conn, call.store.id, codes=codes, search=params.get("search") or None,
            limit=page.limit, offset=page.offset,
        ),
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
async def get_item(item_id: str, request: Request, call: CallDep) -> Response:
    iid = path_id(item_id, "Inventory Item")
    item = await reads.read(
        call.db, lambda conn: inventory_storage.get_item(conn, call.store.id, iid)
    )
    return success(request, records_returned=1, inventory_item=inventory_dict(item))


@router.post(
    "/inventory-items",
    summary="Create an inventory item",
    description="`name` and `code` are required; `code` is unique per store (409 otherwise).",
    openapi_extra=body_schema(InventoryItemIn),
)
def create_item(request: Request, call: CallDep, data: JsonBody) -> Response:
    item = parse_body(InventoryItemIn, data).to_domain()
    created = service.create_item(call.db, call.store, item)
    return success(request, message="Inventory Item Added", inventory_item=inventory_dict(created))


@router.put(
    "/inventory-items/{item_id}",
    summary="Replace an inventory item",
    description="Full replacement: pass every field; omitted ones are blanked.",
    openapi_extra=body_schema(InventoryItemIn),
)
def replace_item(item_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    iid = path_id(item_id, "Inventory Item")
    item = parse_body(InventoryItemIn, data).to_domain()
    updated = service.replace_item(call.db, call.store, iid, item)
    return success(
        request, message="Inventory Item Updated", inventory_item=inventory_dict(updated)
    )


@router.delete("/inventory-items/{item_id}", summary="Delete an inventory item")
def delete_item(item_id: str, request: Request, call: CallDep) -> Response:
    iid = path_id(item_id, "Inventory Item")
    service.delete_item(call.db, call.store, iid)
    return success(request, message=f"Inventory Item {iid} Deleted")


@router.put(
    "/batch-inventory-items",
    summary="Create or replace many inventory items",
    description=f"A JSON array of full items (at most {MAX_BATCH}). An entry with `id` "
    "replaces that item; without `id`, the item with the same `code` is replaced, or a new "
    "one is created. Each entry succeeds or fails on its own; `results` reports each.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
def batch_items(request: Request, call: CallDep, data: JsonBody) -> Response:
    if not isinstance(data, list) or not data:
        raise InvalidInput("request body: expected a non-empty JSON array of inventory items")
    if len(data) > MAX_BATCH:
        raise InvalidInput(f"request body: at most {MAX_BATCH} items per call, got {len(data)}")
    entries = [_entry(position, entry) for position, entry in enumerate(data)]
    results = [_result(r) for r in service.save_items(call.db, call.store, entries)]
    good = sum(1 for r in results if r["status"] == "success")
    return success(
        request, message=f"{good} of {len(results)} Inventory Items Saved", results=results
    )


def _entry(position: int, entry: Any) -> service.BatchEntry:
    if not isinstance(entry, dict):
        return service.BatchEntry(position, "", error="expected an inventory item object")
    code = echoed_text(entry.get("code"))
    try:
        body = InventoryItemIn.model_validate(entry)
        item_id = None if body.id in (None, "") else path_id(str(body.id), "Inventory Item")
    except ValidationError as exc:
        return service.BatchEntry(position, code, error=describe_errors(exc))
    except NotFound as exc:
        return service.BatchEntry(position, code, error=exc.message)
    item = body.to_domain()
    return service.BatchEntry(position, item.code, item, item_id)


def _result(result: service.BatchResult) -> dict[str, Any]:
    if result.item_id is None:
        return {
            "code": result.code,
            "status": "error",
            "message": f"[{result.position}] {result.error}",
        }
    message = "Inventory Item Added" if result.created else "Inventory Item Updated"
    return {"id": result.item_id, "code": result.code, "status": "success", "message": message}
