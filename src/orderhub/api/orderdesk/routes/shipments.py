"""Shipments (spec §6) and batch shipments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store
from orderhub.api.orderdesk.bodies import json_body, path_id
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import BatchShipmentIn, ShipmentIn, describe_errors, parse_body
from orderhub.api.orderdesk.wire import shipment_dict
from orderhub.domain.errors import InvalidInput, OrderhubError
from orderhub.storage import orders as order_repo
from orderhub.storage import shipments as repo
from orderhub.storage.stores import Store

router = APIRouter()
SURFACE = "orderdesk"
MAX_BATCH = 100


@router.get("/orders/{order_id}/shipments", summary="List an order's shipments")
def list_shipments(
    order_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid = path_id(order_id, "Order")
    with request.app.state.db.read() as conn:
        found = repo.list_for_order(conn, store.id, oid)
    return success(request, total_records=len(found), shipments=[shipment_dict(s) for s in found])


@router.post(
    "/orders/{order_id}/shipments",
    summary="Add a shipment (all of the order, or some items)",
    description="Without `order_items` the shipment covers everything not yet shipped; with "
    "`order_items` ([{id or code, quantity}]) it ships part of the order. Shipping more of "
    "an item than is left is a 400; the same tracking number twice is "
    '`{"status":"error","message":"Shipment Not Added"}` (409).',
    openapi_extra=body_schema(ShipmentIn),
)
def add_shipment(
    order_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid = path_id(order_id, "Order")
    body = parse_body(ShipmentIn, data)
    with request.app.state.db.write() as conn:
        items = order_repo.get_items(conn, store.id, oid)
        shipment_id = repo.create(conn, store.id, oid, body.to_domain(items), surface=SURFACE)
        created = repo.get(conn, store.id, oid, shipment_id)
    return success(request, message="Shipment Added", shipment=shipment_dict(created))


@router.get("/orders/{order_id}/shipments/{shipment_id}", summary="Get one shipment")
def get_shipment(
    order_id: str, shipment_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    with request.app.state.db.read() as conn:
        found = repo.get(conn, store.id, oid, sid)
    return success(request, shipment=shipment_dict(found))


@router.put(
    "/orders/{order_id}/shipments/{shipment_id}",
    summary="Replace a shipment's fields",
    description="Full replacement of the writable fields (omitted ones are blanked; carrier "
    "and tracking URL are guessed again when blank). The items it covers do not change.",
    openapi_extra=body_schema(ShipmentIn),
)
def update_shipment(
    order_id: str,
    shipment_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    body = parse_body(ShipmentIn, data)
    with request.app.state.db.write() as conn:
        repo.replace(conn, store.id, oid, sid, body.to_domain([]), surface=SURFACE)
        updated = repo.get(conn, store.id, oid, sid)
    return success(request, message="Shipment Updated", shipment=shipment_dict(updated))


@router.delete("/orders/{order_id}/shipments/{shipment_id}", summary="Delete a shipment")
def delete_shipment(
    order_id: str, shipment_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    with request.app.state.db.write() as conn:
        repo.remove(conn, store.id, oid, sid, surface=SURFACE)
    return success(request, message=f"Shipment {sid} Deleted")


@router.post(
    "/batch-shipments",
    summary="Add shipments to many orders",
    description=f"A JSON array of shipments, each with `order_id`; at most {MAX_BATCH}. Each "
    "entry is committed on its own, and `results` says how each one went, in input order.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
def batch_shipments(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    if not isinstance(data, list):
        raise InvalidInput("request body: expected a JSON array of shipments")
    if not data:
        raise InvalidInput("request body: the array is empty")
    if len(data) > MAX_BATCH:
        raise InvalidInput(f"request body: at most {MAX_BATCH} shipments per call, got {len(data)}")
    results = [_one(request, store, position, entry) for position, entry in enumerate(data)]
    good = sum(1 for r in results if r["status"] == "success")
    return success(request, message=f"{good} of {len(results)} Shipments Added", results=results)


def _one(request: Request, store: Store, position: int, entry: Any) -> dict[str, Any]:
    order_id = entry.get("order_id") if isinstance(entry, dict) else None
    try:
        if not isinstance(entry, dict):
            raise InvalidInput("expected a shipment object")
        try:
            body = BatchShipmentIn.model_validate(entry)
        except ValidationError as exc:
            raise InvalidInput(describe_errors(exc)) from None
        with request.app.state.db.write() as conn:
            items = order_repo.get_items(conn, store.id, body.order_id)
            shipment_id = repo.create(
                conn, store.id, body.order_id, body.to_domain(items), surface=SURFACE
            )
        return {
            "order_id": str(body.order_id),
            "status": "success",
            "message": "Shipment Added",
            "shipment_id": str(shipment_id),
        }
    except OrderhubError as exc:
        return {
            "order_id": "" if order_id is None else str(order_id),
            "status": "error",
            "message": f"[{position}] {exc.message}",
        }
