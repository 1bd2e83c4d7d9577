"""Rendering a store's template over an order: the variables (the order exactly as the Order
Desk API shows it, the store, the shipment), the filters, and the checks made on save."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from orderhub.domain.carriers import guess_carrier, tracking_url
from orderhub.domain.dates import format_wire
from orderhub.domain.fulfilment import Shipment
from orderhub.domain.orders import Discount, Item, Order
from orderhub.domain.stores import Store
from orderhub.protocol.orderdesk.wire import order_dict, shipment_dict
from orderhub.templating import filters
from orderhub.templating.builtins import EMAIL, Template
from orderhub.templating.plaintext import html_to_text
from orderhub.templating.sandbox import (
    BoundedSandbox,
    TemplateProblem,
    compile_checked,
    render_bounded,
)

DEFAULT_MONEY_FORMAT = "0.00"


@pass_context
def _money(context: Context, value: Any) -> str:
    store = context.get("store") or {}
    return filters.money(value, str(store.get("money_format") or DEFAULT_MONEY_FORMAT))


@pass_context
def _date(context: Context, value: Any, fmt: str = filters.DEFAULT_DATE_FORMAT) -> str:
    store = context.get("store") or {}
    return filters.local_time(value, str(store.get("timezone") or "UTC"), fmt)


def _environment(autoescape: bool) -> BoundedSandbox:
    env = BoundedSandbox(autoescape=autoescape, trim_blocks=True, lstrip_blocks=True)
    env.add_filters(money=_money, date=_date, barcode=filters.barcode_svg,
                    qrcode=filters.qrcode_svg)  # fmt: skip
    return env


HTML = _environment(autoescape=True)
TEXT = _environment(autoescape=False)  # subjects and given plain-text parts


def store_variables(store: Store) -> dict[str, Any]:
    settings = store.settings
    return {
        "id": str(store.id),
        "name": store.name,
        "timezone": store.timezone,
        "money_format": settings.get("money_format", DEFAULT_MONEY_FORMAT),
        "email": settings.get("email_sender_address", ""),
        "sender_name": settings.get("email_sender_name", "") or store.name,
        "reply_to": settings.get("email_reply_to", ""),
    }


def shipment_variables(shipment: Shipment) -> dict[str, Any]:
    """The shipment as the API shows it, with a tracking link from the carrier table when
    it came without one."""
    shown = shipment_dict(shipment)
    carrier = shipment.carrier_code or guess_carrier(shipment.tracking_number)
    shown["carrier_code"] = carrier
    shown["tracking_url"] = shipment.tracking_url or tracking_url(carrier, shipment.tracking_number)
    return shown


def variables(
    store: Store, order: Order, shipment_id: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """`shipment`: the one named, else the order's latest, else None."""
    shipments = order.shipments
    chosen = next((s for s in shipments if s.id == shipment_id), None) if shipment_id else None
    if chosen is None and shipments:
        chosen = shipments[-1]
    return {
        "order": order_dict(replace(order, history=None)),
        "store": store_variables(store),
        "shipment": shipment_variables(chosen) if chosen is not None else None,
        "now": format_wire(now) if now else "",
    }


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def render_email(template: Template, values: Mapping[str, Any]) -> RenderedEmail:
    subject = render_bounded(compile_checked(TEXT, template.subject, "subject"), values, "subject")
    subject = " ".join(subject.split())  # one line: no CR/LF can reach the header
    if not subject:
        raise TemplateProblem("renders empty", part="subject")
    html = render_bounded(compile_checked(HTML, template.body, "body"), values, "body")
    if template.text_body.strip():
        part = compile_checked(TEXT, template.text_body, "text_body")
        text = render_bounded(part, values, "text_body")
    else:
        text = html_to_text(html)
    return RenderedEmail(subject[:998], html, text)


def render_document(template: Template, values: Mapping[str, Any]) -> str:
    return render_bounded(compile_checked(HTML, template.body, "body"), values, "body")


def render(template: Template, values: Mapping[str, Any]) -> RenderedEmail:
    """Either kind, as an email-shaped result (a document has no subject or text part)."""
    if template.kind == EMAIL:
        return render_email(template, values)
    return RenderedEmail("", render_document(template, values), "")


def sample_order() -> Order:
    """An order with every field filled, long lists included: the trial render a template
    must pass before it is saved."""
    now = datetime(2026, 11, 25, 14, 30, 0)
    address = {
        "first_name": "Ann", "last_name": "Lee", "company": "Lee & Co", "address1": "1 Main St",
        "address2": "Suite 2", "city": "Springfield", "state": "IL", "postal_code": "62701",
        "country": "US", "phone": "555-0100",
    }  # fmt: skip
    items = [
        Item(name=f"T-Shirt {n}", price=Decimal("19.99"), quantity=2, weight=Decimal("0.2"),
             code=f"TS-{n}", variation_list={"Size": "L", "Color": "Red"},
             metadata={"note": "gift"}, id=n)
        for n in range(1, 21)
    ]  # fmt: skip
    shipment = Shipment(
        tracking_number="1Z999AA10123456784", carrier_code="UPS", shipment_method="Ground",
        id=1, order_id=1001, store_id=1, date_added=now, date_shipped="2026-11-26",
    )  # fmt: skip
    return Order(
        items=items, source_name="Shop", source_id="SHOP-1001", email="ann@example.com",
        shipping_method="Ground", shipping_total=Decimal("4.99"), tax_total=Decimal("3.20"),
        payment_type="Visa", customer_id="C-1", shipping={**address, "address3": "Floor 3"},
        customer=dict(address), checkout_data={"gift": "yes"}, order_metadata={"po": "77"},
        discount_list=[Discount(name="Welcome", code="HELLO", amount=Decimal("5.00"))],
        order_notes=[{"note": "Leave at the door"}], date_added=now, id=1001, store_id=1,
        date_updated=now, quantity_total=40, product_total=Decimal("399.80"),
        order_total=Decimal("402.99"), shipments=[shipment],
    )  # fmt: skip


def check(template: Template, store: Store) -> None:
    """Refuse what would fail at send or print time: every part compiles, reaches nothing
    private, and renders a maximal order and an empty one within the limits."""
    empty = Order(id=1, store_id=store.id, date_added=datetime(2026, 1, 1),
                  date_updated=datetime(2026, 1, 1))  # fmt: skip
    for order in (sample_order(), empty):
        render(template, variables(store, order, now=datetime(2026, 11, 26)))
