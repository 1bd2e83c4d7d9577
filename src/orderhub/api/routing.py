"""Route tables kept flat: every door's routes become the app's own routes.

FastAPI (0.165) keeps an included router as a nested branch and matches a request level by
level through every branch, at every request: the app, the Order Desk router, then each of
its resource routers. For a cached order GET that walk was almost a quarter of the
request's Python calls (590 per request with the routers nested, 455 flat, counted by
`bench/calls.py`). So a router is added route by route instead of included — what
`include_router` itself did in earlier FastAPI versions — with every option a route was
declared with, so that matching order, OpenAPI document and behaviour stay as they were.
"""

from __future__ import annotations

import inspect

from fastapi import APIRouter
from fastapi.routing import APIRoute

# Everything `add_api_route` takes that a declared route keeps as an attribute of the same
# name (tags, dependencies and responses already include those of the router it was
# declared on).
_OPTIONS = tuple(
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in ("self", "path", "endpoint", "route_class_override")
)


def add_routes(target: APIRouter, source: APIRouter) -> None:
    """Adds each of `source`'s routes to `target`, in order, as `target`'s own routes (with
    `target`'s prefix, tags and dependencies on top, as `include_router` would add them)."""
    for route in source.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"only API routes can be added flat, not {route!r}")
        options = {name: getattr(route, name) for name in _OPTIONS if hasattr(route, name)}
        target.add_api_route(
            route.path, route.endpoint, route_class_override=type(route), **options
        )
