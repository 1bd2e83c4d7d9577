"""Order items (spec §5). Every change recomputes the order's totals in the same transaction."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from orderhub.api import db as reads
from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.channel import Channel
from orderhub.protocol.orderdesk.models import ItemIn, ItemPatch, parse_body
from orderhub.protocol.orderdesk.wire import item_dict
from orderhub.services import items as service
from orderhub.storage import orders as order_storage

router = APIRouter()
CHANNEL = Channel.orderdesk()


@router.get("/orders/{order_id}/order-items", summary="List an order's items")
async def list_items(order_id: str, request: Request, call: CallDep) -> Response:
    oid = path_id(order_id, "Order")
    items = await reads.read(
        call.db, lambda conn: order_storage.get_items(conn, call.store.id, oid)
    )
    return success(request, total_records=len(items), order_items=[item_dict(i) for i in items])


@router.post(
    "/orders/{order_id}/order-items",
    summary="Add an item to an order",
    openapi_extra=body_schema(ItemIn),
)
def add_item(order_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    oid = path_id(order_id, "Order")
    item = parse_body(ItemIn, data).to_domain()
    created = service.add_item(call.db, call.store, oid, item, channel=CHANNEL)
    return success(request, message="Order Item Added", order_item=item_dict(created))


@router.get("/orders/{order_id}/order-items/{item_id}", summary="Get one item")
async def get_item(order_id: str, item_id: str, request: Request, call: CallDep) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    item = await reads.read(
        call.db, lambda conn: order_storage.get_item(conn, call.store.id, oid, iid)
    )
    return success(request, order_item=item_dict(item))


@router.put(
    "/orders/{order_id}/order-items/{item_id}",
    summary="Update an item",
    description="Only the fields sent change; the order's totals are recomputed.",
    openapi_extra=body_schema(ItemPatch),
)
def update_item(
    order_id: str, item_id: str, request: Request, call: CallDep, data: JsonBody
) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    patch = parse_body(ItemPatch, data)
    updated = service.update_item(call.db, call.store, oid, iid, patch.apply_to, channel=CHANNEL)
    return success(request, message="Order Item Updated", order_item=item_dict(updated))


@router.delete("/orders/{order_id}/order-items/{item_id}", summary="Remove an item")
def delete_item(order_id: str, item_id: str, request: Request, call: CallDep) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    service.remove_item(call.db, call.store, oid, iid, channel=CHANNEL)
    return success(request, message=f"Order Item {iid} Deleted")
