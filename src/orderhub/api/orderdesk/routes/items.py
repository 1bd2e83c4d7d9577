"""Order items (spec §5). Every change recomputes the order's totals in the same transaction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store, stock_of
from orderhub.api.orderdesk.bodies import json_body, path_id
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import ItemIn, ItemPatch, parse_body
from orderhub.api.orderdesk.wire import item_dict
from orderhub.storage import orders as repo
from orderhub.storage.stores import Store

router = APIRouter()
_stock = stock_of
SURFACE = "orderdesk"


@router.get("/orders/{order_id}/order-items", summary="List an order's items")
def list_items(order_id: str, request: Request, store: Store = Depends(current_store)) -> Response:
    oid = path_id(order_id, "Order")
    with request.app.state.db.read() as conn:
        items = repo.get_items(conn, store.id, oid)
    return success(request, total_records=len(items), order_items=[item_dict(i) for i in items])


@router.post(
    "/orders/{order_id}/order-items",
    summary="Add an item to an order",
    openapi_extra=body_schema(ItemIn),
)
def add_item(
    order_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid = path_id(order_id, "Order")
    item = parse_body(ItemIn, data).to_domain()
    item.id = None
    with request.app.state.db.write() as conn:
        item_id = repo.add_item(conn, store.id, oid, item, surface=SURFACE, stock=_stock(store))
        created = repo.get_item(conn, store.id, oid, item_id)
    return success(request, message="Order Item Added", order_item=item_dict(created))


@router.get("/orders/{order_id}/order-items/{item_id}", summary="Get one item")
def get_item(
    order_id: str, item_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    with request.app.state.db.read() as conn:
        item = repo.get_item(conn, store.id, oid, iid)
    return success(request, order_item=item_dict(item))


@router.put(
    "/orders/{order_id}/order-items/{item_id}",
    summary="Update an item",
    description="Only the fields sent change; the order's totals are recomputed.",
    openapi_extra=body_schema(ItemPatch),
)
def update_item(
    order_id: str,
    item_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    patch = parse_body(ItemPatch, data)
    with request.app.state.db.write() as conn:
        current = repo.get_item(conn, store.id, oid, iid)
        repo.update_item(
            conn, store.id, oid, patch.apply_to(current), surface=SURFACE, stock=_stock(store)
        )
        updated = repo.get_item(conn, store.id, oid, iid)
    return success(request, message="Order Item Updated", order_item=item_dict(updated))


@router.delete("/orders/{order_id}/order-items/{item_id}", summary="Remove an item")
def delete_item(
    order_id: str, item_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid, iid = path_id(order_id, "Order"), path_id(item_id, "Order Item")
    with request.app.state.db.write() as conn:
        repo.delete_item(conn, store.id, oid, iid, surface=SURFACE, stock=_stock(store))
    return success(request, message=f"Order Item {iid} Deleted")
