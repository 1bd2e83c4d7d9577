"""The desk: the server-rendered back office where staff work the orders (at `/`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderhub.api.routing import add_routes
from orderhub.desk import (
    routes_audit,
    routes_dashboard,
    routes_documents,
    routes_folders,
    routes_inventory,
    routes_invitations,
    routes_notifications,
    routes_order,
    routes_orders,
    routes_rule_form,
    routes_rule_runs,
    routes_rules,
    routes_session,
    routes_settings,
    routes_suppliers,
    routes_templates,
    routes_webhooks,
)
from orderhub.desk.auth import InvitationsPending, SignInRequired
from orderhub.desk.render import local_path, render_error

# Paths whose errors are answered as desk pages (see app.render_error).
PATHS = ("/desk", "/login", "/logout")
STATIC = Path(__file__).parent / "static"

__all__ = ["PATHS", "install", "render_error"]


def install(app: FastAPI) -> None:
    for module in (
        routes_session,
        routes_orders,
        routes_order,
        routes_audit,
        routes_dashboard,
        routes_folders,
        routes_inventory,
        routes_notifications,
        routes_settings,
        routes_documents,
        routes_templates,
        routes_invitations,
        routes_suppliers,
        routes_webhooks,
        routes_rules,
        routes_rule_runs,
        routes_rule_form,
    ):
        add_routes(app.router, module.router)
    app.mount("/desk/static", StaticFiles(directory=STATIC), name="desk-static")

    app.add_middleware(UnderRootPath)
    app.add_middleware(SecureCookies)

    @app.exception_handler(InvitationsPending)
    async def invitations_first(request: Request, exc: InvitationsPending) -> Response:
        return RedirectResponse("/desk/invitations", status_code=303)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        target = local_path(request)
        if request.method == "GET" and target.startswith("/desk"):
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return RedirectResponse("/login", status_code=303)


class UnderRootPath:
    """Behind a proxy that serves orderhub under a prefix (`serve --root-path /orderhub`),
    the desk's redirects name paths below the prefix; this puts the prefix in front."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = scope.get("root_path", "") if scope["type"] == "http" else ""
        path = scope.get("path", "")
        local = path[len(root) :] if root and path.startswith(root) else path
        if not root or not (local == "/" or local.startswith(PATHS)):
            await self.app(scope, receive, send)
            return

        async def prefixed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location", "")
                if location.startswith("/") and not location.startswith((root + "/", "//")):
                    headers["location"] = root + location
            await send(message)

        await self.app(scope, receive, prefixed)


class SecureCookies:
    """With ORDERHUB_DESK_SECURE_COOKIES=1 every cookie the desk sets (session, sign-in
    token, flash message, and their deletions) carries `Secure`: one place, so a cookie added
    later cannot forget it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["app"].state.settings.desk_secure_cookies:
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (name, _secure(value) if name.lower() == b"set-cookie" else value)
                    for name, value in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, secured)


def _secure(cookie: bytes) -> bytes:
    attributes = [part.strip().lower() for part in cookie.split(b";")[1:]]
    return cookie if b"secure" in attributes else cookie + b"; Secure"
