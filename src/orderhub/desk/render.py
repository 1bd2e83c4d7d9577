"""Rendering desk pages: the Jinja2 environment (autoescaped), the flash message carried
across a redirect in a short-lived cookie, and the HTML error page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Scope

from orderhub.desk import queries
from orderhub.desk.auth import Desk
from orderhub.domain import limits
from orderhub.domain.dates import store_zone
from orderhub.domain.errors import OrderhubError
from orderhub.domain.values import is_link

TEMPLATES = Path(__file__).parent / "templates"
FLASH_COOKIE = "orderhub_flash"

env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _money(value: Any) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@pass_context
def _when(context: Context, value: datetime | None) -> str:
    """A stored (naive UTC) time in the store's time zone."""
    if not value:
        return ""
    desk = context.get("desk")
    zone = desk.store.timezone if desk is not None else "UTC"
    try:
        local = value.replace(tzinfo=UTC).astimezone(store_zone(zone))
    except OrderhubError:
        local = value
    return local.strftime("%Y-%m-%d %H:%M")


env.filters["money"] = _money
env.filters["when"] = _when
# Form fields as long as their columns: `maxlength="{{ limits.URL_MAX }}"`.
env.globals["limits"] = limits
# `{% if url is link %}`: only http(s) URLs become links, whatever older rows hold.
env.tests["link"] = is_link


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    return response


def page(
    request: Request,
    template: str,
    desk: Desk | None = None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """A full page. Reading the flash message also clears it."""
    flash = _read_flash(request)
    if desk is not None and "folders" not in context:
        context["folders"] = queries.folders(
            request.app.state.db, desk.store, request.app.state.count_cache
        )
    html = env.get_template(template).render(
        request=request,
        root=request.scope.get("root_path", ""),
        desk=desk,
        flash=flash,
        errors=context.pop("errors", {}),
        values=context.pop("values", {}),
        **context,
    )
    response = _no_store(HTMLResponse(html, status_code))
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, flash: str | None = None, kind: str = "ok") -> Response:
    """After a successful POST: back to a page, with a message for it (POST/redirect/GET)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE, quote(f"{kind}|{flash[:300]}"), max_age=60, httponly=True,
            samesite="lax", path="/",
        )  # fmt: skip
    return _no_store(response)


def _read_flash(request: Request) -> tuple[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    kind, _, text = unquote(raw).partition("|")
    return (kind if kind in ("ok", "error") else "ok"), text[:300]


def render_error(
    scope: Scope, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The desk's answer to an error: an HTML page that says what happened."""
    title = {
        403: "Not allowed",
        404: "Not found",
        429: "Too many attempts",
        503: "Try again in a moment",
    }.get(  # fmt: skip
        status_code, "Something went wrong" if status_code >= 500 else "Cannot do that"
    )
    html = env.get_template("error.html").render(
        title=title, message=message, status_code=status_code, root=scope.get("root_path", "")
    )
    response = _no_store(HTMLResponse(html, status_code))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def local_path(request: Request) -> str:
    """The request's path below the proxy's prefix (`serve --root-path`), with its query."""
    path, root = request.url.path, request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path + (f"?{request.url.query}" if request.url.query else "")


def safe_back(url: str, default: str, root: str = "") -> str:
    """A return address from a form, only if it stays on the desk (no open redirect)."""
    if root and url.startswith(root + "/"):
        url = url[len(root) :]
    if url.startswith("/desk") and "//" not in url and "\\" not in url and len(url) < 2000:
        return url
    return default
