"""Reading request bodies as JSON whatever the Content-Type (curl -d sends form encoding),
with errors in the Order Desk shape."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from orderhub.domain import values
from orderhub.domain.errors import InvalidInput


async def json_body(request: Request) -> Any:
    """The body as JSON that can be stored and shown again: no nesting deeper than
    MAX_JSON_DEPTH, no NUL in any string (see values.json_problem)."""
    raw = await request.body()
    request.scope["state"]["raw_body"] = raw
    if not raw.strip():
        raise InvalidInput("request body: expected JSON, got an empty body")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"request body: malformed JSON ({exc})") from None
    problem = values.json_problem(data)
    if problem:
        raise InvalidInput(f"request body: {problem}")
    return data
