"""Request-body schemas for routes that parse their own JSON (to keep errors in each
protocol's shape) but should still document their bodies at /docs."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

_REF = "#/components/schemas/{model}"
_registered: dict[str, Any] = {}


def body_schema(model: type[BaseModel], media_type: str = "application/json") -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=_REF)
    _registered.update(schema.pop("$defs", {}))
    _registered[model.__name__] = schema
    return {
        "requestBody": {
            "required": True,
            "content": {media_type: {"schema": {"$ref": _REF.format(model=model.__name__)}}},
        }
    }


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(_registered)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
