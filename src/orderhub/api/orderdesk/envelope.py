"""The Order Desk response envelope: `status`, `message`, `execution_time`, then the payload.

Responses are encoded once with orjson and never validated again on the way out.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

JSON = "application/json"


def execution_time(scope: Scope) -> float:
    t0 = scope.get("state", {}).get("t0")
    return time.perf_counter() - t0 if t0 is not None else 0.0


def rate_headers(scope: Scope, extra: dict[str, str] | None = None) -> dict[str, str]:
    """`X-Tokens-Remaining` when the request was charged to a store's bucket, plus `extra`."""
    headers: dict[str, str] = {}
    remaining = scope.get("state", {}).get("tokens_remaining")
    if remaining is not None:
        headers["X-Tokens-Remaining"] = str(remaining)
    if extra:
        headers.update(extra)
    return headers


def success(
    request: Request,
    *,
    message: str | None = None,
    took_message: bool = False,
    status_code: int = 200,
    **payload: Any,
) -> Response:
    """`took_message` puts the timing in `message` ("Execution took 0.0208 seconds"), as the
    single-order and list examples do; `execution_time` is present on every response."""
    seconds = execution_time(request.scope)
    body: dict[str, Any] = {"status": "success"}
    if took_message:
        body["message"] = f"Execution took {seconds:.4f} seconds"
    elif message is not None:
        body["message"] = message
    body["execution_time"] = f"{seconds:.4f} seconds"
    body.update(payload)
    return Response(orjson.dumps(body), status_code, rate_headers(request.scope), media_type=JSON)


def error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {
        "status": "error",
        "message": message,
        "execution_time": f"{execution_time(scope):.4f} seconds",
    }
    return Response(orjson.dumps(body), status_code, rate_headers(scope, headers), media_type=JSON)
