"""ASGI middleware shared by both protocols: request timing, method override, body limit,
and the refusal of NUL characters in the query string and header values (PostgreSQL text
cannot hold one, so no parameter or header may carry one to a query, on either database).

Pure ASGI (not BaseHTTPMiddleware) so that it adds no task or copy per request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderhub.domain.values import ascii_digits

ErrorRenderer = Callable[[Scope, int, str], Response]


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
