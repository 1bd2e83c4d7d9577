"""The built-in templates: what a store has before it edits anything, and what "reset"
goes back to. Bodies live in `defaults/` as files; subjects here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

EMAIL, DOCUMENT = "email", "document"
KINDS = (EMAIL, DOCUMENT)
ORDER_CONFIRMATION = "order confirmation"
SHIPMENT_CONFIRMATION = "shipment confirmation"
PACKING_SLIP = "packing slip"
INVOICE = "invoice"
DEFAULTS_DIR = Path(__file__).parent / "defaults"


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    subject: str  # emails only
    body: str  # HTML
    text_body: str = ""  # emails only; "" = made from the HTML body
    builtin: bool = False  # a built-in's name (edited or not)
    edited: bool = False  # the store's own copy, not the default


_SUBJECTS = {
    ORDER_CONFIRMATION: "Your order {{ order.id }} at {{ store.name }}",
    SHIPMENT_CONFIRMATION: "Your order {{ order.id }} from {{ store.name }} has shipped",
}
_KINDS = {
    ORDER_CONFIRMATION: EMAIL,
    SHIPMENT_CONFIRMATION: EMAIL,
    PACKING_SLIP: DOCUMENT,
    INVOICE: DOCUMENT,
}
BUILTIN_NAMES = tuple(_KINDS)


@cache
def default(name: str) -> Template | None:
    kind = _KINDS.get(name)
    if kind is None:
        return None
    body = (DEFAULTS_DIR / f"{name.replace(' ', '_')}.html").read_text(encoding="utf-8")
    return Template(name, kind, _SUBJECTS.get(name, ""), body, builtin=True)
