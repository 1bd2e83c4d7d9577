"""Suppliers (owners only): the print providers orders are forwarded to. Add, edit, remove,
test the connection, and per supplier the orders it has, the forwards that failed with its
message, and resend. Everything goes through `services/suppliers.py`, like the CLI."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import queries
from orderhub.desk.auth import Desk, checked_form, owner
from orderhub.desk.forms import Form, errors_of
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain import limits
from orderhub.domain.channel import Channel
from orderhub.domain.errors import NotFound, OrderhubError
from orderhub.outbound.forwarder import check_connection
from orderhub.services import suppliers as service
from orderhub.storage import suppliers as supplier_storage
from orderhub.storage.forwarding_jobs import FAILED, PENDING, SENT, SKIPPED, recent_jobs
from orderhub.storage.suppliers import Supplier

router = APIRouter(include_in_schema=False)
FIELDS = (
    "name", "url", "app_id", "secret", "folder_id", "codes", "shipping_map",
    "at_supplier_folder_id", "failed_folder_id",
)  # fmt: skip
JOBS_SHOWN = 50


def _supplier(request: Request, desk: Desk, raw_id: str) -> Supplier:
    supplier_id = number(raw_id, "Supplier")
    with request.app.state.db.read() as conn:
        try:
            return supplier_storage.get_supplier(conn, desk.store.id, supplier_id)
        except NotFound:
            raise NotFound("Supplier not found") from None


def _list_page(request: Request, desk: Desk, *, status_code: int = 200, **context: Any) -> Response:
    with request.app.state.db.read() as conn:
        found = supplier_storage.list_suppliers(conn, desk.store.id)
    folders = queries.folders(request.app.state.db, desk.store, request.app.state.count_cache)
    return page(
        request, "suppliers.html", desk, suppliers=found, section="suppliers", folders=folders,
        folder_names={f.id: f.name for f, _ in folders},
        status_code=status_code, **context,
    )  # fmt: skip


def _detail_page(
    request: Request, desk: Desk, supplier: Supplier, *, status_code: int = 200, **context: Any
) -> Response:
    with request.app.state.db.read() as conn:
        at_supplier = recent_jobs(conn, desk.store.id, supplier.id, (SENT, PENDING), JOBS_SHOWN)
        failed = recent_jobs(conn, desk.store.id, supplier.id, (FAILED, SKIPPED), JOBS_SHOWN)
    context.setdefault("values", _values_of(supplier))
    return page(
        request, "supplier.html", desk, supplier=supplier, at_supplier=at_supplier,
        failed=failed, section="suppliers", status_code=status_code, **context,
    )  # fmt: skip


def _values_of(supplier: Supplier) -> dict[str, str]:
    return {
        "name": supplier.name, "url": supplier.base_url, "app_id": supplier.app_id,
        "folder_id": str(supplier.folder_id), "codes": "\n".join(supplier.code_patterns),
        "shipping_map": service.describe_shipping_map(supplier),
        "at_supplier_folder_id": str(supplier.at_supplier_folder_id or ""),
        "failed_folder_id": str(supplier.failed_folder_id or ""),
    }  # fmt: skip


def _fields(form: FormData) -> tuple[service.SupplierFields | None, dict[str, str], dict[str, str]]:
    """The form as the service's fields, the values to show again (never the secret) and
    the messages of what could not even be read."""
    fields = Form(form)
    values = {name: fields.raw(name)[:4000] for name in FIELDS if name != "secret"}
    folder_id = fields.whole("folder_id", "Folder", minimum=1, maximum=10**18)
    optional: dict[str, int | None] = {}
    for name in ("at_supplier_folder_id", "failed_folder_id"):
        optional[name] = (
            fields.whole(name, "Folder", minimum=1, maximum=10**18) if fields.raw(name) else None
        )
    codes = [c for part in fields.raw("codes").splitlines() for c in part.split(",")]
    widths = (
        ("name", limits.SUPPLIER_NAME_MAX), ("url", limits.URL_MAX),
        ("app_id", limits.SUPPLIER_APP_ID_MAX), ("shipping_map", 4000),
    )  # fmt: skip
    for name, limit in widths:
        fields.text(name, name, max_chars=limit)
    if fields.errors or folder_id is None:
        return None, values, fields.errors
    return (
        service.SupplierFields(
            name=fields.raw("name"), url=fields.raw("url"), app_id=fields.raw("app_id"),
            secret=fields.raw("secret"), folder_id=folder_id, code_patterns=codes,
            shipping_map=fields.raw("shipping_map"),
            at_supplier_folder_id=optional["at_supplier_folder_id"],
            failed_folder_id=optional["failed_folder_id"],
        ),
        values,
        {},
    )  # fmt: skip


@router.get("/desk/suppliers")
def list_suppliers(request: Request, desk: Desk = Depends(owner)) -> Response:
    return _list_page(request, desk)


@router.post("/desk/suppliers")
def add_supplier(
    request: Request, desk: Desk = Depends(owner), form: FormData = Depends(checked_form)
) -> Response:
    fields, values, errors = _fields(form)
    if fields is not None:
        try:
            supplier = service.add_supplier(
                request.app.state.db, desk.store.id, fields,
                outbound=request.app.state.settings, channel=Channel.desk(desk.user.email),
            )  # fmt: skip
        except OrderhubError as exc:
            errors = errors_of(exc, FIELDS)
        else:
            # The secret is shown this once, on the page that answers the add.
            return _list_page(request, desk, added=(supplier, fields.secret))
    return _list_page(request, desk, values=values, errors=errors, status_code=400)


@router.get("/desk/suppliers/{supplier_id}")
def show_supplier(supplier_id: str, request: Request, desk: Desk = Depends(owner)) -> Response:
    return _detail_page(request, desk, _supplier(request, desk, supplier_id))


@router.post("/desk/suppliers/{supplier_id}")
def edit_supplier(
    supplier_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    supplier = _supplier(request, desk, supplier_id)
    fields, values, errors = _fields(form)
    if fields is not None:
        try:
            service.update_supplier(
                request.app.state.db, desk.store.id, supplier.id, fields,
                outbound=request.app.state.settings, channel=Channel.desk(desk.user.email),
            )  # fmt: skip
        except OrderhubError as exc:
            errors = errors_of(exc, FIELDS)
        else:
            return redirect(f"/desk/suppliers/{supplier.id}", "Supplier saved")
    return _detail_page(request, desk, supplier, values=values, errors=errors, status_code=400)


@router.post("/desk/suppliers/{supplier_id}/remove")
def remove_supplier(
    supplier_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    supplier = _supplier(request, desk, supplier_id)
    if Form(form).raw("confirm") != "yes":
        errors = {"confirm": "Tick the box to confirm the removal"}
        return _detail_page(request, desk, supplier, errors=errors, status_code=400)
    name = service.remove_supplier(
        request.app.state.db, desk.store.id, supplier.id, channel=Channel.desk(desk.user.email)
    )
    return redirect("/desk/suppliers", f"Supplier {name} removed")


@router.post("/desk/suppliers/{supplier_id}/test")
def test_supplier(
    supplier_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    supplier = _supplier(request, desk, supplier_id)
    accepted, message = asyncio.run(check_connection(supplier, request.app.state.settings))
    return _detail_page(request, desk, supplier, connection=(accepted, message))


@router.post("/desk/suppliers/{supplier_id}/resend")
def resend(
    supplier_id: str, request: Request, desk: Desk = Depends(owner),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    supplier = _supplier(request, desk, supplier_id)
    order_id = number(Form(form).raw("order_id"), "Order")
    queries.order(request.app.state.db, desk.store, order_id)  # 404 for another store's
    try:
        done = service.resend(
            request.app.state.db, desk.store.id, order_id, supplier_id=supplier.id,
            channel=Channel.desk(desk.user.email),
        )  # fmt: skip
    except OrderhubError as exc:
        if exc.status_code == 404:
            raise
        return redirect(f"/desk/suppliers/{supplier.id}", exc.message, "error")
    return redirect(f"/desk/suppliers/{supplier.id}", "; ".join(r.message for r in done))
