"""Printing and emailing from the desk: a document template (packing slip, invoice, the
store's own) for the folder's selection or one order, one order per page; a template emailed
to the order's customer by hand; an email re-sent. `/desk/slips` and `/desk/orders/{id}/slip`
print the store's packing slip template (the URLs of the fixed slip it replaced)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import actions
from orderhub.desk.auth import Desk, checked_form, signed_in
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect, safe_back
from orderhub.domain import limits
from orderhub.domain.errors import NotFound, OrderhubError
from orderhub.services import templates as template_service
from orderhub.templating.builtins import DOCUMENT, PACKING_SLIP

router = APIRouter(include_in_schema=False)
TEMPLATE_NAME_MAX = limits.width("templates", "name")
# The store's document templates style themselves: inline styles are allowed on the print
# page (scripts still are not).
PRINT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


def _print(
    request: Request, desk: Desk, name: str, order_ids: list[int], *, one: bool = False
) -> Response:
    db = request.app.state.db
    template = template_service.get_template(db, desk.store, name)
    if template.kind != DOCUMENT:
        raise NotFound(f"{name!r} is not a document template")
    printed = template_service.print_documents(db, desk.store, template, order_ids)
    if one and not printed:
        raise NotFound(f"Order {order_ids[0]} not found")
    response = page(request, "documents.html", desk, doc=template, printed=printed,
                    folders=[])  # fmt: skip
    response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


def _selection(form: FormData) -> tuple[list[int], str]:
    fields = Form(form)
    ids = fields.ids("order_id", "order")
    if len(ids) > limits.MAX_DOCUMENTS_PER_PRINT:
        fields.errors["order_id"] = f"Print at most {limits.MAX_DOCUMENTS_PER_PRINT} orders at once"
    return ids, fields.errors.get("order_id", "")


@router.post("/desk/slips")
def packing_slips(
    request: Request, desk: Desk = Depends(signed_in), form: FormData = Depends(checked_form)
) -> Response:
    ids, error = _selection(form)
    if error:
        return redirect(safe_back(str(form.get("back", "")), "/desk"), error, "error")
    return _print(request, desk, PACKING_SLIP, ids)


@router.post("/desk/documents")
def print_selection(
    request: Request, desk: Desk = Depends(signed_in), form: FormData = Depends(checked_form)
) -> Response:
    ids, error = _selection(form)
    if error:
        return redirect(safe_back(str(form.get("back", "")), "/desk"), error, "error")
    name = str(form.get("template", PACKING_SLIP))[:TEMPLATE_NAME_MAX]
    return _print(request, desk, name, ids)


@router.get("/desk/orders/{order_id}/slip")
def packing_slip(order_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    return _print(request, desk, PACKING_SLIP, [number(order_id, "Order")], one=True)


@router.get("/desk/orders/{order_id}/print")
def print_order(order_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    name = request.query_params.get("template", PACKING_SLIP)[:TEMPLATE_NAME_MAX]
    return _print(request, desk, name, [number(order_id, "Order")], one=True)


@router.post("/desk/orders/{order_id}/emails")
def send_email(
    order_id: str,
    request: Request,
    desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:
    oid = number(order_id, "Order")
    name = str(form.get("template", ""))[:TEMPLATE_NAME_MAX]
    back = f"/desk/orders/{oid}#emails"
    try:
        actions.send_email(request.app.state.db, desk.store, oid, name, desk.user.email)
    except NotFound:
        raise
    except OrderhubError as exc:
        return redirect(back, f"Not sent: {exc.message}", "error")
    return redirect(back, f"'{name}' queued for the customer")


@router.post("/desk/orders/{order_id}/emails/{email_id}/resend")
def resend_email(
    order_id: str,
    email_id: str,
    request: Request,
    desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:
    oid = number(order_id, "Order")
    back = f"/desk/orders/{oid}#emails"
    try:
        actions.resend_email(
            request.app.state.db, desk.store, oid, number(email_id, "Email"), desk.user.email
        )
    except NotFound:
        raise
    except OrderhubError as exc:
        return redirect(back, exc.message, "error")
    return redirect(back, "Email queued again")
