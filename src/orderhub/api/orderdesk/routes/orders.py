"""Orders (spec §4): list, create, get, replace, delete, and history notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Request
from sqlalchemy import Connection
from starlette.responses import Response

from orderhub.api import db as reads
from orderhub.api.openapi import body_schema
from orderhub.api.orderdesk import rendered
from orderhub.api.orderdesk.bodies import json_value, raw_body
from orderhub.api.orderdesk.deps import CallDep, JsonBody
from orderhub.api.orderdesk.envelope import rate_headers, success
from orderhub.api.orderdesk.params import parse_order_query, parse_page
from orderhub.api.orderdesk.path_ids import path_id
from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.orders import Order, fill_create_defaults, normalise_addresses
from orderhub.domain.queries import KEYSET_SORTS
from orderhub.protocol.orderdesk import bulk_schema
from orderhub.protocol.orderdesk.cursor import encode_cursor
from orderhub.protocol.orderdesk.models import HistoryNoteIn, OrderIn, parse_body
from orderhub.protocol.orderdesk.wire import order_dict
from orderhub.services import orders as service
from orderhub.services.idempotency import IdempotentRequest
from orderhub.storage import orders as order_storage
from orderhub.storage import stores

router = APIRouter()
CHANNEL = Channel.orderdesk()
IDEMPOTENCY_SCOPE = "orderdesk:create-order"
# Whether a create's body is tried with the compiled schema first (tests turn it off to
# compare the answers of the two paths).
FAST_BODY = True


@router.get("/orders", summary="List and search orders")
async def list_orders(request: Request, call: CallDep) -> Response:
    store = call.store
    params = request.query_params
    query = parse_order_query(params, store.timezone)
    page = parse_page(params)
    with_history = params.get("get_order_history") == "1"

    def count_and_fetch(conn: Connection) -> tuple[int, list[tuple[Any, orjson.Fragment]]]:
        if (
            query.folder_name is not None
            and stores.find_folder(conn, store.id, name=query.folder_name) is None
        ):
            raise InvalidInput(f"folder_name: no folder named {query.folder_name!r}")
        total = call.counts.get_or_count(
            store.id, query.cache_key(), lambda: order_storage.count_orders(conn, store.id, query)
        )
        ids = order_storage.search_order_ids(
            conn, store.id, query, limit=page.limit, offset=page.offset
        )
        return total, rendered.fetch(conn, call.rendered, store.id, ids, with_history=with_history)

    total, found = await reads.read(call.db, count_and_fetch)
    next_cursor = None
    if len(found) == page.limit and query.sort in KEYSET_SORTS:
        last = found[-1][0]
        next_cursor = encode_cursor(query.sort, getattr(last, query.sort), int(last.id))
    response = success(
        request,
        took_message=True,
        total_records=total,
        records_returned=len(found),
        offset=page.offset,
        limit=page.limit,
        orders=[body for _, body in found],
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
async def create_order(request: Request, call: CallDep) -> Response:
    raw = await raw_body(request)
    # The compiled schema judges nearly every good body; OrderIn judges the rest, and so
    # gives every refusal its message (protocol/orderdesk/bulk_schema.py).
    order = bulk_schema.order_of(raw) if FAST_BODY else None
    if order is None:
        order = parse_body(OrderIn, json_value(raw)).to_domain()
    fill_create_defaults(order)

    def render(_conn: Connection, created: Order) -> tuple[int, bytes]:
        response = success(request, message="Order Created", order=order_dict(created))
        return response.status_code, bytes(response.body)

    key = request.headers.get("idempotency-key")
    idempotent = None
    if key is not None:
        idempotent = IdempotentRequest.of(
            IDEMPOTENCY_SCOPE, key, method="POST", path="/orders", body=raw,
            ttl=timedelta(hours=call.settings.idempotency_ttl_hours),
        )  # fmt: skip
    taken = await service.take_order_async(
        call.db, call.store, order, channel=CHANNEL, idempotent=idempotent, render=render
    )
    if taken.replay is not None:
        headers = {"Idempotent-Replayed": "true", **rate_headers(request.scope)}
        return Response(
            taken.replay.body, taken.replay.status_code, headers, media_type="application/json"
        )
    assert taken.response is not None
    status, body = taken.response
    return Response(body, status, rate_headers(request.scope), media_type="application/json")


@router.get("/orders/{order_id}", summary="Get one order")
async def get_order(order_id: str, request: Request, call: CallDep) -> Response:
    oid = path_id(order_id, "Order")
    found = None
    if call.loop_reads is not None:  # PostgreSQL: the revision query on the event loop
        found = await rendered.fetch_cached(
            call.loop_reads, call.rendered, call.store.id, [oid], with_history=True
        )
    if found is None:
        found = await reads.read(
            call.db,
            lambda conn: rendered.fetch(
                conn, call.rendered, call.store.id, [oid], with_history=True
            ),
        )
    if not found:
        raise NotFound(f"Order {oid} not found")
    return success(request, took_message=True, order=found[0][1])


@router.put(
    "/orders/{order_id}",
    summary="Replace an order",
    description="Full replacement: omitted fields are blanked, except folder_id, source_name, "
    "source_id and date_added, which keep their values. Items with an id are updated, items "
    "without one are added, and items missing from `order_items` are removed; leave "
    "`order_items` out entirely to keep the items as they are.",
    openapi_extra=body_schema(OrderIn),
)
def replace_order(order_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    oid = path_id(order_id, "Order")
    parsed = parse_body(OrderIn, data)
    order = parsed.to_domain()
    normalise_addresses(order)
    updated = service.replace_order(
        call.db, call.store, oid, order, channel=CHANNEL, keep_items=parsed.order_items is None
    )
    return success(request, message="Order Updated", order=order_dict(updated))


@router.delete("/orders/{order_id}", summary="Delete an order")
def delete_order(order_id: str, request: Request, call: CallDep) -> Response:
    oid = path_id(order_id, "Order")
    service.delete_order(call.db, call.store, oid)
    return success(request, message=f"Order {oid} Deleted")


@router.post(
    "/orders/{order_id}/order-history",
    summary="Add a note to an order's history",
    openapi_extra=body_schema(HistoryNoteIn),
)
def add_history(order_id: str, request: Request, call: CallDep, data: JsonBody) -> Response:
    oid = path_id(order_id, "Order")
    note = parse_body(HistoryNoteIn, data)
    order = service.add_note(
        call.db, call.store, oid, note.note, channel=CHANNEL, source_name=note.source_name or "API"
    )
    return success(request, total_records=1, order=order_dict(order))
