"""Flat route tables (api/routing.py): a router added route by route must behave and be
documented exactly as the same router included the FastAPI way."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from orderhub.api.routing import add_routes


def _routers() -> tuple[APIRouter, APIRouter]:
    async def header_dependency(request: Request) -> None:
        request.state.seen = request.headers.get("x-seen", "")

    inner = APIRouter(tags=["inner"], dependencies=[Depends(header_dependency)])

    @inner.get("/items/{item_id}", summary="One item", openapi_extra={"x-extra": True})
    async def one(item_id: int, request: Request) -> dict[str, Any]:
        return {"item_id": item_id, "seen": request.state.seen}

    @inner.post("/items", status_code=201, response_class=PlainTextResponse)
    def create() -> str:
        return "created"

    @inner.delete("/items/{item_id}", include_in_schema=False)
    def hidden(item_id: int) -> dict[str, int]:
        return {"deleted": item_id}

    outer = APIRouter(prefix="/api", tags=["outer"])
    return outer, inner


def _included() -> FastAPI:
    outer, inner = _routers()
    outer.include_router(inner)
    app = FastAPI()
    app.include_router(outer)
    return app


def _flat() -> FastAPI:
    outer, inner = _routers()
    add_routes(outer, inner)
    app = FastAPI()
    add_routes(app.router, outer)
    return app


def test_a_flat_router_is_documented_as_the_included_one() -> None:
    assert _flat().openapi() == _included().openapi()


def test_a_flat_router_answers_as_the_included_one() -> None:
    requests = [
        ("GET", "/api/items/7", {"x-seen": "yes"}),
        ("GET", "/api/items/seven", {}),
        ("POST", "/api/items", {}),
        ("DELETE", "/api/items/3", {}),
        ("PUT", "/api/items/3", {}),
        ("GET", "/items/7", {}),
    ]
    with TestClient(_included()) as included, TestClient(_flat()) as flat:
        for method, path, headers in requests:
            want = included.request(method, path, headers=headers)
            got = flat.request(method, path, headers=headers)
            assert (got.status_code, got.headers.get("content-type"), got.content) == (
                want.status_code,
                want.headers.get("content-type"),
                want.content,
            ), (method, path)


def test_only_api_routes_can_be_added_flat() -> None:
    source = APIRouter()
    source.routes.append(Route("/plain", lambda request: None))
    try:
        add_routes(APIRouter(), source)
    except TypeError:
        return
    raise AssertionError("a plain Starlette route was added flat")


def test_the_app_matches_every_door_from_one_flat_table(app: Any) -> None:
    """No included-router branch left: each would be walked at every request."""
    kinds = {type(route) for route in app.router.routes}
    assert kinds <= {APIRoute, Mount, Route}, kinds
    paths = {route.path for route in app.router.routes if isinstance(route, APIRoute)}
    assert {"/api/v2/orders/{order_id}", "/api/orders.php", "/desk", "/healthz"} <= paths
