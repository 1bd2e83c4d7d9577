"""ASGI middleware shared by both protocols: request ids, access log, metrics, the body
deadline and the last resort for errors (OperationsMiddleware, outermost); request timing,
method override, the body limit and the refusal of NUL characters in the query string and
header values (ProtocolMiddleware; PostgreSQL text cannot hold one, so no parameter or header
may carry one to a query, on either database).

Pure ASGI (not BaseHTTPMiddleware) so that they add no task or copy per request.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from typing import Any

from fastapi import routing
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderhub.api.metrics import UNMATCHED, Instruments
from orderhub.api.timeouts import BodyTimeout, body_deadline
from orderhub.domain.values import ascii_digits
from orderhub.logs import REQUEST_ID, AccessLog
from orderhub.storage.availability import RETRY_AFTER_SECONDS, OutageLog, is_unavailable

ErrorRenderer = Callable[..., Response]
log = logging.getLogger("orderhub.requests")

# A client's X-Request-ID is kept when it is 1-128 visible ASCII characters, else replaced.
_CLIENT_REQUEST_ID = re.compile(rb"[\x21-\x7e]{1,128}")
# What the access log and metrics record for a client that left before sending its body.
CLIENT_CLOSED = 499


class RouteTemplates:
    """The template of the route a request matched (`/api/v2/orders/{order_id}`), for
    logs and metrics: never the raw path, whose ids would make each order its own series.

    Newer FastAPI keeps included routers nested, so `scope["route"]` carries the path
    relative to its router; the full templates come from FastAPI's route contexts (or the
    flat route list of older versions), indexed by route object on first sight."""

    def __init__(self) -> None:
        self._by_route: dict[int, str] = {}

    def of(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:
            return UNMATCHED
        found = self._by_route.get(id(route))
        if found is None:
            self._index(scope.get("app"))
            found = self._by_route.setdefault(id(route), getattr(route, "path", UNMATCHED))
        return found

    def _index(self, app: Any) -> None:
        routes = getattr(app, "routes", [])
        contexts = getattr(routing, "iter_route_contexts", None)
        if contexts is None:
            self._by_route.update((id(r), r.path) for r in routes if hasattr(r, "path"))
            return
        for context in contexts(routes):
            if context.path is not None:
                self._by_route[id(context.original_route)] = context.path


class OperationsMiddleware:
    """Outermost layer. Gives each request an id (the client's `X-Request-ID` when it is
    sane, else a new one), returned on every response and attached to every log line
    written for the request; writes the access line and the request metrics; limits the
    time the body may take; and answers what nothing else caught:

    - an unexpected exception: logged with its traceback, answered 500 in the protocol's
      shape with `Connection: close` (the connection's state is unknown), never re-raised,
      so the server does not also reset the connection under a keep-alive client;
    - a client that leaves mid-body: one quiet log line, nothing to answer;
    - a body slower than its deadline: 408 and `Connection: close`;
    - the database unreachable (`storage.availability`): 503 with `Retry-After`, logged once
      per outage and counted in `orderhub_database_unavailable_total`.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        render_error: ErrorRenderer,
        body_timeout: float,
        access_log: AccessLog | None,
        metrics: Instruments | None,
        outage: OutageLog | None = None,
    ) -> None:
        self.app = app
        self.outage = outage
        self.render_error = render_error
        self.body_timeout = body_timeout
        self.access_log = access_log
        self.metrics = metrics
        self.templates = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = None
        has_body = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                if _CLIENT_REQUEST_ID.fullmatch(value):
                    request_id = value.decode("ascii")
            elif name == b"content-length":
                has_body = value.strip() not in (b"0", b"")
            elif name == b"transfer-encoding":
                has_body = True
        if request_id is None:
            request_id = os.urandom(8).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        id_header = (b"x-request-id", request_id.encode("ascii"))
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        try:
            body_receive = body_deadline(receive, self.body_timeout) if has_body else receive
            await self.app(scope, body_receive, send_with_id)
        except BodyTimeout as exc:
            log.info("%s; closing the connection", exc.message)
            status = await self._last_word(scope, receive, send_with_id, status, 408, exc.message)
        except ClientDisconnect:
            log.info("client closed the connection before sending the whole request body")
            status = status or CLIENT_CLOSED
        except Exception as exc:
            if is_unavailable(exc):
                status = await self._unavailable(scope, receive, send_with_id, status, exc)
            else:
                log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
                message = f"Internal error; see the server log (request id {request_id})"
                status = await self._last_word(scope, receive, send_with_id, status, 500, message)
        finally:
            seconds = time.perf_counter() - start
            route = self.templates.of(scope)
            method = scope["method"]
            if self.metrics is not None:
                self.metrics.observe(route, method, status, seconds)
            if self.access_log is not None:
                store_id = scope["state"].get("store_id")
                self.access_log.write(method, route, status, seconds, store_id, request_id)
            REQUEST_ID.reset(token)

    async def _unavailable(
        self, scope: Scope, receive: Receive, send: Send, started: int, error: Exception
    ) -> int:
        """The database cannot be reached: 503 with Retry-After in the protocol's shape,
        logged once per outage (not per request) and counted."""
        if self.outage is not None:
            self.outage.failed(error)
        if self.metrics is not None:
            self.metrics.database_unavailable.inc()
        seconds = str(RETRY_AFTER_SECONDS)
        return await self._last_word(
            scope, receive, send, started, 503,
            f"Service unavailable: the database cannot be reached; try again in {seconds} s",
            {"Retry-After": seconds},
        )  # fmt: skip

    async def _last_word(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        started: int,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> int:
        """Answer `status` and close the connection, unless a response is already under
        way (then the server closes the connection when the app returns)."""
        if started:
            return started
        response = self.render_error(scope, status, message, headers)
        response.headers["Connection"] = "close"  # whatever headers the protocol's shape has
        await response(scope, receive, send)
        return status


class BodyTooLarge(Exception):
    pass


class ProtocolMiddleware:
    """Stamps the start time (for `execution_time`), honours `X-HTTP-Method-Override` on
    POST, and refuses bodies over `max_body_bytes` with 413 in the protocol's own shape."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, render_error: ErrorRenderer) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["t0"] = time.perf_counter()
        headers = _headers(scope)
        if scope["method"] == "POST" and b"x-http-method-override" in headers:
            override = headers[b"x-http-method-override"].decode("latin-1").strip().upper()
            if override in {"PUT", "DELETE", "PATCH", "GET"}:
                scope["method"] = override

        problem = _nul_problem(scope)
        if problem is not None:
            await self.render_error(scope, 400, problem)(scope, receive, send)
            return

        declared = headers.get(b"content-length")
        if declared is not None and _too_long(declared, self.max_body_bytes):
            await self._too_large(scope, receive, send)
            return

        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body: larger than the limit of {self.max_body_bytes} bytes"
        await self.render_error(scope, 413, message)(scope, receive, send)


def _too_long(declared: bytes, limit: int) -> bool:
    """A Content-Length over the limit (any number of digits; malformed ones are h11's)."""
    text = declared.decode("latin-1").strip()
    return ascii_digits(text) and (len(text) > 18 or int(text) > limit)


def _nul_problem(scope: Scope) -> str | None:
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "query string: contains a NUL character (%00)"
    for name, value in scope["headers"]:
        if b"\x00" in value:
            return f"{name.decode('latin-1')} header: contains a NUL character"
    return None


def _headers(scope: Scope) -> dict[bytes, Any]:
    return {key.lower(): value for key, value in scope["headers"]}
