"""Reading request bodies as JSON whatever the Content-Type (curl -d sends form encoding),
with errors in the Order Desk shape."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from orderhub.domain import values
from orderhub.domain.errors import InvalidInput


async def raw_body(request: Request) -> bytes:
    """The body's bytes, kept in the request's state (an Idempotency-Key's fingerprint is
    made of them); an empty body is refused."""
    raw = await request.body()
    request.scope["state"]["raw_body"] = raw
    if not raw.strip():
        raise InvalidInput("request body: expected JSON, got an empty body")
    return raw


def json_value(raw: bytes) -> Any:
    """`raw` as JSON that can be stored and shown again: no nesting deeper than
    MAX_JSON_DEPTH, no NUL in any string (see values.json_problem)."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"request body: malformed JSON ({exc})") from None
    problem = values.json_problem(data)
    if problem:
        raise InvalidInput(f"request body: {problem}")
    return data


async def json_body(request: Request) -> Any:
    """The body as JSON (see json_value), its bytes kept (see raw_body)."""
    return json_value(await raw_body(request))
