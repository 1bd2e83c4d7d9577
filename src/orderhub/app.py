"""Builds the ASGI app: both protocol surfaces, the shared middleware, and error handlers
that answer in the shape of the protocol the request was addressed to."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from orderhub import __version__, desk
from orderhub.api import docs, health, metrics, openapi
from orderhub.api.deps import Resources
from orderhub.api.middleware import OperationsMiddleware, ProtocolMiddleware
from orderhub.api.orderdesk import openapi_spec as orderdesk_spec
from orderhub.api.orderdesk import router as orderdesk
from orderhub.api.orderdesk.auth import RateLimited
from orderhub.api.pod import openapi_spec as pod_spec
from orderhub.api.pod import routes as pod_routes
from orderhub.api.ratelimit import build_rate_limiter
from orderhub.api.rendered import RenderedOrders
from orderhub.api.routing import add_routes
from orderhub.composition import compose
from orderhub.config import Settings
from orderhub.domain.errors import OrderhubError
from orderhub.logs import AccessLog
from orderhub.outbound import notify_route
from orderhub.outbound import openapi_spec as supplier_spec
from orderhub.outbound.email_worker import EmailWorker
from orderhub.outbound.forwarder import Forwarder
from orderhub.outbound.notifier import Notifier
from orderhub.outbound.worker import WebhookWorker
from orderhub.services.rule_schedule import RuleScheduler
from orderhub.storage import async_reads
from orderhub.storage.availability import OutageLog
from orderhub.storage.count_cache import CountCache
from orderhub.storage.database import Database, autovacuum_is_off
from orderhub.storage.migrate import schema_state
from orderhub.storage.store_cache import CredentialCache

log = logging.getLogger("orderhub.app")

Renderer = Callable[..., Response]
_PROTOCOLS: tuple[tuple[str, str, Renderer], ...] = (
    (orderdesk.PREFIX, "orderdesk", orderdesk.render_error),
    *((path, "pod", pod_routes.render_error) for path in pod_routes.PATHS),
    *((path, "desk", desk.render_error) for path in desk.PATHS),
)


class SchemaMismatch(RuntimeError):
    """The database is not at the code's migration head; the message says what to do."""


def _protocol_of(scope: Scope) -> tuple[str, Renderer | None]:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root):  # behind a proxy (`serve --root-path`)
        path = path[len(root) :]
    for prefix, protocol, renderer in _PROTOCOLS:
        if path == prefix or path.startswith(prefix + "/"):
            return protocol, renderer
    return "other", None


def render_error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    renderer = _protocol_of(scope)[1]
    if renderer is None:
        return JSONResponse({"detail": message}, status_code, headers)
    return renderer(scope, status_code, message, headers)


