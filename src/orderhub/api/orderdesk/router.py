"""The Order Desk v2 surface, mounted at /api/v2."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response
from starlette.types import Scope

from orderhub.api.orderdesk import envelope
from orderhub.api.orderdesk.routes import (
    folders,
    inventory,
    items,
    moves,
    orders,
    shipments,
    splits,
    store,
)
from orderhub.api.routing import add_routes

PREFIX = "/api/v2"

router = APIRouter(prefix=PREFIX, tags=["Order Desk v2"])
for module in (store, orders, items, shipments, inventory, moves, folders, splits):
    add_routes(router, module.router)


def render_error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    return envelope.error(scope, status_code, message, headers)
