"""Orders (spec §4): list, create, get, replace, delete, and history notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from orderhub.api import db
from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk.auth import current_store, stock_of
from orderhub.api.orderdesk.bodies import json_body, path_id
from orderhub.api.orderdesk.envelope import success
from orderhub.api.orderdesk.models import HistoryNoteIn, OrderIn, parse_body
from orderhub.api.orderdesk.params import (
    KEYSET_SORTS,
    Page,
    encode_cursor,
    parse_order_query,
    parse_page,
)
from orderhub.api.orderdesk.wire import order_dict
from orderhub.domain.errors import Conflict
from orderhub.domain.orders import Order, fill_create_defaults, normalise_addresses
from orderhub.storage import idempotency
from orderhub.storage import orders as repo
from orderhub.storage.orders import OrderQuery
from orderhub.storage.stores import Store

router = APIRouter()
_stock = stock_of
SURFACE = "orderdesk"
IDEMPOTENCY_SCOPE = "orderdesk:create-order"


def _duplicate(source_name: str, source_id: str, existing_id: int) -> Conflict:
    return Conflict(
        f"Duplicate order: order {existing_id} already has source_name {source_name!r} "
        f"and source_id {source_id!r}",
        existing_id=existing_id,
    )


@router.get("/orders", summary="List and search orders")
async def list_orders(request: Request, store: Store = Depends(current_store)) -> Response:
    params = request.query_params

    def work(conn: Connection) -> tuple[Page, int, list[Order], OrderQuery]:
        query = parse_order_query(conn, store, params)
        page = parse_page(params)
        total = request.app.state.count_cache.get_or_count(
            store.id, query.cache_key(), lambda: repo.count_orders(conn, store.id, query)
        )
        ids = repo.search_order_ids(conn, store.id, query, limit=page.limit, offset=page.offset)
        with_history = params.get("get_order_history") == "1"
        found = repo.load_orders(conn, store.id, ids, with_history=with_history)
        return page, total, found, query

    page, total, found, query = await db.read(request, work)
    next_cursor = None
    if len(found) == page.limit and query.sort in KEYSET_SORTS:
        last = found[-1]
        next_cursor = encode_cursor(query.sort, getattr(last, query.sort), int(last.id or 0))
    response = success(
        request,
        took_message=True,
        total_records=total,
        records_returned=len(found),
        offset=page.offset,
        limit=page.limit,
        orders=[order_dict(order) for order in found],
        next_cursor=next_cursor,
    )
    if next_cursor is not None:
        following = request.url.remove_query_params("offset").include_query_params(
            cursor=next_cursor
        )
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response


@router.post(
    "/orders",
    summary="Create an order",
    description="Send `Idempotency-Key` to make retries safe: a retry with the same key and "
    "body replays the first response; the same key with another body is a 409.",
    openapi_extra=body_schema(OrderIn),
)
def create_order(
    request: Request, store: Store = Depends(current_store), data: Any = Depends(json_body)
) -> Response:
    order = parse_body(OrderIn, data).to_domain()
    fill_create_defaults(order)
    key = request.headers.get("idempotency-key")
    state = request.app.state
    try:
        with state.db.write() as conn:
            if key is not None:
                fingerprint = idempotency.request_fingerprint(
                    "POST", "/orders", request.scope["state"]["raw_body"]
                )
                ttl = timedelta(hours=state.settings.idempotency_ttl_hours)
                replay = idempotency.claim(
                    conn, store.id, IDEMPOTENCY_SCOPE, key, fingerprint, ttl=ttl
                )
                if replay is not None:
                    return Response(
                        replay.body,
                        replay.status_code,
                        {"Idempotent-Replayed": "true", **_rate_headers(request)},
                        media_type="application/json",
                    )
            # A duplicate (source_name, source_id) is caught by the unique index below.
            order_id = repo.create_order(
                conn, store.id, order, surface=SURFACE, stock=_stock(store)
            )
            response = None
            if key is not None:
                # The stored response must be the one this transaction commits.
                created = repo.get_order(conn, store.id, order_id, with_history=False)
                response = success(request, message="Order Created", order=order_dict(created))
                idempotency.record(
                    conn,
                    store.id,
                    IDEMPOTENCY_SCOPE,
                    key,
                    response.status_code,
                    bytes(response.body),
                )
        if response is None:
            # Read back after commit, outside the write lock that other writers wait for.
            with state.db.read() as conn:
                created = repo.get_order(conn, store.id, order_id, with_history=False)
            response = success(request, message="Order Created", order=order_dict(created))
        return response
    except IntegrityError:
        # The store already has this (source_name, source_id), or a concurrent create won.
        if not order.source_id:
            raise
        with state.db.read() as conn:
            existing = repo.find_by_source(conn, store.id, order.source_name, order.source_id)
        if existing is None:
            raise
        raise _duplicate(order.source_name, order.source_id, existing) from None


def _rate_headers(request: Request) -> dict[str, str]:
    remaining = request.scope["state"].get("tokens_remaining")
    return {} if remaining is None else {"X-Tokens-Remaining": str(remaining)}


@router.get("/orders/{order_id}", summary="Get one order")
async def get_order(
    order_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid = path_id(order_id, "Order")
    order = await db.read(
        request, lambda conn: repo.get_order(conn, store.id, oid, with_history=True)
    )
    return success(request, took_message=True, order=order_dict(order))


@router.put(
    "/orders/{order_id}",
    summary="Replace an order",
    description="Full replacement: omitted fields are blanked, except folder_id, source_name, "
    "source_id and date_added, which keep their values. Items with an id are updated, items "
    "without one are added, and items missing from `order_items` are removed; leave "
    "`order_items` out entirely to keep the items as they are.",
    openapi_extra=body_schema(OrderIn),
)
def replace_order(
    order_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid = path_id(order_id, "Order")
    parsed = parse_body(OrderIn, data)
    order = parsed.to_domain()
    normalise_addresses(order)
    state = request.app.state
    try:
        with state.db.write() as conn:
            if parsed.order_items is None:
                order.items = repo.get_items(conn, store.id, oid)
            repo.replace_order(conn, store.id, oid, order, surface=SURFACE, stock=_stock(store))
            updated = repo.get_order(conn, store.id, oid, with_history=False)
    except IntegrityError:
        raise _source_taken(state, store, order) from None
    return success(request, message="Order Updated", order=order_dict(updated))


def _source_taken(state: Any, store: Store, order: Order) -> Conflict:
    with state.db.read() as conn:
        existing = repo.find_by_source(conn, store.id, order.source_name, order.source_id or "")
    return _duplicate(order.source_name, order.source_id or "", existing or 0)


@router.delete("/orders/{order_id}", summary="Delete an order")
def delete_order(
    order_id: str, request: Request, store: Store = Depends(current_store)
) -> Response:
    oid = path_id(order_id, "Order")
    with request.app.state.db.write() as conn:
        repo.delete_order(conn, store.id, oid, stock=_stock(store))
    return success(request, message=f"Order {oid} Deleted")


@router.post(
    "/orders/{order_id}/order-history",
    summary="Add a note to an order's history",
    openapi_extra=body_schema(HistoryNoteIn),
)
def add_history(
    order_id: str,
    request: Request,
    store: Store = Depends(current_store),
    data: Any = Depends(json_body),
) -> Response:
    oid = path_id(order_id, "Order")
    note = parse_body(HistoryNoteIn, data)
    with request.app.state.db.write() as conn:
        repo.add_history_note(
            conn, store.id, oid, note.note, note.source_name or "API", surface=SURFACE
        )
        order = repo.get_order(conn, store.id, oid, with_history=True)
    return success(request, total_records=1, order=order_dict(order))
