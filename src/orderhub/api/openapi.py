"""The OpenAPI document at /openapi.json.

The routes parse their own input (so errors keep each protocol's shape), so FastAPI sees
neither their parameters nor their answers. Each protocol package therefore describes its
operations in a declarative table (`api/orderdesk/openapi_spec.py`, `api/pod/openapi_spec.py`):
security, parameters, request body and every status it really answers, with schemas and
examples. The tables are keyed by the routes' endpoints (`operations_by_route`), so each
path is written once, in its route's decorator. `install` merges those tables into the
generated document and drops FastAPI's default 422, which orderhub never sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

_REF = "#/components/schemas/{model}"
_registered: dict[str, Any] = {}
_route_models: list[type[BaseModel]] = []
METHODS = ("get", "put", "post", "delete", "patch")
# What FastAPI adds for parameters it validated itself; orderhub validates its own input.
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")

JsonSchema = dict[str, Any]


def body_schema(model: type[BaseModel], media_type: str = "application/json") -> dict[str, Any]:
    """`openapi_extra` for a route whose handler parses `model` from the body itself. The
    model is registered by `operations_by_route`, after the models its operation table
    names, so that the components keep their order whichever module is imported first."""
    _route_models.append(model)
    return {"requestBody": request_body({media_type: {"$ref": _REF.format(model=model.__name__)}})}


def ref(model: type[BaseModel]) -> JsonSchema:
    """A `$ref` to `model`, registering the model (and what it uses) as components."""
    schema = model.model_json_schema(ref_template=_REF)
    _registered.update(schema.pop("$defs", {}))
    _registered[model.__name__] = schema
    return {"$ref": _REF.format(model=model.__name__)}


def request_body(content: Mapping[str, JsonSchema], example: Any = None) -> dict[str, Any]:
    media: dict[str, Any] = {}
    for media_type, schema in content.items():
        media[media_type] = {"schema": schema}
        if example is not None and media_type.endswith("json"):
            media[media_type]["example"] = example
    return {"required": True, "content": media}


def parameter(
    name: str,
    where: str,
    description: str,
    schema: JsonSchema | None = None,
    *,
    example: Any = None,
    required: bool = False,
) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }
    if example is not None:
        param["example"] = example
    return param


def response(
    description: str,
    content: Mapping[str, JsonSchema],
    example: Any = None,
    *,
    examples: Mapping[str, Any] | None = None,
    headers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A response object; `example` or the named `examples` go on its JSON media types."""
    media: dict[str, Any] = {}
    for media_type, schema in content.items():
        media[media_type] = {"schema": schema}
        if not media_type.endswith("json"):
            continue
        if examples is not None:
            media[media_type]["examples"] = {
                name: {"value": value} for name, value in examples.items()
            }
        elif example is not None:
            media[media_type]["example"] = example
    body: dict[str, Any] = {"description": description, "content": media}
    if headers:
        body["headers"] = dict(headers)
    return body


@dataclass(frozen=True)
class Operation:
    """What FastAPI cannot see of one operation. `parameters` come after the path
    parameters FastAPI found; `path_parameters` describe those (by name)."""

    responses: dict[str, dict[str, Any]]
    security: list[dict[str, list[str]]]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    path_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    request_body: dict[str, Any] | None = None
    description: str | None = None


Endpoint = Callable[..., Any]


def _register_route_models() -> None:
    while _route_models:
        ref(_route_models.pop(0))


def operations_by_route(
    routes: Iterable[BaseRoute], table: Mapping[Endpoint, Operation]
) -> dict[tuple[str, str], Operation]:
    """A table keyed by route endpoints, by (path, method) as the routes declare them, so
    that a path is written once, in its route's decorator."""
    routes = list(routes)
    operations: dict[tuple[str, str], Operation] = {}
    for route in routes:
        if isinstance(route, APIRoute) and route.endpoint in table:
            for method in sorted(route.methods or ()):
                operations[route.path, method] = table[route.endpoint]
    _register_route_models()
    routed = {route.endpoint for route in routes if isinstance(route, APIRoute)}
    unrouted = [endpoint.__qualname__ for endpoint in table if endpoint not in routed]
    if unrouted:
        raise ValueError(f"OpenAPI operations for endpoints no route serves: {unrouted}")
    return operations


@dataclass(frozen=True)
class Surface:
    """One protocol's part of the document."""

    security_schemes: dict[str, dict[str, Any]]
    operations: dict[tuple[str, str], Operation]
    tag_description: tuple[str, str] | None = None


def merge(schema: dict[str, Any], surfaces: Iterable[Surface]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    tags: list[dict[str, str]] = []
    table: dict[tuple[str, str], Operation] = {}
    for surface in surfaces:
        components.setdefault("securitySchemes", {}).update(surface.security_schemes)
        table.update(surface.operations)
        if surface.tag_description:
            tags.append(
                {"name": surface.tag_description[0], "description": surface.tag_description[1]}
            )
    _register_route_models()
    schemas.update(_registered)
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                _apply(item[method], table.get((path, method.upper())))
    if tags:
        schema["tags"] = tags
    return schema


def _apply(operation: dict[str, Any], spec: Operation | None) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    if spec is None:
        return
    params = operation.get("parameters", [])
    for param in params:
        extra = spec.path_parameters.get(param["name"]) if param.get("in") == "path" else None
        if extra:
            param.update(extra)
            param.pop("title", None)
    operation["parameters"] = params + spec.parameters
    if not operation["parameters"]:
        del operation["parameters"]
    if spec.request_body is not None:
        operation["requestBody"] = spec.request_body
    if spec.description and not operation.get("description"):
        operation["description"] = spec.description
    operation["security"] = spec.security
    operation["responses"] = spec.responses


def install(app: FastAPI, surfaces: Iterable[Surface]) -> None:
    surfaces = tuple(surfaces)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = merge(schema, surfaces)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
