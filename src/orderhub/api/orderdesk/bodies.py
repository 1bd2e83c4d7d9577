"""Reading request bodies as JSON whatever the Content-Type (curl -d sends form encoding),
with errors in the Order Desk shape."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request

from orderhub.domain.errors import InvalidInput, NotFound


async def json_body(request: Request) -> Any:
    raw = await request.body()
    request.scope["state"]["raw_body"] = raw
    if not raw.strip():
        raise InvalidInput("request body: expected JSON, got an empty body")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"request body: malformed JSON ({exc})") from None


def path_id(value: str, what: str) -> int:
    """Ids in paths are numbers; anything else cannot name a record, so it is not found."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound(f"{what} {value} not found")
    return int(value)
