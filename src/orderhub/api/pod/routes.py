"""The print-on-demand endpoints: /api/orders.php, /api/order.php, /api/orders/count.php.

Errors come back as the original sends them: `{"error": "..."}` (or `<error>`) with HTTP 200,
in the request's format (see render_error).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import orjson
from fastapi import APIRouter, Request
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Scope

from orderhub.api import db as reads
from orderhub.api.deps import ResourcesDep
from orderhub.api.pod import params as pod_params
from orderhub.api.pod import rendered
from orderhub.domain import pod
from orderhub.domain.channel import Channel
from orderhub.domain.dates import parse_datetime, store_zone
from orderhub.domain.errors import Conflict, DuplicateOrder, InvalidInput, NotFound, OrderhubError
from orderhub.domain.folders import RECEIVED_STATUS
from orderhub.domain.orders import Order
from orderhub.domain.queries import OrderQuery
from orderhub.domain.stores import Store
from orderhub.protocol.pod import codec
from orderhub.protocol.pod.orders import order_from_request, order_to_wire
from orderhub.protocol.pod.signature import split_signature, verify
from orderhub.services import orders as service
from orderhub.services.idempotency import IdempotentRequest
from orderhub.storage import orders as order_storage
from orderhub.storage import stores

router = APIRouter(prefix="/api", tags=["Print-on-demand (Inkthreadable)"])
PATHS = ("/api/orders.php", "/api/order.php", "/api/orders/count.php")
CHANNEL = Channel.pod()
MAX_LIMIT = 250
IDEMPOTENCY_SCOPE = "pod:create-order"


class PodError(OrderhubError):
    """Refused credentials; shown like every other print-on-demand error."""


def _query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))


def _wants_xml(scope: Scope) -> bool:
    if scope.get("method") == "POST":
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        return "xml" in content_type.lower() or scope.get("state", {}).get("pod_xml", False)
    return _query(scope).get("format", "json").strip().lower() == "xml"


def respond(scope: Scope, document: dict[str, Any], status_code: int = 200) -> Response:
    if _wants_xml(scope):
        return Response(codec.to_xml(document), status_code, media_type=codec.XML_TYPE)
    return Response(codec.to_json(document), status_code, media_type=codec.JSON_TYPE)


def render_error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """HTTP 200 and `{"error": message}`, whatever went wrong — as the original does, and as
    its clients expect (they look for the `error` key, not at the status). One exception:
    an unreachable database is a 503 with Retry-After (same body), so that a client retries
    the order instead of taking the error for a refusal of it (docs/pod.md)."""
    response = respond(scope, {"error": message}, 503 if status_code == 503 else 200)
    if status_code == 503:
        response.headers.update(headers or {})
    return response


async def _authenticate(request: Request, body: bytes | None) -> tuple[Store, str]:
    raw_query = request.scope.get("query_string", b"")
    params = _query(request.scope)
    unsigned, signature = split_signature(raw_query)
    app_id = params.get("AppId", "")
    if not app_id or not signature:
        raise PodError("Missing AppId or Signature")
    cache = request.app.state.credential_cache
    found = cache.get(("pod", app_id), "")
    if found is None:
        found = await run_in_threadpool(_lookup, request.app.state.db, app_id)
        if found is not None:
            cache.put(("pod", app_id), "", found)
    payload = body if body is not None else unsigned
    if found is None or not verify(payload, found[1], signature):
        raise PodError("Invalid AppId or Signature")
    request.scope["state"]["store_id"] = found[0].id  # for the access log
    return found


def _lookup(db: Any, app_id: str) -> tuple[Store, str] | None:
    with db.read() as conn:
        return stores.find_by_app_id(conn, app_id)


def _folder_statuses(conn: Connection, store_id: int) -> dict[int, str | None]:
    return {f.id: f.pod_status for f in stores.list_folders(conn, store_id)}


def _wire(conn: Connection, store: Store, found: list[Order]) -> list[dict[str, Any]]:
    statuses = _folder_statuses(conn, store.id)
    zone = store_zone(store.timezone)
    return [order_to_wire(order, statuses, zone) for order in found]


def _filters(store: Store, params: dict[str, str]) -> OrderQuery:
    query = OrderQuery(sort="id", descending=False)
    if params.get("ids"):
        query.ids = pod_params.id_list(params["ids"])
    if params.get("since_id"):
        query.since_id = pod_params.since_id(params)
    zone = ZoneInfo(store.timezone)
    if params.get("created_at_min"):
        query.added_from = parse_datetime(params["created_at_min"], "created_at_min", tz=zone)
    if params.get("created_at_max"):
        query.added_to = parse_datetime(
            params["created_at_max"], "created_at_max", tz=zone, end_of_day=True
        )
    if params.get("status"):
        status = params["status"].strip().lower()
        if status not in pod.STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(pod.STATUSES)}")
        query.pod_status = status
    return query


@router.get(
    "/orders.php",
    summary="List orders (ids, limit, page, since_id, created_at_min/max, status, format)",
)
async def list_orders(request: Request, resources: ResourcesDep) -> Response:
    store, _ = await _authenticate(request, None)
    params = _query(request.scope)
    limit = pod_params.limit(params, 50, MAX_LIMIT)
    page = pod_params.page(params)
    query = _filters(store, params)

    def fetch_page(conn: Connection) -> list[dict[str, Any]]:
        offset = (page - 1) * limit
        ids = order_storage.search_order_ids(conn, store.id, query, limit=limit, offset=offset)
        return rendered.fetch(conn, resources.rendered, store, ids)

    orders = await reads.read(resources.db, fetch_page)
    return respond(request.scope, {"orders": [{"order": o} for o in orders]})


@router.get("/order.php", summary="One order (id, format)")
async def get_order(request: Request, resources: ResourcesDep) -> Response:
    store, _ = await _authenticate(request, None)
    order_id = _order_id(request)

    def fetch_one(conn: Connection) -> dict[str, Any]:
        found = rendered.fetch(conn, resources.rendered, store, [order_id])
        if not found:
            raise NotFound("Order not found")
        return found[0]

    return respond(request.scope, {"order": await reads.read(resources.db, fetch_one)})


@router.get("/orders/count.php", summary="Count orders (since_id, created_at_min/max, status)")
async def count_orders(request: Request, resources: ResourcesDep) -> Response:
    store, _ = await _authenticate(request, None)
    query = _filters(store, _query(request.scope))
    count = await reads.read(
        resources.db, lambda conn: order_storage.count_orders(conn, store.id, query)
    )
    return respond(request.scope, {"count": count})


@router.post("/orders.php", summary="Create an order (JSON or XML body)")
async def create_order(request: Request, resources: ResourcesDep) -> Response:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    as_xml = codec.wants_xml_body(content_type, body)
    request.scope["state"]["pod_xml"] = as_xml
    store, _ = await _authenticate(request, body)
    order = order_from_request(codec.parse_body(body, as_xml), store.settings)

    def render(conn: Connection, created: Order) -> tuple[int, bytes]:
        return 200, orjson.dumps({"order": _wire(conn, store, [created])[0]})

    idempotent = None
    key = request.headers.get("idempotency-key")
    if key is not None:
        idempotent = IdempotentRequest.of(
            IDEMPOTENCY_SCOPE, key, method="POST", path="/api/orders.php", body=body,
            ttl=timedelta(hours=resources.settings.idempotency_ttl_hours),
        )  # fmt: skip
    return_existing = store.settings.get("pod_duplicate_external_id") == "return_existing"
    on_duplicate: Literal["reject", "return_existing"] = (
        "return_existing" if return_existing else "reject"
    )
    try:
        taken = await service.take_order_async(
            resources.db, store, order, channel=CHANNEL,
            default_source_id=False, on_duplicate=on_duplicate, folder_status=RECEIVED_STATUS,
            idempotent=idempotent, render=render,
        )  # fmt: skip
    except DuplicateOrder as exc:
        raise Conflict(
            f"Duplicate order: order {exc.existing_id} already has external_id {exc.source_id}"
        ) from None
    if taken.replay is not None:
        answer = taken.replay.body
    else:
        assert taken.response is not None
        answer = taken.response[1]
    return respond(request.scope, orjson.loads(answer))


@router.delete("/orders.php", summary="Cancel an unpaid order (id)")
async def delete_order(request: Request, resources: ResourcesDep) -> Response:
    store, _ = await _authenticate(request, None)
    order_id = _order_id(request)
    try:
        cancelled = await run_in_threadpool(
            service.cancel_order, resources.db, store, order_id, channel=CHANNEL
        )
    except NotFound:
        raise NotFound("Order not found") from None
    wire = await reads.read(resources.db, lambda conn: _wire(conn, store, [cancelled]))
    return respond(request.scope, {"order": wire[0]})


def _order_id(request: Request) -> int:
    return pod_params.order_id(_query(request.scope))
