"""The desk: the server-rendered back office where staff work the orders (at `/`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response

from orderhub.desk import (
    routes_inventory,
    routes_order,
    routes_orders,
    routes_session,
    routes_settings,
)
from orderhub.desk.auth import SignInRequired
from orderhub.desk.render import render_error

# Paths whose errors are answered as desk pages (see app.render_error).
PATHS = ("/desk", "/login", "/logout")
STATIC = Path(__file__).parent / "static"

__all__ = ["PATHS", "install", "render_error"]


def install(app: FastAPI) -> None:
    for module in (
        routes_session,
        routes_orders,
        routes_order,
        routes_inventory,
        routes_settings,
    ):
        app.include_router(module.router)
    app.mount("/desk/static", StaticFiles(directory=STATIC), name="desk-static")

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path
        if request.method == "GET" and target.startswith("/desk"):
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"/login?next={quote(target + query)}", status_code=303)
        return RedirectResponse("/login", status_code=303)
