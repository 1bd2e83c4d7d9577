"""The store's templates (owners only): the list, a new template, the editor with a live
preview on one of the store's orders (the Preview button re-renders the unsaved source; no
script needed), errors beside the line they concern, and going back to the default."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import queries
from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form
from orderhub.desk.render import page, redirect
from orderhub.domain import limits
from orderhub.domain.errors import InvalidInput, NotFound, OrderhubError
from orderhub.domain.values import parse_id
from orderhub.services import templates as service
from orderhub.templating.builtins import EMAIL, KINDS, Template
from orderhub.templating.render import RenderedEmail
from orderhub.templating.sandbox import TemplateProblem

router = APIRouter(include_in_schema=False)
PARTS = ("subject", "body", "text_body")
STARTER = "<p>Order #{{ order.id }} · {{ store.name }}</p>\n"
LINES_AROUND = 2


def _url(name: str) -> str:
    return f"/desk/templates/{quote(name, safe='')}"


@router.get("/desk/templates")
def list_templates(request: Request, desk: Desk = Depends(owner)) -> Response:
    found = service.list_templates(request.app.state.db, desk.store)
    return page(request, "templates.html", desk, templates=found, kinds=KINDS,
                section="templates")  # fmt: skip


@router.post("/desk/templates")
def new_template(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    db = request.app.state.db
    fields = Form(form)
    kind = fields.raw("kind")
    try:
        name = service.checked_name(fields.raw("name"))
        if kind not in KINDS:
            raise InvalidInput(f"kind: choose {' or '.join(KINDS)}")
        if any(t.name.lower() == name.lower() for t in service.list_templates(db, desk.store)):
            raise InvalidInput(f"name: the store already has a template {name!r}")
        subject = "{{ store.name }}: order {{ order.id }}" if kind == EMAIL else ""
        service.save_template(db, desk.store, Template(name, kind, subject, STARTER))
    except OrderhubError as exc:
        found = service.list_templates(db, desk.store)
        field, _, reason = exc.message.partition(": ")
        errors = {field if field in ("name", "kind") else "name": reason or exc.message}
        return page(request, "templates.html", desk, templates=found, kinds=KINDS,
                    section="templates", errors=errors, values={"name": fields.raw("name")},
                    status_code=400)  # fmt: skip
    return redirect(_url(name), f"Template {name!r} created")


def _preview_order(request: Request, desk: Desk, raw: str) -> tuple[int | None, list[int]]:
    latest = queries.latest_order_ids(request.app.state.db, desk.store)
    chosen = parse_id(raw) if raw else None
    return (chosen or (latest[0] if latest else None)), latest


def _source_context(source: str, problem: TemplateProblem) -> list[tuple[int, str, bool]]:
    """The lines around the one a problem names: (number, text, is it the line)."""
    lines = source.splitlines() or [""]
    line = min(problem.line or 1, len(lines))
    start, end = max(1, line - LINES_AROUND), min(len(lines), line + LINES_AROUND)
    return [(n, lines[n - 1], n == line) for n in range(start, end + 1)]


def _editor(
    request: Request,
    desk: Desk,
    template: Template,
    *,
    order_raw: str = "",
    problem: TemplateProblem | None = None,
    preview: bool = True,
    status_code: int = 200,
    saved_template: Template | None = None,
) -> Response:
    db = request.app.state.db
    order_id, latest = _preview_order(request, desk, order_raw)
    rendered: RenderedEmail | None = None
    preview_error = ""
    if preview and problem is None and order_id is not None:
        try:
            rendered = service.render_for_order(db, desk.store, template, order_id)
        except TemplateProblem as exc:
            problem = exc
        except NotFound:
            preview_error = f"Order {order_id} is not one of this store's orders"
    context: dict[str, Any] = {}
    if problem is not None:
        source = getattr(template, problem.part if problem.part in PARTS else "body")
        context["problem_lines"] = _source_context(source, problem) if problem.line else []
        status_code = max(status_code, 400)
    return page(
        request, "template_edit.html", desk, tpl=template, rendered=rendered,
        problem=problem, preview_error=preview_error, order_id=order_id, latest=latest,
        url=_url(template.name), section="templates", max_chars=limits.MAX_TEMPLATE_SOURCE_CHARS,
        saved_template=saved_template or template, status_code=status_code, **context,
    )  # fmt: skip


@router.get("/desk/templates/{name}")
def edit_template(name: str, request: Request, desk: Desk = Depends(owner)) -> Response:
    template = service.get_template(request.app.state.db, desk.store, name)
    return _editor(request, desk, template, order_raw=request.query_params.get("order", "")[:20])


@router.post("/desk/templates/{name}")
def save_or_preview(
    name: str, request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    db = request.app.state.db
    saved = service.get_template(db, desk.store, name)
    fields = Form(form)
    most = limits.MAX_TEMPLATE_SOURCE_CHARS + 1  # one over, so "too long" is said
    parts = {part: str(form.get(part, ""))[:most].replace("\r\n", "\n") for part in PARTS}
    edited = Template(
        saved.name, saved.kind, parts["subject"] if saved.kind == EMAIL else "", parts["body"],
        parts["text_body"] if saved.kind == EMAIL else "", saved.builtin, saved.edited,
    )  # fmt: skip
    order_raw = fields.raw("order_id")[:20]
    if fields.raw("action") != "save":
        return _editor(request, desk, edited, order_raw=order_raw, saved_template=saved)
    try:
        service.save_template(db, desk.store, edited)
    except TemplateProblem as exc:
        return _editor(request, desk, edited, order_raw=order_raw, problem=exc,
                       saved_template=saved)  # fmt: skip
    except OrderhubError as exc:
        problem = TemplateProblem(exc.message)
        return _editor(request, desk, edited, order_raw=order_raw, problem=problem,
                       saved_template=saved)  # fmt: skip
    suffix = f"?order={order_raw}" if parse_id(order_raw) else ""
    return redirect(_url(saved.name) + suffix, f"Template {saved.name!r} saved")


@router.post("/desk/templates/{name}/reset")
def reset_template(
    name: str, request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    back = service.reset_template(request.app.state.db, desk.store, name)
    if back is None:
        return redirect("/desk/templates", f"Template {name!r} deleted")
    return redirect(_url(name), f"Template {name!r} is back to the default")
