"""The OpenAPI tables are keyed by route handlers: paths come from the routes alone."""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from orderhub.api.openapi import Operation, operations_by_route

router = APIRouter(prefix="/api")
OPERATION = Operation(responses={}, security=[])


@router.get("/things/{thing_id}")
def get_thing(thing_id: str) -> None: ...


def forgotten() -> None: ...


def test_a_handler_is_documented_under_its_route_path_and_method() -> None:
    table = operations_by_route(router.routes, {get_thing: OPERATION})
    assert table == {("/api/things/{thing_id}", "GET"): OPERATION}


def test_a_handler_no_route_serves_is_an_error() -> None:
    with pytest.raises(ValueError, match="forgotten"):
        operations_by_route(router.routes, {get_thing: OPERATION, forgotten: OPERATION})
