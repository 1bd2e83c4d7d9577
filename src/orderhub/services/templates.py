"""A store's templates: listing them, saving an edited copy (checked first: it compiles,
reaches nothing private, and renders a maximal and an empty order within the limits),
going back to the default, and rendering one over real orders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from orderhub.domain import limits
from orderhub.domain.dates import utcnow
from orderhub.domain.errors import InvalidInput, NotFound
from orderhub.domain.stores import Store
from orderhub.storage import orders as order_storage
from orderhub.storage import stores
from orderhub.storage import templates as template_storage
from orderhub.storage.database import Database
from orderhub.templating import render as rendering
from orderhub.templating.builtins import BUILTIN_NAMES, DOCUMENT, KINDS, Template, default
from orderhub.templating.render import RenderedEmail
from orderhub.templating.sandbox import TemplateProblem


def list_templates(db: Database, store: Store) -> list[Template]:
    """The built-ins (edited or not), then the store's own, by name."""
    with db.read() as conn:
        saved = {t.name: t for t in template_storage.saved(conn, store.id)}
    builtins = [saved.pop(name, None) or default(name) for name in BUILTIN_NAMES]
    return [t for t in builtins if t is not None] + sorted(saved.values(), key=lambda t: t.name)


def documents(db: Database, store: Store) -> list[Template]:
    return [t for t in list_templates(db, store) if t.kind == DOCUMENT]


def get_template(db: Database, store: Store, name: str) -> Template:
    with db.read() as conn:
        found = template_storage.find(conn, store.id, name)
    if found is None:
        raise NotFound(f"Template {name[:100]!r} not found in store {store.id}")
    return found


def checked_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > limits.width("templates", "name"):
        raise InvalidInput(f"name: 1 to {limits.width('templates', 'name')} characters on one line")
    return text


def check_template(store: Store, template: Template) -> None:
    """Raises `TemplateProblem` (part and line) for what would fail at send or print time."""
    if template.kind not in KINDS:
        raise InvalidInput(f"kind: must be one of {', '.join(KINDS)}")
    rendering.check(template, store)


def save_template(db: Database, store: Store, template: Template) -> Template:
    """Save the store's copy; a built-in keeps its kind."""
    name = checked_name(template.name)
    builtin = default(name)
    kind = builtin.kind if builtin is not None else template.kind
    if kind == DOCUMENT:
        template = replace(template, subject="", text_body="")
    template = replace(template, name=name, kind=kind)
    check_template(store, template)
    with db.write() as conn:
        stores.get_store(conn, store.id)
        template_storage.save(conn, store.id, template)
        found = template_storage.find(conn, store.id, name)
    assert found is not None
    return found


def reset_template(db: Database, store: Store, name: str) -> Template | None:
    """Back to the built-in default (None: a template of the store's own, now deleted)."""
    with db.write() as conn:
        removed = template_storage.remove(conn, store.id, name)
    if default(name) is None and not removed:
        raise NotFound(f"Template {name[:100]!r} not found in store {store.id}")
    return default(name)


def render_for_orders(
    db: Database, store: Store, template: Template, order_ids: Sequence[int]
) -> list[RenderedEmail]:
    """`template` over each of the store's orders named (missing ones are left out): an
    email's subject, HTML and text, or a document's HTML. Raises `TemplateProblem`."""
    if len(order_ids) > limits.MAX_DOCUMENTS_PER_PRINT:
        raise InvalidInput(f"at most {limits.MAX_DOCUMENTS_PER_PRINT} orders at once")
    with db.read() as conn:
        found = order_storage.load_orders(conn, store.id, list(order_ids), with_history=False)
    now = utcnow()
    return [rendering.render(template, rendering.variables(store, o, now=now)) for o in found]


def render_for_order(
    db: Database, store: Store, template: Template, order_id: int
) -> RenderedEmail:
    rendered = render_for_orders(db, store, template, [order_id])
    if not rendered:
        raise NotFound(f"Order {order_id} not found")
    return rendered[0]


@dataclass(frozen=True)
class Printed:
    """One order's page of a print run: its HTML, or why it could not be rendered."""

    order_id: int
    html: str
    error: str = ""


def print_documents(
    db: Database, store: Store, template: Template, order_ids: Sequence[int]
) -> list[Printed]:
    """A document for each of the store's orders named, in that order (others left out);
    a template that fails for one order fails only that order's page."""
    if len(order_ids) > limits.MAX_DOCUMENTS_PER_PRINT:
        raise InvalidInput(f"at most {limits.MAX_DOCUMENTS_PER_PRINT} orders at once")
    with db.read() as conn:
        found = order_storage.load_orders(conn, store.id, list(order_ids), with_history=False)
    by_id = {o.id: o for o in found}
    now, printed = utcnow(), []
    for order_id in order_ids:
        order = by_id.get(order_id)
        if order is None:
            continue
        try:
            html = rendering.render_document(template, rendering.variables(store, order, now=now))
            printed.append(Printed(order_id, html))
        except TemplateProblem as exc:
            printed.append(Printed(order_id, "", exc.message))
    return printed