def open_database(settings: Settings) -> Database:
    url = settings.effective_database_url
    overflow = settings.db_max_overflow
    if overflow is None:
        overflow = 64 if url.startswith("sqlite") else 16
    return Database(url, pool_size=settings.db_pool_size, max_overflow=overflow)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    compose()
    db = database or open_database(settings)
    problem = schema_state(db).problem()
    if problem:
        raise SchemaMismatch(problem)
    if autovacuum_is_off(db):
        log.warning(
            "PostgreSQL's autovacuum is off: the planner's statistics will go stale as the "
            "tables grow and reads will slow down; turn it on, or run ANALYZE regularly"
        )
    limiter = build_rate_limiter(
        settings.rate_limit_capacity, settings.rate_limit_refill_per_second, settings.redis_url
    )

    notifier = Notifier(db, settings)
    forwarder = Forwarder(
        db,
        poll_seconds=settings.forward_poll_seconds,
        tracking_seconds=settings.supplier_poll_seconds,
        max_attempts=settings.forward_max_attempts,
        backoff_seconds=settings.forward_backoff_seconds,
        timeout_seconds=settings.forward_timeout_seconds,
        outbound=settings,
        concurrency=settings.outbound_concurrency,
        per_receiver=settings.outbound_per_receiver,
    )
    webhook_worker = WebhookWorker(db, settings)
    email_worker = EmailWorker(db, settings)
    rule_scheduler = RuleScheduler(db, settings.rule_schedule_poll_seconds)
    readiness = health.Readiness(db, settings.redis_url)
    instruments = metrics.instruments() if settings.metrics == "on" else None
    if instruments is not None:
        instruments.watch_pool(db)

    loop_reads = async_reads.for_engine(db.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if loop_reads is not None:
            loop_reads.start()
        if settings.notify_poll_seconds > 0:
            notifier.start()
        if settings.forward_poll_seconds > 0:
            forwarder.start()
        if settings.webhook_poll_seconds > 0:
            webhook_worker.start()
        if settings.email_poll_seconds > 0:
            email_worker.start()
        if settings.rule_schedule_poll_seconds > 0:
            rule_scheduler.start()
        yield
        if loop_reads is not None:
            await loop_reads.close()
        await rule_scheduler.stop()
        await forwarder.stop()
        await notifier.stop()
        await webhook_worker.stop()
        await email_worker.stop()
        limiter.close()
        readiness.close()
        if database is None:
            db.dispose()
            metrics.mark_this_process_dead()

    app = FastAPI(
        title="orderhub",
        version=__version__,
        description="A self-hosted order desk. `/api/v2` speaks the Order Desk REST API v2 "
        "(headers ORDERDESK-STORE-ID and ORDERDESK-API-KEY); `/api/orders.php`, "
        "`/api/order.php` and `/api/orders/count.php` speak the Inkthreadable print-on-demand "
        "API (AppId and SHA-1 Signature in the query string; JSON or XML).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.rate_limiter = limiter
    app.state.credential_cache = CredentialCache[Any](settings.auth_cache_seconds)
    app.state.count_cache = CountCache(settings.count_cache_seconds)
    app.state.rendered_orders = RenderedOrders(settings.rendered_cache_orders)
    app.state.resources = Resources(
        db, settings, app.state.count_cache, app.state.rendered_orders, loop_reads
    )
    app.state.notifier = notifier
    app.state.forwarder = forwarder
    app.state.webhook_worker = webhook_worker
    app.state.email_worker = email_worker
    app.state.readiness = readiness
    app.state.metrics = instruments
    for router in (orderdesk.router, pod_routes.router, notify_route.router, health.router):
        add_routes(app.router, router)
    if instruments is not None and settings.metrics_port is None:
        scrape = metrics.endpoint(metrics.build_registry(db))
        app.add_api_route("/metrics", scrape, methods=["GET"], include_in_schema=False)
    desk.install(app)
    openapi.install(app, (orderdesk_spec.SURFACE, pod_spec.SURFACE, supplier_spec.SURFACE))
    docs.install(app)
    app.add_middleware(
        ProtocolMiddleware, max_body_bytes=settings.max_body_bytes, render_error=render_error
    )
    app.add_middleware(  # outermost: sees every request and every answer
        OperationsMiddleware,
        render_error=render_error,
        body_timeout=settings.body_timeout_seconds,
        access_log=AccessLog() if settings.access_log != "off" else None,
        metrics=instruments,
        outage=OutageLog.of(db),
    )
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OrderhubError)
    async def domain_error(request: Request, exc: OrderhubError) -> Response:
        headers = None
        if isinstance(exc, RateLimited):
            headers = {"X-Retry-After": str(exc.retry_after), "Retry-After": str(exc.retry_after)}
            if request.app.state.metrics is not None:
                request.app.state.metrics.rate_limited.labels(_protocol_of(request.scope)[0]).inc()
        return render_error(request.scope, exc.status_code, exc.message, headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "Not Found", 405: "Method Not Allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        if exc.status_code == 404 and exc.detail not in (None, "Not Found"):
            message = str(exc.detail)
        return render_error(request.scope, exc.status_code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first["loc"] if part not in ("body", "query"))
        return render_error(request.scope, 400, f"{where or 'request'}: {first['msg']}")

    # Anything else is answered by OperationsMiddleware (500, logged, connection closed).
