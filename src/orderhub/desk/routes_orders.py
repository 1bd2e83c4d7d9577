"""A folder's orders, and the store-wide search (`/desk/search`, every folder or one): search,
date range, sort, keyset paging, moving a selection and the CSV export of a folder's current
view (printing the selection: routes_documents.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response, StreamingResponse

from orderhub.desk import actions, queries
from orderhub.desk.auth import Desk, checked_form, signed_in
from orderhub.desk.forms import Form, FormInvalid
from orderhub.desk.paths import number
from orderhub.desk.render import local_path, page, redirect, safe_back
from orderhub.domain.dates import parse_datetime, store_zone
from orderhub.domain.errors import OrderhubError
from orderhub.domain.stores import Folder
from orderhub.protocol.content_disposition import attachment
from orderhub.protocol.csv_cells import SafeWriter
from orderhub.protocol.orderdesk.order_file import CSV_COLUMNS, csv_rows
from orderhub.services import rules as rule_service
from orderhub.services import templates as template_service

router = APIRouter(include_in_schema=False)
MAX_SEARCH = 200


def _filters(
    request: Request, desk: Desk, errors: dict[str, str] | None = None
) -> tuple[queries.ListFilter, dict[str, str]]:
    """The list's filters from the query string, and a message per bad one (added to
    `errors`)."""
    params = request.query_params
    errors = dict(errors or {})
    text = params.get("q", "").strip()
    if len(text) > MAX_SEARCH:
        errors["q"] = f"Search must be at most {MAX_SEARCH} characters"
        text = ""
    sort = params.get("sort", "newest")
    if sort not in queries.SORTS:
        errors["sort"] = "Choose a sort from the list"
        sort = "newest"
    zone = store_zone(desk.store.timezone)
    dates: dict[str, datetime | None] = {"from": None, "to": None}
    for name in dates:
        raw = params.get(name, "").strip()
        if raw:
            try:
                dates[name] = parse_datetime(raw[:40], name, tz=zone, end_of_day=name == "to")
            except OrderhubError:
                errors[name] = "Use a date such as 2026-11-25"
    return queries.ListFilter(text, dates["from"], dates["to"], sort), errors


def _list_page(
    request: Request, desk: Desk, *, folder: Folder | None, within: int | None, list_url: str,
    errors: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """A folder's page (`folder`), or the store-wide search (`within`: the folder chosen in
    its filter, None for all): one query, one template."""
    db = request.app.state.db
    filters, errors = _filters(request, desk, errors)
    cursor = request.query_params.get("cursor") or None
    listing = queries.OrderPage([], 0, None)
    if not errors:
        try:
            listing = queries.order_page(
                db, request.app.state.count_cache, desk.store, within, filters, cursor
            )
        except OrderhubError:
            errors["cursor"] = "That page link is out of date; showing the first page"
            listing = queries.order_page(
                db, request.app.state.count_cache, desk.store, within, filters, None
            )
    names = ("q", "from", "to", "sort") + (("folder",) if folder is None else ())
    params = {k: v for k, v in request.query_params.items() if k in names and v}
    return page(
        request, "folder.html", desk, folder=folder, listing=listing, filters=filters,
        params=params, query=urlencode(params), errors=errors, sorts=queries.SORTS,
        list_url=list_url, within=within,
        document_templates=template_service.documents(db, desk.store),
        current_url=local_path(request),
        manual_rules=rule_service.manual_rules(db, desk.store.id),
        status_code=400 if errors and "cursor" not in errors else 200,
    )  # fmt: skip


@router.get("/desk/folders/{folder_id}")
def folder_page(folder_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    folder = queries.folder(request.app.state.db, desk.store, number(folder_id, "Folder"))
    return _list_page(
        request, desk, folder=folder, within=folder.id, list_url=f"/desk/folders/{folder.id}"
    )


@router.get("/desk/search")
def search_page(request: Request, desk: Desk = Depends(signed_in)) -> Response:
    """Find any order of the store: every folder (or the one chosen), the same search."""
    raw = request.query_params.get("folder", "").strip()
    within, errors = None, {}
    if raw:
        try:
            within = queries.folder(request.app.state.db, desk.store, number(raw, "Folder")).id
        except OrderhubError:
            errors["folder"] = "Choose a folder from the list"
    return _list_page(
        request, desk, folder=None, within=within, list_url="/desk/search", errors=errors
    )


@router.get("/desk/folders/{folder_id}/export.csv")
def export_csv(folder_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    db = request.app.state.db
    folder = queries.folder(db, desk.store, number(folder_id, "Folder"))
    filters, errors = _filters(request, desk)
    if errors:
        return redirect(f"/desk/folders/{folder.id}", next(iter(errors.values())), "error")
    names = {
        f.id: f.name for f, _ in queries.folders(db, desk.store, request.app.state.count_cache)
    }

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = SafeWriter(buffer)
        writer.writerow(CSV_COLUMNS)
        for order in queries.export(db, desk.store, folder.id, filters):
            writer.writerows(csv_rows(order, names))
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    filename = f"orders-{folder.name.lower().replace(' ', '-')}.csv"
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(filename)},
    )


@router.post("/desk/orders/move")
def move_selected(
    request: Request, desk: Desk = Depends(signed_in), form: FormData = Depends(checked_form)
) -> Response:
    fields = Form(form)
    back = safe_back(fields.raw("back"), "/desk")
    ids = fields.ids("order_id", "order")
    folder_id = fields.whole("folder_id", "Folder", minimum=1, maximum=10**18)
    try:
        fields.check()
    except FormInvalid as exc:
        return redirect(back, next(iter(exc.errors.values())), "error")
    assert folder_id is not None
    try:
        results = actions.move_orders(
            request.app.state.db, desk.store, ids, folder_id, desk.user.email
        )
    except OrderhubError:
        return redirect(back, "Choose a folder of this store from the list", "error")
    moved = [r for r in results if r.moved]
    missing = [str(r.order_id) for r in results if not r.moved]
    message = f"Moved {len(moved)} order{'s' * (len(moved) != 1)}"
    if missing:
        return redirect(back, f"{message}; not found: {', '.join(missing)}", "error")
    return redirect(back, message)
