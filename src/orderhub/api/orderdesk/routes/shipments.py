"""Shipments (spec §6) and batch shipments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from orderhub.api import db as reads
from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.channel import Channel
from orderhub.domain.errors import Conflict, DuplicateShipment, InvalidInput
from orderhub.domain.values import echoed_text
from orderhub.protocol.orderdesk.models import (
    BatchShipmentIn,
    ShipmentIn,
    describe_errors,
    parse_body,
)
from orderhub.protocol.orderdesk.wire import shipment_dict
from orderhub.services import shipments as service
from orderhub.storage import shipments as shipment_storage

router = APIRouter()
CHANNEL = Channel.orderdesk()
MAX_BATCH = 100
# §6: the original's words for a tracking number the order already has.
NOT_ADDED = "Shipment Not Added"


@router.get("/orders/{order_id}/shipments", summary="List an order's shipments")
async def list_shipments(order_id: str, request: Request, call: CallDep) -> Response:
    oid = path_id(order_id, "Order")
    found = await reads.read(
        call.db, lambda conn: shipment_storage.list_for_order(conn, call.store.id, oid)
    )
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
def add_shipment(order_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    oid = path_id(order_id, "Order")
    shipment, lines = parse_body(ShipmentIn, data).to_domain()
    try:
        created = service.add_shipment(call.db, call.store, oid, shipment, lines, channel=CHANNEL)
    except DuplicateShipment:
        raise Conflict(NOT_ADDED) from None
    return success(request, message="Shipment Added", shipment=shipment_dict(created))


@router.get("/orders/{order_id}/shipments/{shipment_id}", summary="Get one shipment")
async def get_shipment(
    order_id: str, shipment_id: str, request: Request, call: CallDep
) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    found = await reads.read(
        call.db, lambda conn: shipment_storage.get(conn, call.store.id, oid, sid)
    )
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
    call: CallDep,
    data: JsonBody,
) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    shipment, _ = parse_body(ShipmentIn, data).to_domain()
    updated = service.replace_shipment(call.db, call.store, oid, sid, shipment, channel=CHANNEL)
    return success(request, message="Shipment Updated", shipment=shipment_dict(updated))


@router.delete("/orders/{order_id}/shipments/{shipment_id}", summary="Delete a shipment")
def delete_shipment(order_id: str, shipment_id: str, request: Request, call: CallDep) -> Response:
    oid, sid = path_id(order_id, "Order"), path_id(shipment_id, "Shipment")
    service.remove_shipment(call.db, call.store, oid, sid, channel=CHANNEL)
    return success(request, message=f"Shipment {sid} Deleted")


@router.post(
    "/batch-shipments",
    summary="Add shipments to many orders",
    description=f"A JSON array of shipments, each with `order_id`; at most {MAX_BATCH}. Each "
    "entry succeeds or fails on its own, and `results` says how each one went, in input order.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
            },
        }
    },
)
def batch_shipments(request: Request, call: CallDep, data: JsonBody) -> Response:
    if not isinstance(data, list):
        raise InvalidInput("request body: expected a JSON array of shipments")
    if not data:
        raise InvalidInput("request body: the array is empty")
    if len(data) > MAX_BATCH:
        raise InvalidInput(f"request body: at most {MAX_BATCH} shipments per call, got {len(data)}")
    entries = [_entry(position, entry) for position, entry in enumerate(data)]
    given = [_given_order_id(entry) for entry in data]
    results = [
        _result(r, given[r.position])
        for r in service.add_shipments(call.db, call.store, entries, channel=CHANNEL)
    ]
    good = sum(1 for r in results if r["status"] == "success")
    return success(request, message=f"{good} of {len(results)} Shipments Added", results=results)


def _entry(position: int, entry: Any) -> service.BatchEntry:
    if not isinstance(entry, dict):
        return service.BatchEntry(position, None, error="expected a shipment object")
    try:
        body = BatchShipmentIn.model_validate(entry)
    except ValidationError as exc:
        return service.BatchEntry(position, None, error=describe_errors(exc))
    shipment, lines = body.to_domain()
    return service.BatchEntry(position, body.order_id, shipment, lines)


def _given_order_id(entry: Any) -> str:
    return echoed_text(entry.get("order_id") if isinstance(entry, dict) else None)


def _result(result: service.BatchResult, given_order_id: str) -> dict[str, Any]:
    if result.shipment_id is None:
        duplicate = isinstance(result.failure, DuplicateShipment)
        message = NOT_ADDED if duplicate else result.error
        return {
            "order_id": given_order_id,
            "status": "error",
            "message": f"[{result.position}] {message}",
        }
    return {
        "order_id": str(result.order_id),
        "status": "success",
        "message": "Shipment Added",
        "shipment_id": str(result.shipment_id),
    }
