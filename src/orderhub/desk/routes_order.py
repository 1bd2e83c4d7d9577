"""One order: everything about it on one page, and the actions staff take on it (move,
ship all or part, split, note, edit the shipping address, cancel). A failed action shows the page
again with the message beside the field and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from orderhub.desk import actions, queries
from orderhub.desk.auth import Desk, checked_form, signed_in
from orderhub.desk.forms import Form, FormInvalid, errors_of
from orderhub.desk.paths import number
from orderhub.desk.render import page, redirect
from orderhub.domain.errors import InvalidInput, NotFound, OrderhubError, StaleEdit
from orderhub.domain.fulfilment import shipped_quantities
from orderhub.domain.limits import ADDRESS_WIDTH, MAX_ID, MAX_QUANTITY, width
from orderhub.domain.orders import NOTE_MAX_CHARS, SHIPPING_ADDRESS_FIELDS, Order
from orderhub.services import rules as rule_service
from orderhub.services import templates as template_service
from orderhub.services.moves import UnknownFolder
from orderhub.templating.builtins import DOCUMENT, EMAIL

router = APIRouter(include_in_schema=False)

ADDRESS_LABELS = {
    "first_name": "First name", "last_name": "Last name", "company": "Company",
    "address1": "Address line 1", "address2": "Address line 2", "address3": "Address line 3",
    "address4": "Address line 4", "city": "City", "state": "State / county",
    "postal_code": "Postal code", "country": "Country", "phone": "Phone",
}  # fmt: skip


def order_page(
    request: Request,
    desk: Desk,
    order_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    db = request.app.state.db
    order, revision = queries.order_for_edit(db, desk.store, order_id)
    folders = queries.folders(db, desk.store, request.app.state.count_cache)
    ordered = {item.id: item.quantity for item in order.items if item.id is not None}
    shipped = shipped_quantities(ordered, order.shipments)
    templates = template_service.list_templates(db, desk.store)
    return page(
        request, "order.html", desk, order=order, folders=folders,
        folder_names={f.id: f.name for f, _ in folders}, shipped=shipped,
        address_fields=SHIPPING_ADDRESS_FIELDS, address_labels=ADDRESS_LABELS,
        note_max=NOTE_MAX_CHARS, errors=errors or {}, values=values or {}, revision=revision,
        address_open=any(k.startswith("shipping_") or k == "_address" for k in errors or {}),
        split_open=any(k.startswith("split_") or k == "_split" for k in errors or {}),
        emails=queries.order_emails(db, desk.store, order_id),
        email_templates=[t for t in templates if t.kind == EMAIL],
        document_templates=[t for t in templates if t.kind == DOCUMENT],
        manual_rules=rule_service.manual_rules(db, desk.store.id),
        status_code=status_code,
    )  # fmt: skip


@router.get("/desk/orders/{order_id}")
def show_order(order_id: str, request: Request, desk: Desk = Depends(signed_in)) -> Response:
    return order_page(request, desk, number(order_id, "Order"))


def _still_as_shown(request: Request, desk: Desk, order_id: int, fields: Form) -> None:
    """Refuse (StaleEdit) when the form carries the revision it was rendered from and the
    order has changed since: a move, shipment or cancellation decided on a page that no
    longer shows the order as it is. (The address form's check is part of its write.)"""
    raw = fields.raw("revision")
    if not raw:
        return
    seen = fields.whole("revision", "Revision", minimum=0, maximum=2**31)
    current, last = queries.revision_and_last_change(request.app.state.db, desk.store, order_id)
    if seen is not None and seen != current:
        raise StaleEdit(f"Order {order_id}", last.by, last.at, str(current))


def _act(
    request: Request,
    desk: Desk,
    order_id: int,
    form: FormData,
    section: str,
    fields: tuple[str, ...],
    apply: Callable[[Form], str],
) -> Response:
    """Run one action (`apply` checks the form, calls the service and says what it did); on
    bad input show the order again with the messages."""
    checked = Form(form)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    status_code = 400
    try:
        message = apply(checked)
    except StaleEdit as exc:
        # The user's values stay in the form; the page shows the current ones beside them,
        # and saving again (with the current revision) is a deliberate overwrite.
        errors = {
            f"_{section}": f"{exc.message}. Your values are kept below; check them "
            "against the current ones and save again to replace them."
        }
        values["revision"], values["_stale"] = exc.current, "yes"
        status_code = 409
    except FormInvalid as exc:
        errors = exc.errors
    except NotFound:
        raise
    except OrderhubError as exc:
        errors = errors_of(exc, fields)
    else:
        return redirect(f"/desk/orders/{order_id}", message)
    if "_form" in errors:
        errors[f"_{section}"] = errors.pop("_form")
    return order_page(
        request, desk, order_id, errors=errors, values=values, status_code=status_code
    )


@router.post("/desk/orders/{order_id}/move")
def move_order(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    queries.order(request.app.state.db, desk.store, oid)

    def apply_move(fields: Form) -> str:
        _still_as_shown(request, desk, oid, fields)
        folder_id = fields.whole("folder_id", "Folder", minimum=1, maximum=10**18)
        fields.check()
        assert folder_id is not None
        result = actions.move_orders(
            request.app.state.db, desk.store, [oid], folder_id, desk.user.email
        )[0]
        return result.message

    return _act(request, desk, oid, form, "move", ("folder_id",), apply_move)


def _unshipped_quantities(
    fields: Form, order: Order, prefix: str, *, minimum: int, too_many: str
) -> list[tuple[int, int]]:
    """The quantities typed per item (fields `<prefix><item id>`) as (item id, quantity)
    pairs, each at most what is not shipped yet; one over that is an error beside its field
    (`too_many` with `{left}`). Shared by the shipment and split forms."""
    ordered = {item.id: item.quantity for item in order.items if item.id is not None}
    shipped = shipped_quantities(ordered, order.shipments)
    lines: list[tuple[int, int]] = []
    for item in order.items:
        name = f"{prefix}{item.id}"
        if fields.raw(name) in ("", "0"):
            continue
        left = item.quantity - shipped.get(item.id or 0, 0)
        qty = fields.whole(name, "Quantity", minimum=minimum, maximum=MAX_QUANTITY)
        if qty is not None and qty > left:
            fields.errors[name] = too_many.format(left=left)
        elif qty:
            lines.append((int(item.id or 0), qty))
    return lines


@router.post("/desk/orders/{order_id}/shipments")
def add_shipment(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    order = queries.order(request.app.state.db, desk.store, oid)

    def apply_shipment(fields: Form) -> str:
        _still_as_shown(request, desk, oid, fields)
        tracking = fields.text(
            "tracking_number",
            "Tracking number",
            max_chars=width("shipments", "tracking_number"),
            required=True,
        )
        carrier = fields.text(
            "carrier_code", "Carrier", max_chars=width("shipments", "carrier_code")
        )
        lines: list[tuple[int, int]] = []
        if fields.raw("what") == "items":
            lines = _unshipped_quantities(
                fields, order, "qty_", minimum=0, too_many="Only {left} left to ship"
            )
            if not lines and not fields.errors:
                fields.errors["_shipment"] = "Enter a quantity for at least one item"
        fields.check()
        actions.add_shipment(
            request.app.state.db, desk.store, oid, tracking_number=tracking,
            carrier_code=carrier, lines=lines, user=desk.user.email,
        )  # fmt: skip
        return "Shipment added" + (" for the chosen items" if lines else "")

    return _act(
        request, desk, oid, form, "shipment", ("tracking_number", "carrier_code"), apply_shipment
    )


@router.post("/desk/orders/{order_id}/split")
def split_order(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    """Staff and owners alike: chosen quantities move to a new order (services/splits.py)."""
    oid = number(order_id, "Order")
    order = queries.order(request.app.state.db, desk.store, oid)

    def apply_split(fields: Form) -> str:
        lines = _unshipped_quantities(
            fields, order, "split_", minimum=1, too_many="Only {left} not shipped yet"
        )
        if not lines and not fields.errors:
            fields.errors["_split"] = "Enter a quantity to move for at least one item"
        folder_id = None
        if fields.raw("split_folder"):
            folder_id = fields.whole("split_folder", "Folder", minimum=1, maximum=MAX_ID)
        fields.check()
        try:
            result = actions.split_order(
                request.app.state.db, desk.store, oid, lines, folder_id, desk.user.email
            )
        except UnknownFolder:
            raise FormInvalid({"split_folder": "Choose one of the store's folders"}) from None
        return (
            f"Split: the chosen items are now order #{result.new_order_id} ({result.new_source_id})"
        )

    return _act(request, desk, oid, form, "split", ("split_folder",), apply_split)


@router.post("/desk/orders/{order_id}/notes")
def add_note(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    queries.order(request.app.state.db, desk.store, oid)

    def apply_note(fields: Form) -> str:
        note = fields.text("note", "Note", max_chars=NOTE_MAX_CHARS, required=True)
        fields.check()
        actions.add_note(request.app.state.db, desk.store, oid, note, desk.user.email)
        return "Note added"

    return _act(request, desk, oid, form, "note", ("note",), apply_note)


@router.post("/desk/orders/{order_id}/address")
def edit_address(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    queries.order(request.app.state.db, desk.store, oid)
    names = tuple(f"shipping_{f}" for f in SHIPPING_ADDRESS_FIELDS)

    def apply_address(fields: Form) -> str:
        address = {
            f: fields.text(f"shipping_{f}", ADDRESS_LABELS[f], max_chars=ADDRESS_WIDTH)
            for f in SHIPPING_ADDRESS_FIELDS
        }
        if not address["company"] and not (address["first_name"] and address["last_name"]):
            fields.errors.setdefault(
                "shipping_last_name", "Give a first and last name, or a company"
            )
        revision = fields.whole("revision", "Revision", minimum=0, maximum=2**31)
        if revision is None:
            fields.errors["_address"] = "This form is out of date: reload the page"
        fields.check()
        assert revision is not None
        try:
            actions.edit_shipping_address(
                request.app.state.db, desk.store, oid, address, desk.user.email, revision
            )
        except InvalidInput as exc:
            if exc.message.startswith("shipping:"):
                raise FormInvalid(
                    {"shipping_last_name": "Give a first and last name, or a company"}
                ) from None
            raise
        return "Shipping address saved"

    return _act(request, desk, oid, form, "address", names, apply_address)


@router.post("/desk/orders/{order_id}/cancel")
def cancel(
    order_id: str, request: Request, desk: Desk = Depends(signed_in),
    form: FormData = Depends(checked_form),
) -> Response:  # fmt: skip
    oid = number(order_id, "Order")
    queries.order(request.app.state.db, desk.store, oid)

    def apply_cancel(fields: Form) -> str:
        _still_as_shown(request, desk, oid, fields)
        if fields.raw("confirm") != "yes":
            raise FormInvalid({"confirm": "Tick the box to confirm the cancellation"})
        actions.cancel_order(request.app.state.db, desk.store, oid, desk.user.email)
        return "Order cancelled"

    return _act(request, desk, oid, form, "cancel", ("confirm",), apply_cancel)
