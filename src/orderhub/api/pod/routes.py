"""The print-on-demand endpoints: /api/orders.php, /api/order.php, /api/orders/count.php.

Errors come back as the original sends them: `{"error": "..."}` (or `<error>`) with HTTP 200,
in the request's format (see render_error).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import orjson
from fastapi import APIRouter, Request
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Scope

from orderhub.api.pod import codec
from orderhub.api.pod import params as pod_params
from orderhub.api.pod.orders import order_from_request, order_to_wire, status_of
from orderhub.domain import pod
from orderhub.domain.dates import parse_datetime, store_zone
from orderhub.domain.errors import Conflict, InvalidInput, NotFound, OrderhubError
from orderhub.domain.inventory import StockPolicy
from orderhub.domain.orders import Order
from orderhub.protocol.pod import split_signature, verify
from orderhub.storage import idempotency, notifications, stores
from orderhub.storage import orders as repo
from orderhub.storage.orders import OrderQuery
from orderhub.storage.stores import Store

router = APIRouter(prefix="/api", tags=["Print-on-demand (Inkthreadable)"])
PATHS = ("/api/orders.php", "/api/order.php", "/api/orders/count.php")
SURFACE = "pod"
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


def respond(scope: Scope, document: dict[str, Any]) -> Response:
    if _wants_xml(scope):
        return Response(codec.to_xml(document), 200, media_type=codec.XML_TYPE)
    return Response(codec.to_json(document), 200, media_type=codec.JSON_TYPE)


def render_error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """HTTP 200 and `{"error": message}`, whatever went wrong — as the original does, and as
    its clients expect (they look for the `error` key, not at the status)."""
    return respond(scope, {"error": message})


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


def _filters(conn: Connection, store: Store, params: dict[str, str]) -> OrderQuery:
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
        query.folder_ids = [
            fid for fid, s in _folder_statuses(conn, store.id).items() if s == status
        ]
    return query


@router.get(
    "/orders.php",
    summary="List orders (ids, limit, page, since_id, created_at_min/max, status, format)",
)
async def list_orders(request: Request) -> Response:
    store, _ = await _authenticate(request, None)
    params = _query(request.scope)
    limit = pod_params.limit(params, 50, MAX_LIMIT)
    page = pod_params.page(params)

    def work(conn: Connection) -> list[dict[str, Any]]:
        query = _filters(conn, store, params)
        ids = repo.search_order_ids(conn, store.id, query, limit=limit, offset=(page - 1) * limit)
        return _wire(conn, store, repo.load_orders(conn, store.id, ids, with_history=False))

    orders = await run_in_threadpool(_read, request, work)
    return respond(request.scope, {"orders": [{"order": o} for o in orders]})


@router.get("/order.php", summary="One order (id, format)")
async def get_order(request: Request) -> Response:
    store, _ = await _authenticate(request, None)
    order_id = pod_params.order_id(_query(request.scope))

    def work(conn: Connection) -> dict[str, Any]:
        found = repo.load_orders(conn, store.id, [order_id], with_history=False)
        if not found:
            raise NotFound("Order not found")
        return _wire(conn, store, found)[0]

    return respond(request.scope, {"order": await run_in_threadpool(_read, request, work)})


@router.get("/orders/count.php", summary="Count orders (since_id, created_at_min/max, status)")
async def count_orders(request: Request) -> Response:
    store, _ = await _authenticate(request, None)
    params = _query(request.scope)

    def work(conn: Connection) -> int:
        return repo.count_orders(conn, store.id, _filters(conn, store, params))

    return respond(request.scope, {"count": await run_in_threadpool(_read, request, work)})


@router.post("/orders.php", summary="Create an order (JSON or XML body)")
async def create_order(request: Request) -> Response:
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    as_xml = codec.wants_xml_body(content_type, body)
    request.scope["state"]["pod_xml"] = as_xml
    store, _ = await _authenticate(request, body)
    order = order_from_request(codec.parse_body(body, as_xml), store.settings)
    key = request.headers.get("idempotency-key")
    document = await run_in_threadpool(_create, request, store, order, key, body)
    return respond(request.scope, document)


def _create(
    request: Request, store: Store, order: Order, key: str | None, body: bytes
) -> dict[str, Any]:
    db = request.app.state.db
    try:
        with db.write() as conn:
            if key is not None:
                ttl = timedelta(hours=request.app.state.settings.idempotency_ttl_hours)
                fingerprint = idempotency.request_fingerprint("POST", "/api/orders.php", body)
                replay = idempotency.claim(
                    conn, store.id, IDEMPOTENCY_SCOPE, key, fingerprint, ttl=ttl
                )
                if replay is not None:
                    document: dict[str, Any] = orjson.loads(replay.body)
                    return document
            received = stores.find_folder_by_status(conn, store.id, "received")
            order.folder_id = received.id if received else None
            order_id = repo.create_order(
                conn, store.id, order, surface=SURFACE, default_source_id=False,
                stock=StockPolicy.from_settings(store.settings),
            )  # fmt: skip
            created = repo.load_orders(conn, store.id, [order_id], with_history=False)
            document = {"order": _wire(conn, store, created)[0]}
            if key is not None:
                idempotency.record(
                    conn, store.id, IDEMPOTENCY_SCOPE, key, 200, orjson.dumps(document)
                )
        return document
    except IntegrityError:
        if not order.source_id:
            raise
        with db.read() as conn:
            existing = repo.find_by_source(conn, store.id, pod.SOURCE_NAME, order.source_id)
            if existing is None:
                raise
            if store.settings.get("pod_duplicate_external_id") == "return_existing":
                found = repo.load_orders(conn, store.id, [existing], with_history=False)
                return {"order": _wire(conn, store, found)[0]}
        raise Conflict(
            f"Duplicate order: order {existing} already has external_id {order.source_id}"
        ) from None


@router.delete("/orders.php", summary="Cancel an unpaid order (id)")
async def delete_order(request: Request) -> Response:
    store, _ = await _authenticate(request, None)
    order_id = pod_params.order_id(_query(request.scope))
    document = await run_in_threadpool(_cancel, request, store, order_id)
    return respond(request.scope, document)


def _cancel(request: Request, store: Store, order_id: int) -> dict[str, Any]:
    with request.app.state.db.write() as conn:
        found = repo.load_orders(conn, store.id, [order_id], with_history=False)
        if not found:
            raise NotFound("Order not found")
        order = found[0]
        if not order.deleted:
            status = status_of(order, _folder_statuses(conn, store.id))
            if status not in pod.UNPAID_STATUSES:
                raise InvalidInput(
                    f"Order {order_id} cannot be deleted: it is {status}; only unpaid "
                    "(received) orders can be"
                )
            repo.cancel_order(conn, store.id, order_id, status, surface=SURFACE)
            notifications.enqueue(conn, store.id, order_id, "updated")
            found = repo.load_orders(conn, store.id, [order_id], with_history=False)
        return {"order": _wire(conn, store, found)[0]}


def _read(request: Request, work: Any) -> Any:
    with request.app.state.db.read() as conn:
        return work(conn)
