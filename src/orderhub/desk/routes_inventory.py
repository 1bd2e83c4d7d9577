"""Inventory: search items, change stock and price, and see the orders that took stock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import actions, queries
from orderhub.desk.auth import Desk, checked_form, signed_in
from orderhub.desk.forms import Form
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.errors import StaleEdit
from orderhub.domain.limits import MAX_STOCK
from orderhub.domain.values import ascii_digits
from orderhub.services.inventory import ItemVersion

router = APIRouter(include_in_schema=False)


@router.get("/desk/inventory")
def inventory_list(request: Request, desk: Desk = Depends(signed_in)) -> Response:
    search = request.query_params.get("q", "").strip()[:100]
    raw_offset = request.query_params.get("offset", "0")
    offset = int(raw_offset) if ascii_digits(raw_offset) and len(raw_offset) < 10 else 0
    total, items = queries.inventory_page(request.app.state.db, desk.store, search, offset)
    return page(
        request, "inventory.html", desk, items=items, total=total, search=search,
        offset=offset, page_size=queries.INVENTORY_PAGE,
    )  # fmt: skip


def _item_page(
    request: Request,
    desk: Desk,
    item_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    db = request.app.state.db
    item = queries.inventory_item(db, desk.store, item_id)
    return page(
        request, "inventory_item.html", desk, item=item, version=ItemVersion.of(item).token(),
        orders=queries.orders_with_code(db, desk.store, item.code),
        stock_follows=bool(desk.store.settings.get("auto_update_stock_count")),
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/desk/inventory/{item_id}")
def inventory_item(item_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    return _item_page(request, desk, number(item_id, "Inventory item"))


@router.post("/desk/inventory/{item_id}")
def update_item(
    item_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    iid = number(item_id, "Inventory item")
    queries.inventory_item(request.app.state.db, desk.store, iid)
    fields = Form(form)
    stock = fields.whole("stock", "Stock", minimum=-MAX_STOCK, maximum=MAX_STOCK)
    price = fields.money("price", "Price")
    seen = _version(fields.raw("version"))
    values = {"stock": fields.raw("stock"), "price": fields.raw("price")}
    if seen is None:
        fields.errors["_form"] = "This form is out of date: reload the page"
    if fields.errors or stock is None or price is None or seen is None:
        return _item_page(request, desk, iid, errors=fields.errors, values=values, status_code=400)
    try:
        actions.update_inventory(
            request.app.state.db, desk.store, iid, stock=stock, price=price,
            user=desk.user.email, seen=seen,
        )  # fmt: skip
    except StaleEdit as exc:
        errors = {
            "_form": f"{exc.message}. Your values are kept below; check them against "
            "the current ones and save again to replace them."
        }
        values.update(version=exc.current, _stale="yes")
        return _item_page(request, desk, iid, errors=errors, values=values, status_code=409)
    return redirect(f"/desk/inventory/{iid}", "Stock and price saved")


def _version(raw: str) -> ItemVersion | None:
    """What the form showed of the item (`ItemVersion.token`)."""
    parts = raw.split("|")
    if len(raw) > 80 or len(parts) != 3:
        return None
    when, stock, price = parts
    try:
        return ItemVersion(datetime.fromisoformat(when), int(stock), Decimal(price))
    except (ValueError, ArithmeticError):
        return None
